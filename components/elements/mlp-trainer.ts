import { css, html, nothing, type TemplateResult } from 'lit';
import { lineChart } from '../charts/line-chart.js';
import { scatterPlot } from '../charts/scatter-plot.js';
import { palette } from '../charts/colors.js';
import { CORPUS_NAMES, InlineCorpus, corpusTitle, describeSource, loadCorpus, type CorpusSource } from '../data/load-corpus.js';
import { splitWords, type Corpus } from '../models/corpus.js';
import { buildDatasets } from '../models/mlp-data.js';
import { LiveTrainer, pushPoint, type Curve, type FrameResult } from '../models/mlp-live.js';
import { MlpModel, bigramNll, parameterCount } from '../models/mlp.js';
import { project2d } from '../models/projection.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  corpus: param.oneOf(CORPUS_NAMES, 'names-en'),
  src: param.string({ fallback: '', maxLength: 2000 }),
  context: param.int({ fallback: 3, min: 1, cap: 8 }),
  embedding: param.int({ fallback: 10, min: 1, cap: 32 }),
  // HTMLElement already has a `hidden` property (a boolean); the attribute
  // `hidden` is read into `hiddenUnits` instead, and CSS keeps the host shown.
  hiddenUnits: param.int({ fallback: 200, min: 1, cap: 1024, attribute: 'hidden' }),
  learningRate: param.number({ fallback: 0.1, min: 0.0001, max: 10, attribute: 'learning-rate' }),
  batchSize: param.int({ fallback: 32, min: 1, cap: 4096, attribute: 'batch-size' }),
  samples: param.int({ fallback: 8, min: 1, cap: 20 }),
  temperature: param.number({ fallback: 1, min: 0, max: 3 }),
};

/**
 * Seeded optimiser steps taken before the first screen (and behind the still
 * state: print, PDF, previews): quick, and the curve is already falling, the
 * samples already look like names.
 */
export const STILL_STEPS = 300;
/** Dispatch time per animation frame spent on optimiser steps. */
const FRAME_BUDGET_MS = 12;
/** Validation examples per live estimate (±0.03 or so): enough for a curve, cheap on a software GPU. */
const VAL_LIMIT = 2048;
const VAL_EVERY_MS = 1000;
/** One character of the shown names per this many ms: a new batch every second or two. */
const SAMPLE_EVERY_MS = 120;
/** Weight of each new step's loss in the displayed train loss (an average over ~30 steps). */
const TRAIN_SMOOTHING = 1 / 30;
/** A split needs names on every side of the 80/10/10 cut. */
const MIN_NAMES = 10;
const BATCH_CHOICES = [8, 16, 32, 64, 128, 256, 512, 1024];
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

interface SyncState {
  playing: boolean;
  learningRate: number;
  batchSize: number;
  resets: number;
}

