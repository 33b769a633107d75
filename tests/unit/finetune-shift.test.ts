import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { NAMES_EN } from '../../components/data/names';
import { buildCorpus, encode } from '../../components/models/corpus';
import {
  CONTEXT, DEFAULT_FINETUNE, FinetuneShift, SEPARATOR, advance, answerFor, buildSftExamples, maskedCrossEntropy, withSeparator,
  type ShiftPoint,
} from '../../components/models/finetune-shift';
import { createRng } from '../../components/runtime/rng';
import { patchWasmKernels } from '../../components/runtime/wasm-kernels';

// The demo's default backend, with the runtime's kernel fixes; several times faster than the cpu backend for training.
beforeAll(async () => {
  patchWasmKernels();
  expect(await tf.setBackend('wasm')).toBe(true);
});

/** Plain-JS reference: Σ m·(−log softmax(z)[y]) / Σ m, in float64. */
function referenceMaskedLoss(logits: number[][], y: number[], mask: number[]): number {
  let total = 0;
  let weight = 0;
  logits.forEach((z, b) => {
    const max = Math.max(...z);
    const logZ = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
    total += mask[b]! * (logZ - z[y[b]!]!);
    weight += mask[b]!;
  });
  return weight ? total / weight : 0;
}

describe('answerFor', () => {
  it.each([['ann', 'three'], ['emma', 'four'], ['oscar', 'five'], ['olivia', 'six'], ['abigail', 'seven'], ['isabella', 'eight']])(
    'answers "%s?" with "%s"', (name, word) => expect(answerFor(name)).toBe(word));

  it.each(['jo', 'maximilian'])('refuses "%s", outside 3–8 letters', (name) => expect(() => answerFor(name)).toThrow(/3–8/));
});

describe('buildSftExamples', () => {
  const corpus = withSeparator(buildCorpus(['ann', 'bob']));

  it('turns "ann?three." into one row per target, masking the question', () => {
    const e = buildSftExamples(corpus, ['ann'], 4);
    const targets = [...e.y].map((i) => corpus.vocab[i]).join('');
    expect(targets).toBe(`nn${SEPARATOR}three.`.replace(/^/, 'a'));
    // a, n, n, ? are the question (mask 0); t, h, r, e, e, . the answer (mask 1).
    expect([...e.mask]).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    // The first answer row sees the whole question: [a n n ?] → t.
    expect([...e.x.subarray(4 * 4, 5 * 4)].map((i) => corpus.vocab[i]).join('')).toBe(`ann${SEPARATOR}`);
    // The first row is all padding.
    expect([...e.x.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
  });

  it('gives the separator its own vocabulary entry', () => {
    expect(corpus.vocab).toContain(SEPARATOR);
    expect(encode(corpus, `bob${SEPARATOR}`)).toHaveLength(4);
  });
});

describe('maskedCrossEntropy', () => {
  const cases: [string, number[][], number[], number[]][] = [
    ['a hand-made batch with half the rows masked', [[2, 1, 0.5], [0, 0, 0], [-1, 3, 0.2], [0.4, -2, 1]], [0, 2, 1, 2], [1, 0, 1, 0]],
    ['every row counted', [[1, 2, 3], [3, 2, 1]], [2, 0], [1, 1]],
    ['a single answer row', [[10, -10, 0], [0.1, 0.2, 0.3]], [1, 0], [1, 0]],
    ['no answer rows (loss 0, not NaN)', [[1, 2, 3]], [0], [0]],
  ];

  it.each(cases)('equals the plain-JS reference on %s', (_, logits, y, mask) => {
    const got = tf.tidy(() => maskedCrossEntropy(tf.tensor2d(logits), tf.tensor1d(y, 'int32'), tf.tensor1d(mask)).dataSync()[0]!);
    expect(got).toBeCloseTo(referenceMaskedLoss(logits, y, mask), 5);
  });

  it('does not move with the logits of masked rows: their gradient is zero', () => {
    const g = tf.tidy(() => {
      const grad = tf.grad((z: tf.Tensor) => maskedCrossEntropy(z as tf.Tensor2D, tf.tensor1d([0, 1], 'int32'), tf.tensor1d([1, 0])));
      return grad(tf.tensor2d([[1, 2], [3, 4]])).arraySync() as number[][];
    });
    expect(g[1]!.map(Math.abs)).toEqual([0, 0]);
    expect(Math.abs(g[0]![0]!)).toBeGreaterThan(0.1);
  });
});

describe('FinetuneShift', () => {
  it('learns to answer held-out questions and forgets names as it fine-tunes, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const cfg = { ...DEFAULT_FINETUNE, hidden: 32 };
    const m = new FinetuneShift(buildCorpus([...NAMES_EN]), cfg, createRng(42, 'batches'));
    const history: ShiftPoint[] = [];
    await advance(m, 500, 500, 250, history);
    const pretrained = history.at(-1)!.heldOut;
    expect(pretrained).toBeLessThan(2.6); // well under ln 28 = 3.33: it has learnt names
    expect(await m.accuracy()).toBeLessThan(0.05); // the base model continues instead of answering
    await advance(m, 200, 500, 100, history);
    const tuned = history.at(-1)!;
    expect(await m.accuracy()).toBeGreaterThan(0.6);
    expect(tuned.heldOut - pretrained).toBeGreaterThan(0.3); // the forgetting delta
    expect(tuned.answer).not.toBeNull();
    expect(m.shape.context).toBe(CONTEXT);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 180_000);

  it('forgets less when pretraining text is mixed into the fine-tuning batches', async () => {
    const delta = async (replay: number) => {
      const m = new FinetuneShift(buildCorpus([...NAMES_EN]), { ...DEFAULT_FINETUNE, hidden: 32, replay }, createRng(42, 'batches'));
      const h: ShiftPoint[] = [];
      await advance(m, 500, 500, 500, h);
      await advance(m, 200, 500, 200, h);
      m.dispose();
      return h.at(-1)!.heldOut - h[0]!.heldOut;
    };
    expect(await delta(0.5)).toBeLessThan((await delta(0)) / 2);
  }, 180_000);
});
