import { css, html, nothing, svg, type PropertyValues } from 'lit';
import type * as TF from '@tensorflow/tfjs-core';
import { scaleDiverging } from 'd3-scale';
import { interpolateRdBu } from 'd3-scale-chromatic';
import { colorLegend, heatmap } from '../charts/heatmap.js';
import { palette } from '../charts/colors.js';
import {
  checkWeights, embedTokens, identityProjections, parseMatrices, scaledDotProduct, seededProjections, splitHeads,
  tokenizeWords, weightsFromScores,
} from '../models/attention.js';
import { AttentionTrainer, keyRows, targetPositions, type TaskName } from '../models/attention-train.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamSpec, type ParamValues } from '../runtime/params.js';
import { chartStyles } from '../runtime/styles.js';

/** Beyond this the grid's cells get too small to read or click; longer inputs are cut with a note. */
export const MAX_TOKENS = 64;
const DEFAULT_TEXT = 'The cat sat on the mat';
/** Training steps behind the still state (print, PDF, previews). */
const STILL_STEPS = 200;

const capTokens = (tokens: string[]) =>
  tokens.length > MAX_TOKENS ? { value: tokens.slice(0, MAX_TOKENS), note: `${tokens.length} tokens: showing the first ${MAX_TOKENS} so the grid stays readable` } : null;

const textSpec: ParamSpec<string[] | null> = {
  attribute: 'text',
  fallback: null,
  expected: 'a sentence with at least one word',
  parse(raw) {
    if (typeof raw !== 'string') return { ok: false, expected: this.expected };
    const tokens = tokenizeWords(raw);
    return tokens.length ? { ok: true, value: tokens } : { ok: false, expected: this.expected };
  },
  cap: (v) => (v ? capTokens(v) : null),
};

const tokensSpec: ParamSpec<string[] | null> = {
  attribute: 'tokens',
  fallback: null,
  expected: 'comma-separated tokens, e.g. "The, cat, sat"',
  parse(raw) {
    const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : null;
    return list && list.length && list.every((t) => t !== '') ? { ok: true, value: list } : { ok: false, expected: this.expected };
  },
  cap: (v) => (v ? capTokens(v) : null),
};

const MATRIX_FORMAT = 'rows separated by ";", values by commas or spaces, heads by "|"';

function matrixSpec(attribute: string, stochastic: boolean): ParamSpec<number[][][] | null> {
  const what = stochastic ? 'a square matrix of attention weights, each row summing to 1' : 'a square matrix of scores';
  return {
    attribute,
    fallback: null,
    expected: `${what} (${MATRIX_FORMAT})`,
    parse(raw) {
      const m = parseMatrices(raw);
      if (!m.ok) return { ok: false, expected: `${what} (${MATRIX_FORMAT}); ${m.problem}` };
      if (m.value[0]!.length > MAX_TOKENS) return { ok: false, expected: `at most ${MAX_TOKENS} rows; it has ${m.value[0]!.length}` };
      if (!stochastic) return { ok: true, value: m.value };
      const heads: number[][][] = [];
      for (const [h, matrix] of m.value.entries()) {
        const check = checkWeights(matrix);
        if (!check.ok) return { ok: false, expected: `${what}; ${m.value.length > 1 ? `head ${h + 1}: ` : ''}${check.problem}` };
        heads.push(check.normalised!);
      }
      return { ok: true, value: heads };
    },
  };
}

const PARAMS = {
  text: textSpec,
  tokens: tokensSpec,
  weightsInput: matrixSpec('weights', true),
  scores: matrixSpec('scores', false),
  dim: param.int({ fallback: 16, min: 2, cap: 128 }),
  heads: param.int({ fallback: 1, min: 1, cap: 8 }),
  causal: param.boolean(false),
  scale: param.boolean(true),
  temperature: param.number({ fallback: 1, min: 0, max: 5 }),
  train: param.boolean(false),
  task: param.oneOf(['auto', 'previous', 'refer'] as const, 'auto'),
  projection: param.oneOf(['random', 'raw'] as const, 'random'),
};