/**
 * `<mlp-trainer>` — a character-level MLP language model (Bengio et al. 2003,
 * makemore-style) training live on the slide.
 *
 * The last `context` characters are embedded in `embedding` dimensions,
 * concatenated, passed through a `hidden`-unit tanh layer and a softmax over
 * the vocabulary; cross-entropy loss, minibatch SGD, 80/10/10 split of the
 * names by seed. Many optimiser steps run per animation frame (about 12 ms
 * of work) with one read-back per frame; training pauses off-slide. Shows the
 * train and validation loss curves, the learned embedding as a labelled 2-D
 * scatter (first two dimensions, or the top two principal components when
 * wider), names sampled from the current model, the step count and steps per
 * second. The loss chart marks two baselines: uniform guessing (ln V) and
 * counting (a bigram model, add-one smoothed, fitted on the same training
 * names and scored on the same validation names), so the moment the network
 * beats counting is visible. The corpus is named with its size under the
 * chart. The first screen and the still state (print/PDF) are the model after
 * 300 seeded steps.
 *
 * @attr corpus - a corpus shipped with the project: "names-en" (default)
 * @attr src - URL of a text file with one name a line (overrides corpus)
 * @attr context - characters of context, 1 to 8 (default 3)
 * @attr embedding - embedding dimensions, 1 to 32 (default 10; 2 plots the embedding as learned)
 * @attr hidden - tanh hidden units, 1 to 1024 (default 200; larger values are capped). Not the
 *   global HTML `hidden`: the element stays visible; the value is the `hiddenUnits` property.
 * @attr learning-rate - SGD learning rate (default 0.1)
 * @attr batch-size - minibatch size, 1 to 4096 (default 32)
 * @attr samples - names shown from the model (default 8)
 * @attr temperature - sampling temperature for the shown names, 0 to 3 (default 1)
 * @attr seed - seeds the split, the initial weights, the batches and the samples (default 42)
 * @slot - (text content) a corpus written inline, one name a line; used when there is no src
 * @prop step - number: optimiser steps taken
 * @prop trainLoss - number: latest training loss (live: minibatch loss averaged over ~30 steps; after train(): whole split)
 * @prop valLoss - number: latest validation loss (live: first 2,048 examples; after train(): whole split)
 * @prop stepsPerSecond - number: training speed while playing
 * @prop parameters - number: parameter count
 * @prop baseline - number: the bigram (counting) NLL on the validation names, the dashed line on the chart
 * @prop corpusTitle - string: the corpus as shown, e.g. "8,405 English first names"
 * @prop names - string[]: the names currently shown
 * @prop playing - boolean
 * @method train(steps) - Promise<{trainLoss, valLoss}>: runs steps now, then whole-split losses
 * @method sample(n, temperature = 1) - string[]: n names from the current model, seeded (same state and seed, same names)
 * @method play() / pause() / reset()
 * @fires mlp-trainer-change - detail {step, trainLoss, valLoss} after a user action
 * @csspart frame - the box; line-chart - the loss curves; scatter - the embedding; controls - the buttons
 * @cssprop --demo-accent - buttons
 */
