/**
 * The one file that defines every custom element of the project. The bundle
 * (an IIFE loaded with <script defer>) runs this once per page, and starts the
 * TensorFlow.js backend as the deck loads so the first demo does not wait.
 */
import { html } from 'lit';
import { backendInfo, initBackend, tf } from './runtime/backend.js';
import { DemoElement } from './runtime/demo-element.js';
import { LoopController } from './runtime/loop.js';
import { SoftmaxTemperature } from './elements/softmax-temperature.js';
import { PositionalEncoding } from './elements/positional-encoding.js';
import { SamplingTree } from './elements/sampling-tree.js';
import { BpeTokenizer } from './elements/bpe-tokenizer.js';
import { EmbeddingArithmetic } from './elements/embedding-arithmetic.js';
import { BigramTable } from './elements/bigram-table.js';
import { MlpTrainer } from './elements/mlp-trainer.js';
import { DigitTrainer } from './elements/digit-trainer.js';
import { AttentionGrid } from './elements/attention-grid.js';
import { SlidingWindow } from './elements/sliding-window.js';
import { CrossEntropy } from './elements/cross-entropy.js';
import { VanishingGradient } from './elements/vanishing-gradient.js';
import { NeuronCalculator } from './elements/neuron-calculator.js';
import { ParamCounter } from './elements/param-counter.js';
import { BatchPaths } from './elements/batch-paths.js';
import { AttentionMasks } from './elements/attention-masks.js';
import { UnembedSampler } from './elements/unembed-sampler.js';
import { SirModel } from './elements/sir-model.js';
import { PolynomialFit } from './elements/polynomial-fit.js';
import { KnobNetwork } from './elements/knob-network.js';
import { LossLandscape } from './elements/loss-landscape.js';
import { PerceptronDemo } from './elements/perceptron-demo.js';
import { ConvFeatures } from './elements/conv-features.js';
import { SparseAttentionIndexer } from './elements/sparse-attention-indexer.js';
import { RnnRecall } from './elements/rnn-recall.js';
import { RopeRotator } from './elements/rope-rotator.js';
import { ResidualHighway } from './elements/residual-highway.js';
import { ModelCalculator } from './elements/model-calculator.js';
import { OptimizerRace } from './elements/optimizer-race.js';
import { ChinchillaFrontier } from './elements/chinchilla-frontier.js';
import { EmergenceLens } from './elements/emergence-lens.js';
import { GrokkingRun } from './elements/grokking-run.js';
import { PolicyBandit } from './elements/policy-bandit.js';
import { FinetuneShift } from './elements/finetune-shift.js';
import { RewardHacking } from './elements/reward-hacking.js';
import { TiledSoftmax } from './elements/tiled-softmax.js';
import { QuantCliff } from './elements/quant-cliff.js';
import { LoraRank } from './elements/lora-rank.js';
import { RooflineMeter } from './elements/roofline-meter.js';
import { KvCache } from './elements/kv-cache.js';
import { ScalingSweep } from './elements/scaling-sweep.js';
import { BatchScheduler } from './elements/batch-scheduler.js';
import { ExpertRouter } from './elements/expert-router.js';
import { DraftVerify } from './elements/draft-verify.js';
import { MajorityVote } from './elements/majority-vote.js';
import { ContextLearner } from './elements/context-learner.js';

const elements: Record<string, CustomElementConstructor> = {
  'softmax-temperature': SoftmaxTemperature,
  'positional-encoding': PositionalEncoding,
  'sampling-tree': SamplingTree,
  'bpe-tokenizer': BpeTokenizer,
  'embedding-arithmetic': EmbeddingArithmetic,
  'bigram-table': BigramTable,
  'mlp-trainer': MlpTrainer,
  'digit-trainer': DigitTrainer,
  'attention-grid': AttentionGrid,
  'sliding-window': SlidingWindow,
  'cross-entropy': CrossEntropy,
  'vanishing-gradient': VanishingGradient,
  'neuron-calculator': NeuronCalculator,
  'param-counter': ParamCounter,
  'batch-paths': BatchPaths,
  'attention-masks': AttentionMasks,
  'unembed-sampler': UnembedSampler,
  'sir-model': SirModel,
  'polynomial-fit': PolynomialFit,
  'knob-network': KnobNetwork,
  'loss-landscape': LossLandscape,
  'perceptron-demo': PerceptronDemo,
  'conv-features': ConvFeatures,
  'sparse-attention-indexer': SparseAttentionIndexer,
  'rnn-recall': RnnRecall,
  'rope-rotator': RopeRotator,
  'residual-highway': ResidualHighway,
  'model-calculator': ModelCalculator,
  'optimizer-race': OptimizerRace,
  'chinchilla-frontier': ChinchillaFrontier,
  'emergence-lens': EmergenceLens,
  'grokking-run': GrokkingRun,
  'policy-bandit': PolicyBandit,
  'finetune-shift': FinetuneShift,
  'reward-hacking': RewardHacking,
  'tiled-softmax': TiledSoftmax,
  'quant-cliff': QuantCliff,
  'lora-rank': LoraRank,
  'roofline-meter': RooflineMeter,
  'kv-cache': KvCache,
  'scaling-sweep': ScalingSweep,
  'batch-scheduler': BatchScheduler,
  'expert-router': ExpertRouter,
  'draft-verify': DraftVerify,
  'majority-vote': MajorityVote,
  'context-learner': ContextLearner,
};

for (const [tag, element] of Object.entries(elements)) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}

// Tests and benchmarks read tensor counts and the chosen backend through this handle;
// runtime tests build small fixture elements from its classes.
(globalThis as Record<string, unknown>).__demoRuntime = { tf, initBackend, backendInfo, DemoElement, LoopController, html };

// Warm the backend up while the title slide is on screen.
void initBackend().catch((error) => console.warn('TensorFlow.js backend failed to start:', error));