type Params = ParamValues<typeof PARAMS>;
type Mode = 'weights' | 'scores' | 'train' | 'embed';

/** What is drawn: read back from tensors once per state. */
interface Shown {
  key: string;
  tokens: string[];
  /** [h][n][n], row-stochastic. */
  weights: number[][][];
  /** [h][n][n] scores before mask and softmax (null for author weights). */
  scores: number[][][] | null;
  /** [h][n][d_v]: the vectors each row mixes. */
  values: number[][][];
}

/** Tensors kept between recomputes (see baseFor). */
interface Base {
  key: string;
  q?: TF.Tensor3D;
  k?: TF.Tensor3D;
  v: TF.Tensor3D;
  scores?: TF.Tensor3D;
  allowed?: TF.Tensor3D;
}

interface Derived {
  tokens: string[];
  /** Embedding width, a multiple of the heads. */
  d: number;
  task: TaskName;
  /** Notes shown under the controls (not errors: the demo runs). */
  notes: string[];
}

interface TrainStatus {
  step: number;
  loss: number | null;
  /** Per head: mean weight of the key rows on their target. */
  closeness: number[];
}

const TASK_TEXT: Record<TaskName, string> = {
  previous: 'each position must output the word one place back.',
  refer: 'each word must output itself, but "it" must output the creature it stands for.',
};

/**
 * `<attention-grid>` — scaled dot-product self-attention made visible.
 *
 * Tokens on both axes; the weights softmax(QKᵀ/√d) as a heatmap (rows = the
 * token looking, columns = the tokens looked at; each row sums to 1). Hover a
 * cell for its weight and score; click a token (row label or cell) to see its
 * row as a mix of value vectors. Toggles: causal mask (masked cells exactly 0,
 * drawn hatched), the √d scaling, a temperature, heads as tabs. In `train`
 * mode W_Q, W_K, W_V start random and gradient descent trains them live on a
 * task whose right pattern is known, so the grid goes from blur to pattern.
 *
 * @attr text - a sentence, split into words and punctuation (default "The cat sat on the mat"; at most 64 tokens, longer input is cut with a note)
 * @attr tokens - comma-separated tokens (instead of text)
 * @attr weights - author-given weights: rows ";" values "," or spaces, heads "|"; each row must sum to 1 (±0.02; rescaled exactly)
 * @attr scores - author-given scores, same format; shown as softmax(scores / T)
 * @attr dim - embedding width d (default 16, capped at 128; rounded up to a multiple of heads)
 * @attr heads - number of heads, split from d (default 1, capped at 8)
 * @attr causal - start with the causal mask on
 * @attr scale - divide scores by √d_head (default true; "false" shows saturation)
 * @attr temperature - divides the scores before the softmax, 0 to 5 (default 1; 0 = hard argmax)
 * @attr train - train W_Q, W_K, W_V on `task` with play / pause / step / reset
 * @attr task - "previous" (attend one back), "refer" ("it" → the creature noun) or "auto" (refer when the text has one)
 * @attr projection - "random" seeded W_Q, W_K, W_V (default) or "raw": scores are the embeddings' own dot products
 * @attr seed - embeddings, projections and training batches (default 42)
 * @prop weights - number[][]: the shown head's row-stochastic weights (set it to show your own matrix)
 * @prop tokensShown - string[]: the tokens on the axes
 * @prop head - number: the shown head (0-based); selectHead(h)
 * @prop selectedRow - number | null: the token whose mix is shown; selectRow(i)
 * @prop trainStatus - {step, loss, closeness[]} in train mode, else null
 * @method trainSteps(steps) - runs steps of gradient descent now, resolves to trainStatus
 * @fires attention-grid-change - detail {head, selectedRow, causal, scale, temperature} after a user change
 * @csspart frame - the box; heatmap - the grid; panel - the side panel; controls - the toggle row
 * @cssprop --demo-accent - buttons and highlights
 */