export class MlpTrainer extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      :host([hidden]) { display: block; }
      .panels { display: grid; grid-template-columns: 620px 1fr; gap: 0 18px; align-items: start; }
      .panel-title { font-size: max(16px, 0.8em); color: var(--muted); margin: 0 0 2px; }
      .panel-title .vowel { color: #009e73; font-weight: 600; }
      .panel-title .dot { color: #d55e00; font-weight: 600; }
      .stats { font-size: 0.9em; display: flex; flex-wrap: wrap; gap: 0 1.1em; }
      .stats .value { color: var(--accent); }
      .names { display: flex; flex-wrap: wrap; gap: 2px 10px; min-height: 1.4em; font-size: 0.95em; }
      .names span:not(.muted) { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--surface); border: 1px solid var(--border); border-radius: 4px; padding: 0 0.3em; }
      select { font-size: 0.85em; }
      input[type='range'] { width: 8em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _view: { state: true },
  };

  declare corpus: string | undefined;
  declare src: string | undefined;
  declare context: string | number | undefined;
  declare embedding: string | number | undefined;
  declare hiddenUnits: string | number | undefined;
  declare learningRate: string | number | undefined;
  declare batchSize: string | number | undefined;
  declare samples: string | number | undefined;
  declare temperature: string | number | undefined;
  /** Bumped to redraw after the trainer changed (it lives outside Lit's reactive state). */
  declare _view: number;

  private p!: ParamValues<typeof PARAMS>;
  private readonly loop = new LoopController(this, () => this.frame());
  private trainer: LiveTrainer | null = null;
  private corpusData: Corpus | null = null;
  private corpusKey = '';
  private wantedKey = '';
  private shownKey = '';
  private work: Promise<unknown> = Promise.resolve();
  private busy = false;
  private lr: number | null = null;
  private batch: number | null = null;
  private resets = 0;
  private trainCurve: Curve = [];
  private valCurve: Curve = [];
  private points: [number, number][] = [];
  private axes: Float64Array[] = [];
  private _names: string[] = [];
  private _trainLoss = NaN;
  private _valLoss = NaN;
  private speed = { since: 0, steps: 0, perSecond: 0 };
  private readonly inline = new InlineCorpus();
  private _baseline = NaN;
  private _corpusTitle = '';
  private splitSizes = { train: 0, val: 0, test: 0 };

  constructor() {
    super();
    this._view = 0;
  }

  get step(): number {
    return this.trainer?.model.stepCount ?? 0;
  }
  get trainLoss(): number {
    return this._trainLoss;
  }
  get valLoss(): number {
    return this._valLoss;
  }
  get stepsPerSecond(): number {
    return this.speed.perSecond;
  }
  get parameters(): number {
    return this.trainer ? parameterCount(this.trainer.model.shape) : 0;
  }
  get names(): string[] {
    return [...this._names];
  }
  get baseline(): number {
    return this._baseline;
  }
  get corpusTitle(): string {
    return this._corpusTitle;
  }
  get playing(): boolean {
    return this.loop.playing;
  }
  get currentLearningRate(): number {
    return this.lr ?? this.p?.learningRate ?? 0.1;
  }
  get currentBatchSize(): number {
    return this.batch ?? this.p?.batchSize ?? 32;
  }

  play(): void {
    this.speed = { since: performance.now(), steps: 0, perSecond: this.speed.perSecond };
    this.loop.play();
  }

  pause(): void {
    this.loop.pause();
  }

  /** Runs `steps` optimiser steps now (training pauses meanwhile), then whole-split losses. */
  async train(steps: number): Promise<{ trainLoss: number; valLoss: number }> {
    this.loop.pause();
    await this.work;
    if (!this.trainer) throw new Error('the model is not ready (see the message in the box)');
    return this.advance(Math.max(0, Math.floor(steps)), Infinity);
  }

  /** Steps in chunks (curve point per chunk), then losses over up to evalLimit examples per split. */
  private async advance(steps: number, evalLimit: number, view = true): Promise<{ trainLoss: number; valLoss: number }> {
    const trainer = this.trainer!;
    this.busy = true;
    try {
      const result = await trainer.run(steps, {
        evalLimit,
        chunk: 25,
        onChunk: (step, loss) => (this.trainCurve = pushPoint(this.trainCurve, [step, loss])),
      });
      if (trainer !== this.trainer) return result; // reset or removed meanwhile
      if (steps === 0) this.trainCurve = pushPoint(this.trainCurve, [trainer.model.stepCount, result.trainLoss]);
      this._trainLoss = result.trainLoss;
      this._valLoss = result.valLoss;
      this.valCurve = pushPoint(this.valCurve, [trainer.model.stepCount, result.valLoss]);
      if (view) await this.refreshView(trainer);
      return result;
    } finally {
      this.busy = false;
      this._view++;
    }
  }

  /** n names from the current model with the seed; reads back synchronously (not for per-frame use). */
  sample(n: number, temperature = 1): string[] {
    return this.trainer ? this.trainer.model.sample(Math.max(0, Math.floor(n)), temperature, this.rng('sample')) : [];
  }

  /** A fresh model from the seed: same split, same initial weights, same batches. */
  reset(): void {
    this.resets++;
    this.wantedKey = '';
    this.requestUpdate();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.inline.connect(this, () => this.requestUpdate());
    this.requestUpdate(); // rebuild when moved back into a page
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.inline.disconnect();
    this.loop.pause();
    this.trainer?.dispose();
    this.trainer = null;
    this.wantedKey = '';
    this.corpusKey = '';
  }

  private source(): CorpusSource {
    return { corpus: this.p.corpus, src: this.p.src.trim(), inline: this.inline.text };
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('learningRate')) this.lr = null;
    if (changed.has('batchSize')) this.batch = null;
    if (this.trainer) {
      this.trainer.model.learningRate = this.currentLearningRate;
      this.trainer.model.batchSize = this.currentBatchSize;
    }
    // pause() in disconnectedCallback asks for an update: build nothing while detached.
    if (!this.isConnected) return;
    const source = this.source();
    const corpusKey = JSON.stringify([describeSource(source), source.src || !source.inline.trim() ? 0 : this.inline.revision]);
    const { context, embedding, hiddenUnits: hidden, samples, temperature } = this.p;
    const key = JSON.stringify([corpusKey, context, embedding, hidden, samples, temperature, this.seed, this.resets, this.still]);
    if (key === this.wantedKey) return;
    this.wantedKey = key;
    this.markBusy();
    this.loop.pause();
    this.work = this.work.then(() => this.guard(() => this.build(key, corpusKey, source)));
  }

  /** (Re)creates the model for the current attributes; in still mode trains it to the still state. */
  private async build(key: string, corpusKey: string, source: CorpusSource): Promise<void> {
    if (key !== this.wantedKey) return;
    await this.tf();
    if (corpusKey !== this.corpusKey) {
      this.corpusData = await loadCorpus(source);
      this.corpusKey = corpusKey;
    }
    if (key !== this.wantedKey || !this.isConnected) return;
    const corpus = this.corpusData!;
    if (corpus.words.length < MIN_NAMES) {
      throw new Error(`the corpus from ${describeSource(source)} has ${corpus.words.length} names; the MLP needs at least ${MIN_NAMES} to split them 80/10/10`);
    }
    const { context, embedding, hiddenUnits: hidden, samples, temperature } = this.p;
    const seed = Number.isFinite(this.seed) ? this.seed : 42;
    // The counting baseline on the same split the network trains and validates on.
    const split = splitWords(corpus.words, seed);
    this._baseline = bigramNll(corpus, split.train, split.val, 1);
    this._corpusTitle = corpusTitle(source, corpus.words.length);
    this.splitSizes = { train: split.train.length, val: split.val.length, test: split.test.length };
    const model = new MlpModel(
      { vocab: corpus.vocab, context, embedding, hidden, seed, learningRate: this.currentLearningRate, batchSize: this.currentBatchSize },
      buildDatasets(corpus, context, seed),
    );
    this.trainer?.dispose();
    const trainer = new LiveTrainer(model, { sampleCount: samples, temperature, rng: this.rng('live-sample'), valLimit: VAL_LIMIT, valEveryMs: VAL_EVERY_MS, sampleEveryMs: SAMPLE_EVERY_MS });
    this.trainer = trainer;
    this._failure = null;
    this.trainCurve = [];
    this.valCurve = [];
    this.axes = [];
    this.speed = { since: 0, steps: 0, perSecond: 0 };
    // Step 0, then the seeded warm-up (the first screen and the still state): curves with a
    // validation point every 50 steps, losses, embedding and names.
    await this.advance(0, VAL_LIMIT, false);
    for (let done = 0; done < STILL_STEPS; done += 50) {
      await this.advance(Math.min(50, STILL_STEPS - done), VAL_LIMIT, done + 50 >= STILL_STEPS);
      if (trainer !== this.trainer) return; // rebuilt meanwhile
      // Give the page a turn between chunks (input, timers, other demos' fetches).
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (key !== this.wantedKey) return;
    this.shownKey = key;
    this._view++;
  }

  /** Embedding points and a batch of names from the current weights (awaited reads; not per frame). */
  private async refreshView(trainer: LiveTrainer): Promise<void> {
    const { emb } = await trainer.model.weights();
    this.setEmbedding(emb, trainer);
    this._names = await trainer.model.sampleAsync(this.p.samples, this.p.temperature, this.rng('sample'));
  }

  private setEmbedding(emb: Float32Array, trainer: LiveTrainer): void {
    const { vocabSize: V, embedding: E } = trainer.model.shape;
    const projection = project2d(emb, V, E, this.axes);
    this.axes = projection.axes;
    this.points = projection.points;
  }

  /** One animation frame of training: many steps, one read-back, a redraw. */
  private async frame(): Promise<void> {
    const trainer = this.trainer;
    if (!trainer || this.busy) return;
    const f = await trainer.frame(FRAME_BUDGET_MS);
    if (trainer !== this.trainer) return; // reset or removed meanwhile
    this.show(trainer, f);
    const now = performance.now();
    this.speed.steps += f.steps;
    if (!this.speed.since) this.speed.since = now;
    else if (now - this.speed.since >= 500) {
      this.speed = { since: now, steps: 0, perSecond: (this.speed.steps / (now - this.speed.since)) * 1000 };
    }
  }

  /** A single optimiser step, drawn. */
  private async singleStep(): Promise<void> {
    const trainer = this.trainer;
    if (!trainer || this.busy) return;
    this.loop.pause();
    const f = await trainer.frame(0, 1, true);
    if (trainer === this.trainer) this.show(trainer, f);
  }

  /**
   * Puts a frame on screen. The train curve is the minibatch loss smoothed
   * over roughly the last 30 steps (one batch of 32 is too noisy to read),
   * however many steps the frame ran.
   */
  private show(trainer: LiveTrainer, f: FrameResult): void {
    const step = trainer.model.stepCount;
    const keep = Math.pow(1 - TRAIN_SMOOTHING, f.steps);
    this._trainLoss = Number.isFinite(this._trainLoss) ? keep * this._trainLoss + (1 - keep) * f.trainLoss : f.trainLoss;
    this.trainCurve = pushPoint(this.trainCurve, [step, this._trainLoss]);
    if (f.valLoss !== null) {
      this._valLoss = f.valLoss;
      this.valCurve = pushPoint(this.valCurve, [step, f.valLoss]);
    }
    if (f.names) this._names = f.names;
    this.setEmbedding(f.embedding, trainer);
    this._view++;
  }

  override updated(): void {
    if (this.trainer && this.shownKey === this.wantedKey) this.markReady();
  }

  private changed(): void {
    this.publishState();
    this.dispatchEvent(new CustomEvent('mlp-trainer-change', {
      detail: { step: this.step, trainLoss: this._trainLoss, valLoss: this._valLoss },
      bubbles: true,
      composed: true,
    }));
  }

  override getSyncState(): SyncState {
    return { playing: this.loop.playing, learningRate: this.currentLearningRate, batchSize: this.currentBatchSize, resets: this.resets };
  }

  override applySyncState(state: unknown): void {
    const s = state as Partial<SyncState> | null;
    if (!s) return;
    if (typeof s.learningRate === 'number' && s.learningRate > 0) this.lr = s.learningRate;
    if (typeof s.batchSize === 'number' && s.batchSize >= 1) this.batch = Math.floor(s.batchSize);
    if (typeof s.resets === 'number' && s.resets !== this.resets) {
      this.resets = s.resets;
      this.wantedKey = '';
    }
    if (s.playing === true) this.play();
    if (s.playing === false) this.pause();
    this.requestUpdate();
  }

  // ---- rendering ----

  protected override renderDemo(): TemplateResult {
    if (!this.trainer) return html`<p class="muted">Preparing the model…</p>`;
    const shape = this.trainer.model.shape;
    const uniform = Math.log(shape.vocabSize);
    const shownLosses = [...this.trainCurve, ...this.valCurve].map((p) => p[1]).filter(Number.isFinite);
    const baseline = Number.isFinite(this._baseline) ? [this._baseline] : [];
    const yDomain: [number, number] = [Math.min(...shownLosses, ...baseline, uniform) - 0.12, Math.max(...shownLosses, uniform) + 0.08];
    return html`
      ${this.renderControls()}
      <div class="panels">
        <div>
          <p class="panel-title">loss (cross-entropy, nats) against optimiser steps</p>
          ${lineChart({
            series: [
              { name: 'train (batches)', points: this.trainCurve, color: palette.blue },
              { name: 'validation', points: this.valCurve, color: palette.orange },
            ],
            marks: [
              { y: uniform, label: `uniform guess: ln ${shape.vocabSize} = ${uniform.toFixed(2)}`, color: '#5b6470', below: true },
              ...baseline.map((b) => ({ y: b, label: `counting (bigram, validation): ${b.toFixed(2)}`, color: '#00684c', below: true })),
            ],
            width: 620,
            height: 380,
            yDomain,
            xLabel: 'step',
            yLabel: 'loss',
            xDomain: [0, Math.max(10, this.step)],
            formatX: (v) => fmtInt(v),
            title: 'training and validation loss',
          })}
        </div>
        <div>
          <p class="panel-title">${shape.embedding <= 2 ? `learned embedding, ${shape.embedding}-D` : `learned embedding: top 2 of ${shape.embedding} principal axes`}
            · <span class="vowel">vowels</span> · <span class="dot">'.'</span></p>
          ${scatterPlot({
            points: this.points.map(([x, y], i) => ({ x, y, label: this.trainer!.model.vocab[i], color: i === 0 ? palette.vermillion : /[aeiou]/.test(this.trainer!.model.vocab[i]) ? palette.green : palette.blue })),
            width: 520,
            height: 380,
            radius: 5,
            labelSize: 18,
            title: 'character embeddings',
          })}
        </div>
      </div>
      ${this.renderStats(shape)}
      <div class="corpus muted" part="corpus">corpus: ${this._corpusTitle} · ${fmtInt(this.splitSizes.train)} to train, ${fmtInt(this.splitSizes.val)} to validate, ${fmtInt(this.splitSizes.test)} held back</div>
      <div class="names" part="names"><span class="muted">samples:</span>${this._names.map((n) => html`<span>${n || '(empty)'}</span>`)}</div>
    `;
  }

  private renderControls(): TemplateResult {
    const lr = this.currentLearningRate;
    const batch = this.currentBatchSize;
    const choices = BATCH_CHOICES.includes(batch) ? BATCH_CHOICES : [...BATCH_CHOICES, batch].sort((a, b) => a - b);
    const act = (f: () => void) => () => {
      f();
      this.changed();
    };
    return html`<div class="controls" part="controls">
      <button class="primary play" @click=${act(() => (this.loop.playing ? this.pause() : this.play()))}>${this.loop.playing ? '❚❚ pause' : '▶ train'}</button>
      <button class="step" @click=${() => void this.guard(async () => {
        await this.singleStep();
        this.changed();
      })}>step</button>
      <button class="reset" @click=${act(() => this.reset())}>reset</button>
      <label>learning rate
        <input class="lr" type="range" min="-3" max="0" step="0.05" .value=${String(Math.log10(lr))} aria-label="learning rate (log scale)"
          @input=${(e: Event) => {
            this.lr = Number(Math.pow(10, Number((e.target as HTMLInputElement).value)).toPrecision(2));
            this.requestUpdate();
            this.changed();
          }} />
        <span class="value">${lr}</span>
      </label>
      <label>batch
        <select class="batch" aria-label="batch size" @change=${(e: Event) => {
          this.batch = Number((e.target as HTMLSelectElement).value);
          this.requestUpdate();
          this.changed();
        }}>${choices.map((b) => html`<option value=${b} ?selected=${b === batch}>${b}</option>`)}</select>
      </label>
    </div>`;
  }

  private renderStats(shape: MlpModel['shape']): TemplateResult {
    const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');
    return html`<div class="stats" part="stats">
      <span>step <span class="value step-count">${fmtInt(this.step)}</span></span>
      ${this.still || !this.speed.perSecond ? nothing : html`<span><span class="value">${fmtInt(this.speed.perSecond)}</span> steps/s${this.loop.playing ? '' : ' (last run)'}</span>`}
      <span>train <span class="value">${fmt(this._trainLoss)}</span></span>
      <span>val <span class="value">${fmt(this._valLoss)}</span></span>
      <span class="muted">${fmtInt(parameterCount(shape))} parameters: context ${shape.context}, embedding ${shape.embedding}, hidden ${shape.hidden}</span>
      ${this.step === STILL_STEPS ? html`<span class="muted">(after ${STILL_STEPS} seeded steps)</span>` : nothing}
    </div>`;
  }
}