export class AttentionGrid extends DemoElement {
  static override styles = [
    DemoElement.styles,
    chartStyles,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 640px) minmax(0, 1fr); gap: 0.4em 1.2em; align-items: start; }
      .legend-row { display: flex; justify-content: flex-end; padding-right: 1em; }
      .tabs { display: flex; gap: 0.3em; flex-wrap: wrap; }
      .tabs button { font-size: 0.8em; padding: 0.1em 0.6em; }
      .panel { font-size: 0.9em; min-width: 0; }
      .panel h4 { margin: 0.2em 0 0.3em; font-size: 1em; }
      .hover { min-height: 1.4em; margin-bottom: 0.3em; }
      .mix { width: 100%; display: block; }
      .train { margin-top: 0.5em; padding-top: 0.4em; border-top: 2px solid var(--border); }
      .train .stats { margin: 0.3em 0; }
      .good { color: var(--good); font-weight: 700; }
      .notes { font-size: 0.8em; color: var(--muted); margin: 0.2em 0 0; }
      .t { min-width: 2.6em; display: inline-block; }
      input[type='range'] { width: 8em; }
    `,
  ];

  static override properties = {
    ...propertiesOf(PARAMS),
    _shown: { state: true },
    _head: { state: true },
    _selected: { state: true },
    _hover: { state: true },
    _causal: { state: true },
    _scale: { state: true },
    _temperature: { state: true },
    _train: { state: true },
  };

  declare text: string | undefined;
  declare tokens: string | string[] | undefined;
  declare weightsInput: string | number[][] | number[][][] | undefined;
  declare scores: string | number[][] | undefined;
  declare dim: string | number | undefined;
  declare heads: string | number | undefined;
  declare causal: string | boolean | undefined;
  declare scale: string | boolean | undefined;
  declare temperature: string | number | undefined;
  declare train: string | boolean | undefined;
  declare task: string | undefined;
  declare projection: string | undefined;

  declare _shown: Shown | null;
  declare _head: number;
  declare _selected: number | null;
  declare _hover: [number, number] | null;
  declare _causal: boolean | null;
  declare _scale: boolean | null;
  declare _temperature: number | null;
  declare _train: TrainStatus | null;

  private p!: Params;
  private d!: Derived;
  private wantedKey = '';
  private trainer: AttentionTrainer | null = null;
  private base: Base | null = null;
  private trainerKey = '';
  private readonly loop = new LoopController(this, () => this.trainFrame());

  constructor() {
    super();
    this._shown = null;
    this._head = 0;
    this._selected = null;
    this._hover = null;
    this._causal = null;
    this._scale = null;
    this._temperature = null;
    this._train = null;
  }

  // ----- public interface -----------------------------------------------------

  /** The shown head's weights, [n][n], each row summing to 1. */
  get weights(): number[][] {
    return this._shown?.weights[this.head]?.map((r) => [...r]) ?? [];
  }
  /** Shows an author-given matrix (same rules as the `weights` attribute). */
  set weights(value: number[][] | number[][][] | string | undefined) {
    this.weightsInput = value;
  }
  get tokensShown(): string[] {
    return [...(this._shown?.tokens ?? [])];
  }
  get head(): number {
    return Math.min(this._head, (this._shown?.weights.length ?? 1) - 1);
  }
  get selectedRow(): number | null {
    return this._selected;
  }
  get trainStatus(): TrainStatus | null {
    return this._train ? { ...this._train, closeness: [...this._train.closeness] } : null;
  }
  get causalOn(): boolean { return this._causal ?? this.p?.causal ?? false; }
  get scaleOn(): boolean { return this._scale ?? this.p?.scale ?? true; }
  get currentTemperature(): number { return this._temperature ?? this.p?.temperature ?? 1; }

  selectHead(h: number): void {
    this._head = Math.max(0, Math.min(h, (this._shown?.weights.length ?? 1) - 1));
    this.changed();
  }
  selectRow(i: number | null): void {
    this._selected = i;
    this.changed();
  }

  /** Runs `steps` training steps now (no drawing in between), then draws. */
  async trainSteps(steps: number): Promise<TrainStatus | null> {
    if (this.mode() !== 'train') return null;
    await this.guard(() => this.trainFrame(Math.max(0, Math.floor(steps))));
    return this.trainStatus;
  }

  // ----- inputs → state ---------------------------------------------------------

  private mode(): Mode {
    if (this.p.weightsInput) return 'weights';
    if (this.p.scores) return 'scores';
    return this.p.train ? 'train' : 'embed';
  }

  /** Tokens on the axes (an author matrix decides how many), the width d, the task, and notes about them. */
  private derive(): Derived {
    const notes: string[] = [];
    const given = this.p.tokens ?? this.p.text ?? tokenizeWords(DEFAULT_TEXT);
    const matrix = this.p.weightsInput ?? this.p.scores;
    let tokens = given;
    if (matrix) {
      const n = matrix[0]!.length;
      if (given.length !== n && (this.p.tokens || this.p.text)) notes.push(`The matrix is ${n}×${n} but there are ${given.length} tokens: the labels follow the matrix.`);
      tokens = Array.from({ length: n }, (_, i) => given[i] ?? `t${i + 1}`);
    }
    const { dim, heads } = this.p;
    const d = Math.ceil(dim / heads) * heads;
    if (d !== dim && this.dim !== undefined) notes.push(`dim ${dim} is rounded up to ${d} so that ${heads} heads split it evenly.`);
    const task: TaskName = this.p.task !== 'auto' ? this.p.task : keyRows('refer', tokens).length ? 'refer' : 'previous';
    if (this.mode() === 'train' && task === 'refer' && !keyRows('refer', tokens).length) {
      notes.push('task="refer" needs "it" after a creature noun (animal, cat, dog, …) in the text.');
    }
    return { tokens, d, task, notes };
  }

  override willUpdate(changed: PropertyValues): void {
    this.p = this.readParams(PARAMS);
    // A new attribute value resets the toggle the lecturer moved.
    if (changed.has('causal')) this._causal = null;
    if (changed.has('scale')) this._scale = null;
    if (changed.has('temperature')) this._temperature = null;
    this.d = this.derive();
    const mode = this.mode();
    const { tokens, d } = this.d;
    const key = JSON.stringify([mode, tokens, d, this.p.heads, this.p.weightsInput, this.p.scores, this.p.projection,
      this.d.task, this.p.causal, this.seed, this.causalOn, this.scaleOn, this.currentTemperature]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.compute(key, mode, tokens, d));
    }
  }

  private displayOptions() {
    return { causal: this.causalOn, scale: this.scaleOn, temperature: this.currentTemperature };
  }

  private async compute(key: string, mode: Mode, tokens: string[], d: number): Promise<void> {
    const tf = await this.tf();
    if (!this.isConnected) return; // removed while the backend started: allocate nothing
    if (mode === 'train') {
      const trainer = this.ensureTrainer();
      // Still state (print, PDF, previews): the model after a fixed number of seeded steps.
      if (this.still && trainer.step === 0) for (let s = 0; s < STILL_STEPS; s++) trainer.trainStep().dispose();
      await this.trainFrame(0);
      return;
    }
    const result = this.attend(tf, mode, tokens, d);
    const [weights, scores, values] = await readBack(tf, result);
    tf.dispose(result);
    if (key !== this.wantedKey) return; // a newer input superseded this one
    this._shown = { key, tokens, weights: weights!, scores: mode === 'weights' ? null : scores!, values: values! };
  }

  /**
   * What a display toggle does not change, kept between recomputes: per-head
   * queries, keys, values [h, n, d_h] (embed mode), or the author's scores,
   * allowed mask and values (author modes). A temperature or mask change then
   * costs one matMul and a softmax.
   */
  private baseFor(tf: typeof TF, mode: Mode, tokens: string[], d: number): Base {
    const key = JSON.stringify([mode, tokens, d, this.p.heads, this.p.projection, this.seed, this.p.weightsInput, this.p.scores]);
    if (this.base?.key === key) return this.base;
    this.disposeBase();
    const tensors = tf.tidy(() => {
      const x = tf.tensor2d(embedTokens(tokens, d, this.seed));
      if (mode === 'embed') {
        // Gain 2: scores spread by about ±2 after scaling, so untrained heads already differ visibly.
        const w = this.p.projection === 'raw' ? identityProjections(d) : seededProjections(d, this.seed, 2);
        const split = (m: TF.Tensor2D) => splitHeads(tf.matMul(x, m), this.p.heads);
        return { q: split(w.wq), k: split(w.wk), v: split(w.wv) };
      }
      // Author matrices: values are the words' seeded embeddings, the same for every head.
      const given = tf.tensor3d((mode === 'weights' ? this.p.weightsInput : this.p.scores)!);
      // Weights w become scores log w: softmax(log w / T) = w^(1/T) renormalised, so T = 1
      // gives back w, and zero weights (log 0) stay exactly zero through the mask.
      return {
        scores: mode === 'weights' ? tf.log(tf.maximum(given, 1e-30)) : given,
        allowed: mode === 'weights' ? tf.cast(tf.greater(given, 0), 'float32') : tf.onesLike(given),
        v: tf.tile(tf.expandDims(x, 0), [given.shape[0], 1, 1]),
      };
    }) as Omit<Base, 'key'>;
    this.base = { key, ...tensors };
    return this.base;
  }

  private disposeBase(): void {
    if (this.base) disposeBase(this.base);
    this.base = null;
  }

  /** The attention for the non-training modes: weights, scores, values [h, ·, ·] (caller disposes). */
  private attend(tf: typeof TF, mode: Mode, tokens: string[], d: number): TF.Tensor3D[] {
    const opts = this.displayOptions();
    const b = this.baseFor(tf, mode, tokens, d);
    return tf.tidy(() => {
      if (b.q && b.k) {
        const r = scaledDotProduct(b.q, b.k, b.v, opts);
        return [r.weights, r.scores, tf.clone(b.v)];
      }
      const weights = weightsFromScores(b.scores!, { ...opts, allowed: b.allowed as unknown as TF.Tensor2D });
      return [weights, tf.clone(b.scores!), tf.clone(b.v)];
    });
  }

  private ensureTrainer(): AttentionTrainer {
    const { tokens, d, task } = this.d;
    const key = JSON.stringify([tokens, d, this.p.heads, this.p.causal, task, this.seed]);
    if (!this.trainer || key !== this.trainerKey) {
      this.trainer?.dispose();
      this.trainer = new AttentionTrainer({ tokens, task, dim: d, heads: this.p.heads, causal: this.p.causal, seed: this.seed });
      this.trainerKey = key;
    }
    return this.trainer;
  }

  /** One animation frame of training: `steps` Adam steps, then one read-back of loss and grid. */
  private async trainFrame(steps = 1): Promise<void> {
    const tf = await this.tf();
    if (!this.isConnected) return;
    const key = this.wantedKey;
    const trainer = this.ensureTrainer();
    let loss: TF.Scalar | null = null;
    for (let s = 0; s < steps; s++) {
      loss?.dispose();
      loss = trainer.trainStep();
    }
    const r = trainer.attend(this.displayOptions());
    const lossT = loss ?? tf.scalar(NaN);
    const [l, weights, scores, values] = await readBack(tf, [lossT, r.weights, r.scores, r.values]);
    tf.dispose([lossT, r.weights, r.scores, r.values, r.output]);
    const lossValue = loss ? l![0] as unknown as number : this._train?.loss ?? null;
    this._train = { step: trainer.step, loss: lossValue, closeness: (weights as number[][][]).map((w) => trainer.closenessOf(w)) };
    this._shown = { key, tokens: this.d.tokens, weights: weights!, scores: scores!, values: values! };
  }

  private resetTraining(): void {
    this.loop.pause();
    this.trainer?.dispose();
    this.trainer = null;
    this._train = null;
    this.wantedKey = ''; // recompute: a fresh trainer at step 0
    this.requestUpdate();
    this.changed();
  }

  override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (this._shown && this._shown.key === this.wantedKey) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loop.pause();
    this.trainer?.dispose();
    this.trainer = null;
    this.disposeBase();
  }

  // ----- user input and sync -----------------------------------------------------

  private changed(): void {
    this.publishState();
    this.dispatchEvent(new CustomEvent('attention-grid-change', {
      detail: { head: this.head, selectedRow: this._selected, causal: this.causalOn, scale: this.scaleOn, temperature: this.currentTemperature },
      bubbles: true,
      composed: true,
    }));
  }

  override getSyncState(): unknown {
    return { head: this._head, selected: this._selected, causal: this.causalOn, scale: this.scaleOn, temperature: this.currentTemperature, playing: this.loop.playing };
  }

  override applySyncState(state: unknown): void {
    const s = state as Partial<{ head: number; selected: number | null; causal: boolean; scale: boolean; temperature: number; playing: boolean }> | null;
    if (!s) return;
    if (typeof s.head === 'number') this._head = s.head;
    if (s.selected === null || typeof s.selected === 'number') this._selected = s.selected;
    if (typeof s.causal === 'boolean') this._causal = s.causal;
    if (typeof s.scale === 'boolean') this._scale = s.scale;
    if (typeof s.temperature === 'number' && Number.isFinite(s.temperature)) this._temperature = s.temperature;
    if (s.playing === true) this.loop.play();
    if (s.playing === false) this.loop.pause();
  }

  // ----- drawing -------------------------------------------------------------------

  protected override renderDemo() {
    const shown = this._shown;
    const mode = this.mode();
    return html`
      <div class="controls" part="controls">
        ${shown && shown.weights.length > 1
          ? html`<span class="tabs" role="tablist">${shown.weights.map((_, h) => html`<button role="tab" aria-pressed=${h === this.head}
              aria-selected=${h === this.head} @click=${() => this.selectHead(h)}>head ${h + 1}</button>`)}</span>`
          : nothing}
        <button aria-pressed=${this.causalOn} @click=${() => { this._causal = !this.causalOn; this.changed(); }}>causal mask</button>
        ${mode === 'weights' || mode === 'scores'
          ? nothing
          : html`<button aria-pressed=${this.scaleOn} @click=${() => { this._scale = !this.scaleOn; this.changed(); }}>÷ √d<sub>k</sub></button>`}
        <label>T <input type="range" min="0" max="3" step="0.05" .value=${String(this.currentTemperature)} aria-label="temperature"
          @input=${(e: Event) => { this._temperature = Number((e.target as HTMLInputElement).value); this.changed(); }} /></label>
        <span class="value t">${this.currentTemperature.toFixed(2)}</span>
        <span class="muted">${this.caption(mode)}</span>
      </div>
      ${this.d.notes.length ? html`<p class="notes">${this.d.notes.join(' ')}</p>` : nothing}
      <div class="layout">
        <div>${shown ? this.renderGrid(shown) : html`<p class="muted">computing…</p>`}</div>
        <div class="panel" part="panel">
          ${shown ? html`<div class="legend-row">${colorLegend([0, Math.max(1e-9, ...shown.weights[this.head]!.flat())], { width: 220, label: 'weight' })}</div>` : nothing}
          ${shown ? this.renderHover(shown) : nothing}
          ${shown ? this.renderMix(shown) : nothing}
          ${mode === 'train' ? this.renderTrain() : nothing}
        </div>
      </div>
    `;
  }

  private caption(mode: Mode) {
    const d = this.p.heads > 1 ? html`d<sub>k</sub> = ${this.d.d / this.p.heads} per head` : html`d<sub>k</sub> = ${this.d.d}`;
    const w = html`W<sub>Q</sub>, W<sub>K</sub>, W<sub>V</sub>`;
    switch (mode) {
      case 'weights': return html`author-given weights`;
      case 'scores': return html`softmax of author-given scores`;
      case 'train': return html`${this._train?.step ? 'trained' : 'untrained'} ${w} · ${d}`;
      default: return this.p.projection === 'raw' ? html`raw embeddings: Q = K = V = X · ${d}` : html`seeded random ${w} · ${d}`;
    }
  }

  private renderGrid(shown: Shown) {
    const n = shown.tokens.length;
    const h = this.head;
    const causal = this.causalOn;
    const masked = causal ? shown.weights[h]!.map((row, i) => row.map((_, j) => j > i)) : undefined;
    // Wider than tall: the slide is wide, and column labels need the room.
    const width = Math.min(640, 200 + n * 60);
    const height = Math.min(440, 90 + n * 46);
    const labelSize = Math.max(11, Math.min(20, ((height - 90) / n) * 0.5));
    const longest = Math.max(...shown.tokens.map((t) => t.length));
    const cellW = (width - (Math.min(width * 0.35, longest * labelSize * 0.62 + 12) + labelSize + 6)) / n;
    // Long words do not fit over narrow columns: shorten the column labels only (rows keep the full word).
    const colChars = Math.max(1, Math.floor(cellW / (labelSize * 0.62)));
    const colLabels = shown.tokens.map((t) => (t.length <= colChars ? t : colChars >= 3 ? `${t.slice(0, colChars - 1)}…` : t.slice(0, colChars)));
    return html`${heatmap({
      matrix: shown.weights[h]!,
      rowLabels: shown.tokens,
      colLabels,
      width,
      height,
      domain: [0, Math.max(1e-9, ...shown.weights[h]!.flat())],
      masked,
      format: n <= 10 ? (v) => (v === 0 ? '0' : v.toFixed(2).replace(/^0/, '')) : undefined,
      selectedRow: this._selected,
      onHover: (i, j) => { this._hover = [i, j]; },
      onLeave: () => { this._hover = null; },
      onSelect: (i) => this.selectRow(this._selected === i ? null : i),
      rowTitle: 'query: the token looking',
      colTitle: 'key: the token looked at',
      title: `attention weights, head ${h + 1}`,
      labelSize,
    })}`;
  }

  private renderHover(shown: Shown) {
    const hv = this._hover;
    if (!hv) return html`<div class="hover muted">Hover a cell to read it; click a token to open its row.</div>`;
    const [i, j] = hv;
    const t = shown.tokens;
    const masked = this.causalOn && j > i;
    const score = shown.scores?.[this.head]?.[i]?.[j];
    return html`<div class="hover"><b>${t[i]}</b> → <b>${t[j]}</b>:
      ${masked ? html`<span class="muted">masked (a later token): weight 0</span>`
        : html`weight <span class="value">${shown.weights[this.head]![i]![j]!.toFixed(3)}</span>${score !== undefined ? html`, score ${score.toFixed(2)}` : nothing}`}</div>`;
  }

  /** Row i as Σ_j w_ij · v_j: the biggest contributors, their value vectors, and the sum. */
  private renderMix(shown: Shown) {
    const i = this._selected;
    if (i === null || i >= shown.tokens.length) return nothing;
    const w = shown.weights[this.head]![i]!;
    const values = shown.values[this.head]!;
    const top = w.map((v, j) => [v, j] as const).filter(([v]) => v > 0).sort((a, b) => b[0] - a[0]).slice(0, 5);
    const rest = w.reduce((s, v) => s + v, 0) - top.reduce((s, [v]) => s + v, 0);
    const dv = values[0]!.length;
    const out = Array.from({ length: dv }, (_, c) => w.reduce((s, wj, j) => s + wj * values[j]![c]!, 0));
    const extent = Math.max(1e-9, ...values.flat().map(Math.abs));
    const color = scaleDiverging(interpolateRdBu).domain([extent, 0, -extent]);
    const width = 520;
    const rowH = 30;
    const labelW = 120;
    const barW = 110;
    const stripX = labelW + barW + 60;
    const cell = Math.min(18, (width - stripX) / dv);
    const strip = (vec: number[], y: number) => vec.map((v, c) => svg`<rect x=${stripX + c * cell} y=${y + 4} width=${cell - 1} height=${rowH - 10} fill=${color(v)}></rect>`);
    const rows = [...top.map(([v, j]) => ({ label: shown.tokens[j]!, weight: v, vec: values[j]! }))];
    const height = (rows.length + 2) * rowH + 8;
    return html`<h4>“${shown.tokens[i]}” takes a mix of value vectors</h4>
      <svg class="mix" viewBox="0 0 ${width} ${height}" role="img" aria-label="row as a mix of value vectors">
        ${rows.map((r, k) => svg`<g transform="translate(0, ${k * rowH})">
          <text x=${labelW - 6} y=${rowH / 2 + 5} text-anchor="end" font-size="17" fill="currentColor">${r.label}</text>
          <rect x=${labelW} y="6" width=${barW * r.weight} height=${rowH - 12} fill=${palette.orange}></rect>
          <text x=${labelW + barW + 6} y=${rowH / 2 + 5} font-size="16" fill="currentColor">${r.weight.toFixed(2)} ×</text>
          ${strip(r.vec, 0)}
        </g>`)}
        <text x=${labelW - 6} y=${rows.length * rowH + rowH / 2 + 5} text-anchor="end" font-size="15" fill="currentColor" opacity="0.7">${rest > 0.005 ? `others ${rest.toFixed(2)}` : ''}</text>
        <line x1=${stripX} x2=${width} y1=${(rows.length + 1) * rowH - 2} y2=${(rows.length + 1) * rowH - 2} stroke="currentColor"></line>
        <g transform="translate(0, ${(rows.length + 1) * rowH + 2})">
          <text x=${stripX - 8} y=${rowH / 2 + 5} text-anchor="end" font-size="17" font-weight="700" fill="currentColor">= output</text>
          ${strip(out, 0)}
        </g>
      </svg>`;
  }

  private renderTrain() {
    const status = this._train;
    const tokens = this._shown?.tokens ?? [];
    const task = this.d.task;
    const targets = targetPositions(task, tokens);
    const rows = keyRows(task, tokens);
    const best = status?.closeness.length ? Math.max(...status.closeness.filter(Number.isFinite)) : NaN;
    const example = rows.length ? `${tokens[rows[rows.length - 1]!]} → ${tokens[targets[rows[rows.length - 1]!]!]}` : '';
    return html`<div class="train">
      <div class="controls">
        <button class="primary" @click=${() => { this.loop.toggle(); this.changed(); }}>${this.loop.playing ? '❚❚ pause' : '▶ train'}</button>
        <button @click=${() => void this.guard(() => this.trainFrame(1))} ?disabled=${this.loop.playing}>step</button>
        <button @click=${() => this.resetTraining()}>reset</button>
      </div>
      <div class="stats">step <span class="value">${status?.step ?? 0}</span>
        · loss <span class="value">${status?.loss != null && Number.isFinite(status.loss) ? status.loss.toFixed(3) : '–'}</span>
        ${Number.isFinite(best) ? html`· weight on target ${example ? `(${example})` : ''} <span class="value ${best >= 0.8 ? 'good' : ''}">${best.toFixed(2)}</span>` : nothing}
      </div>
      <div class="muted">Task: ${TASK_TEXT[task]} Nobody says where to look.</div>
    </div>`;
  }
}

/** Reads several tensors back with ONE download, as nested arrays. */
async function readBack(tf: typeof TF, tensors: TF.Tensor[]): Promise<any[]> {
  const flat = tf.tidy(() => tf.concat(tensors.map((t) => tf.reshape(tf.cast(t, 'float32'), [-1]))));
  const data = await flat.data();
  flat.dispose();
  let offset = 0;
  return tensors.map((t) => {
    const part = data.subarray(offset, offset + t.size);
    offset += t.size;
    return nest(Array.from(part), t.shape);
  });
}

function nest(values: number[], shape: number[]): unknown {
  if (shape.length <= 1) return values;
  const [first, ...rest] = shape;
  const step = values.length / first!;
  return Array.from({ length: first! }, (_, k) => nest(values.slice(k * step, (k + 1) * step), rest));
}

function disposeBase(b: Base): void {
  for (const t of [b.q, b.k, b.v, b.scores, b.allowed]) t?.dispose();
}
