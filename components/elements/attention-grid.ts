import { css, html, nothing, svg, type PropertyValues } from 'lit';
import type * as TF from '@tensorflow/tfjs-core';
import { scaleDiverging } from 'd3-scale';
import { interpolateRdBu } from 'd3-scale-chromatic';
import { colorLegend, heatmap } from '../charts/heatmap.js';
import { palette } from '../charts/colors.js';
import {
  attentionParameterCount, checkWeights, embedTokens, identityProjections, parseMatrices, permuteSquare, scaledDotProduct,
  seededPermutation, seededProjections, splitHeads, tokenizeWords, weightsFromScores,
} from '../models/attention.js';
import { AttentionTrainer, keyRows, objectivesOf, targetPositions, type TaskName } from '../models/attention-train.js';
import type { Rng } from '../runtime/rng.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamSpec, type ParamValues } from '../runtime/params.js';
import { chartStyles } from '../runtime/styles.js';

/** Beyond this the grid's cells get too small to read or click; longer inputs are cut with a note. */
export const MAX_TOKENS = 64;
const DEFAULT_TEXT = 'The cat sat on the mat';
/**
 * Training steps behind the trained start state: the still state (print, PDF,
 * previews) and the live first screen both show the model after this many
 * seeded steps; "reset" goes back to the untrained blur.
 */
export const STILL_STEPS = 200;
/** Warm-up steps per chunk between which the page gets a turn. */
const WARM_CHUNK = 25;

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

function tokenListSpec(attribute: string, example: string): ParamSpec<string[] | null> {
  return {
    attribute,
    fallback: null,
    expected: `comma-separated tokens, e.g. "${example}"`,
    parse(raw) {
      const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : null;
      return list && list.length && list.every((t) => t !== '') ? { ok: true, value: list } : { ok: false, expected: this.expected };
    },
    cap: (v) => (v ? capTokens(v) : null),
  };
}

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

const MASKS = ['bidirectional', 'causal', 'cross'] as const;
type MaskMode = (typeof MASKS)[number];

const PARAMS = {
  text: textSpec,
  tokens: tokenListSpec('tokens', 'The, cat, sat'),
  source: tokenListSpec('source', 'le, chat, dort'),
  target: tokenListSpec('target', '<s>, the, cat'),
  weightsInput: matrixSpec('weights', true),
  scores: matrixSpec('scores', false),
  dim: param.int({ fallback: 16, min: 2, cap: 128 }),
  heads: param.int({ fallback: 1, min: 1, cap: 8 }),
  causal: param.boolean(false),
  mask: param.oneOf(['auto', ...MASKS] as const, 'auto'),
  scale: param.boolean(true),
  temperature: param.number({ fallback: 1, min: 0, max: 5 }),
  train: param.boolean(false),
  task: param.oneOf(['auto', 'previous', 'refer', 'previous-first'] as const, 'auto'),
  projection: param.oneOf(['random', 'raw'] as const, 'random'),
  positions: param.boolean(true),
  shuffle: param.boolean(false),
  layout: param.oneOf(['auto', 'tabs', 'multiples'] as const, 'auto'),
};

type Params = ParamValues<typeof PARAMS>;
type Mode = 'weights' | 'scores' | 'train' | 'embed';

/** What is drawn: read back from tensors once per state. */
interface Shown {
  key: string;
  /** Row labels: the queries. */
  tokens: string[];
  /** Column labels: the keys (the source in cross mode, else the same as tokens). */
  keys: string[];
  cross: boolean;
  /** [h][n_q][n_k], row-stochastic. */
  weights: number[][][];
  /** [h][n_q][n_k] scores before mask and softmax (null for author weights). */
  scores: number[][][] | null;
  /** [h][n_k][d_v]: the vectors each row mixes. */
  values: number[][][];
  /** With the shuffle on: the unshuffled grid, the permutation, and how far the shuffled weights are from the moved originals. */
  shuffle: { tokens: string[]; weights: number[][][]; perm: number[]; gap: number } | null;
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
  /** Key tokens of cross-attention (null without `source`). */
  source: string[] | null;
  /** Embedding width, a multiple of the heads. */
  d: number;
  heads: number;
  task: TaskName;
  /** The mask the attributes ask for (before the lecturer's clicks). */
  mask: MaskMode;
  /** Mask buttons to offer; null = the single "causal mask" toggle. */
  maskModes: MaskMode[] | null;
  multiples: boolean;
  /** Notes shown under the controls (not errors: the demo runs). */
  notes: string[];
}

interface TrainStatus {
  step: number;
  loss: number | null;
  /** Per head: mean weight of the key rows on their target (two-target task: the larger of the two). */
  closeness: number[];
  /** Two-target task ("previous-first"): per head, the weight on the word one back and on the first word. */
  specialisation: { previous: number; first: number }[] | null;
}

interface ShuffleStatus {
  /** perm[i] = the original position of the token now at i. */
  perm: number[];
  tokens: string[];
  /** Largest |shuffled weight − the original weight moved with its tokens| over every head and cell. */
  gap: number;
}

const TASK_TEXT: Record<TaskName, string> = {
  previous: 'each position must output the word one place back.',
  refer: 'each word must output itself, but "it" must output the creature it stands for.',
  'previous-first': 'the word one back AND the first word',
};

const MASK_LABEL: Record<MaskMode, string> = { bidirectional: 'bidirectional', causal: 'causal', cross: 'cross' };
const MASK_LABEL_SOURCE: Record<MaskMode, string> = { bidirectional: 'encoder: bidirectional', causal: 'decoder: causal', cross: 'cross: decoder reads encoder' };

/**
 * `<attention-grid>` — scaled dot-product attention made visible.
 *
 * Tokens on both axes; the weights softmax(QKᵀ/√d) as a heatmap (rows = the
 * token looking, columns = the tokens looked at; each row sums to 1), on ONE
 * colour scale 0–1 for every grid, so a colour means the same weight on every
 * slide. Hover a cell for its weight and score; click a token (row label or
 * cell) to see its row as a mix of value vectors. Toggles: the mask, the √d
 * scaling, a temperature, heads as tabs or side by side (small multiples).
 *
 * Masks: bidirectional (every token sees every token), causal (token i sees
 * j ≤ i; masked cells exactly 0, hatched) and cross (queries from one
 * sequence, keys and values from another: `target` rows × `source` columns).
 * With `source` set, the three buttons are the three attentions of an
 * encoder-decoder: the encoder over the source, the decoder over the target,
 * and the decoder reading the encoder.
 *
 * `shuffle` adds a toggle that permutes the tokens (seeded; every click a new
 * order) and shows the original grid beside the shuffled one with the largest
 * difference between the shuffled weights and the original ones moved with
 * their tokens: 0 without positions (attention is permutation-equivariant:
 * rows and columns move together), not 0 with them (or with the causal mask).
 *
 * In `train` mode W_Q, W_K, W_V are trained by gradient descent on a task
 * whose right pattern is known; only the outputs are supervised, never where
 * to look. The first screen (live) and the still state (print, PDF) show the
 * model after 200 seeded steps; "reset" goes back to the untrained blur and
 * "▶ train" shows the pattern appear. Task "previous-first" trains two heads
 * on two targets at once (the word one back and the first word), shown side
 * by side: the heads specialise, one per job, with nobody saying which.
 *
 * @attr text - a sentence, split into words and punctuation (default "The cat sat on the mat"; at most 64 tokens, longer input is cut with a note)
 * @attr tokens - comma-separated tokens (instead of text)
 * @attr target - comma-separated query tokens of cross-attention (instead of text/tokens)
 * @attr source - comma-separated key/value tokens of cross-attention; adds the encoder / decoder / cross mask buttons
 * @attr weights - author-given weights: rows ";" values "," or spaces, heads "|"; each row must sum to 1 (±0.02; rescaled exactly)
 * @attr scores - author-given scores, same format; shown as softmax(scores / T)
 * @attr dim - embedding width d (default 16, capped at 128; rounded up to a multiple of heads)
 * @attr heads - number of heads, split from d (default 1, or 2 for task "previous-first"; capped at 8)
 * @attr causal - start with the causal mask on (same as mask="causal")
 * @attr mask - "bidirectional", "causal" or "cross" (needs `source`): the start mask, and shows one button per mask instead of the causal toggle
 * @attr scale - divide scores by √d_head (default true; "false" shows saturation)
 * @attr temperature - divides the scores before the softmax, 0 to 5 (default 1; 0 = hard argmax)
 * @attr train - train W_Q, W_K, W_V on `task` with train / pause / step / reset
 * @attr task - "previous" (attend one back), "refer" ("it" → the creature noun), "previous-first" (two targets, two heads) or "auto" (refer when the text has one)
 * @attr projection - "random" seeded W_Q, W_K, W_V (default) or "raw": scores are the embeddings' own dot products
 * @attr positions - add the position half to each embedding (default true; "false": a word's vector is the same wherever it stands)
 * @attr shuffle - show the "shuffle" toggle (random projections or raw, not with author matrices or training)
 * @attr layout - "tabs" (one head at a time), "multiples" (every head side by side, in print too) or "auto" (multiples for "previous-first", else tabs)
 * @attr seed - embeddings, projections, shuffles and training batches (default 42)
 * @prop weights - number[][]: the shown head's row-stochastic weights (set it to show your own matrix)
 * @prop allWeights - number[][][]: every head's weights
 * @prop tokensShown - string[]: the row tokens (queries); keysShown - the column tokens (keys)
 * @prop head - number: the shown head (0-based); selectHead(h)
 * @prop currentMask - "bidirectional" | "causal" | "cross"; selectMask(m)
 * @prop selectedRow - number | null: the token whose mix is shown; selectRow(i)
 * @prop shuffleStatus - {perm, tokens, gap} while shuffled, else null; toggleShuffle()
 * @prop trainStatus - {step, loss, closeness[], specialisation} in train mode, else null
 * @prop parameterCount - weights of multi-head attention at this d (W_Q, W_K, W_V for every head, plus W_O): 4·d² for any number of heads
 * @method trainSteps(steps) - runs steps of gradient descent now, resolves to trainStatus
 * @method reset() - back to the untrained start (train mode)
 * @fires attention-grid-change - detail {head, selectedRow, causal, mask, scale, temperature, shuffled} after a user change
 * @csspart frame - the box; heatmap - each grid; panel - the side (or lower) panel; controls - the toggle row
 * @cssprop --demo-accent - buttons and highlights
 */
export class AttentionGrid extends DemoElement {
  static override styles = [
    DemoElement.styles,
    chartStyles,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 640px) minmax(0, 1fr); gap: 0.4em 1.2em; align-items: start; }
      .multiples { display: flex; gap: 14px; align-items: flex-start; }
      .multiples figure { margin: 0; flex: 0 0 auto; }
      .multiples figcaption { font-size: 0.85em; font-weight: 700; margin: 0 0 0.1em; }
      .multiples figure.current figcaption { color: var(--accent); }
      .below { display: grid; grid-template-columns: 300px minmax(0, 1fr); gap: 0.2em 1.4em; align-items: start; font-size: 0.9em; margin-top: 0.2em; }
      .legend-row { display: flex; justify-content: flex-end; padding-right: 1em; }
      .tabs { display: flex; gap: 0.3em; flex-wrap: wrap; }
      .tabs button { font-size: 0.85em; padding: 0.1em 0.6em; }
      .panel { font-size: 0.9em; min-width: 0; }
      .panel h4 { margin: 0.2em 0 0.3em; font-size: 1em; }
      .hover { min-height: 1.4em; margin-bottom: 0.3em; }
      .mix { width: 100%; display: block; }
      .train { margin-top: 0.5em; padding-top: 0.4em; border-top: 2px solid var(--border); }
      .below .train { margin-top: 0; padding-top: 0; border-top: none; }
      .train .stats { margin: 0.3em 0; }
      .good { color: var(--good); font-weight: 700; }
      .notes { font-size: 0.85em; color: var(--muted); margin: 0.2em 0 0; }
      .shuffle-note { margin: 0.2em 0; }
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
    _mask: { state: true },
    _scale: { state: true },
    _temperature: { state: true },
    _perm: { state: true },
    _train: { state: true },
  };

  declare text: string | undefined;
  declare tokens: string | string[] | undefined;
  declare source: string | string[] | undefined;
  declare target: string | string[] | undefined;
  declare weightsInput: string | number[][] | number[][][] | undefined;
  declare scores: string | number[][] | undefined;
  declare dim: string | number | undefined;
  declare heads: string | number | undefined;
  declare causal: string | boolean | undefined;
  declare mask: string | undefined;
  declare scale: string | boolean | undefined;
  declare temperature: string | number | undefined;
  declare train: string | boolean | undefined;
  declare task: string | undefined;
  declare projection: string | undefined;
  declare positions: string | boolean | undefined;
  declare shuffle: string | boolean | undefined;
  declare layout: string | undefined;

  declare _shown: Shown | null;
  declare _head: number;
  declare _selected: number | null;
  declare _hover: [number, number, number] | null;
  declare _mask: MaskMode | null;
  declare _scale: boolean | null;
  declare _temperature: number | null;
  declare _perm: number[] | null;
  declare _train: TrainStatus | null;

  private p!: Params;
  private d!: Derived;
  private wantedKey = '';
  private trainer: AttentionTrainer | null = null;
  private bases = new Map<string, Base>();
  private trainerKey = '';
  /** A new trainer warms up to the trained start; after "reset" it starts blank. */
  private warmUp = true;
  private shuffleRng: Rng | null = null;
  /** Loss of the warm-up's last step, for the first readout. */
  private lastLoss: number | null = null;
  private readonly loop = new LoopController(this, () => this.trainFrame());

  constructor() {
    super();
    this._shown = null;
    this._head = 0;
    this._selected = null;
    this._hover = null;
    this._mask = null;
    this._scale = null;
    this._temperature = null;
    this._perm = null;
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
  get allWeights(): number[][][] {
    return this._shown?.weights.map((h) => h.map((r) => [...r])) ?? [];
  }
  get tokensShown(): string[] {
    return [...(this._shown?.tokens ?? [])];
  }
  get keysShown(): string[] {
    return [...(this._shown?.keys ?? [])];
  }
  get head(): number {
    return Math.min(this._head, (this._shown?.weights.length ?? 1) - 1);
  }
  get selectedRow(): number | null {
    return this._selected;
  }
  get trainStatus(): TrainStatus | null {
    return this._train ? structuredClone(this._train) : null;
  }
  get shuffleStatus(): ShuffleStatus | null {
    const s = this._shown?.shuffle;
    return s ? { perm: [...s.perm], tokens: [...this._shown!.tokens], gap: s.gap } : null;
  }
  get parameterCount(): number {
    return this.d ? attentionParameterCount(this.d.d, this.d.heads) : NaN;
  }
  get currentMask(): MaskMode {
    const m = this._mask ?? this.d?.mask ?? 'bidirectional';
    return m === 'cross' && !this.crossAllowed() ? 'bidirectional' : m;
  }
  get causalOn(): boolean { return this.currentMask === 'causal'; }
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
  selectMask(m: MaskMode): void {
    if (!MASKS.includes(m) || (m === 'cross' && !this.crossAllowed())) return;
    this._mask = m;
    this._selected = null;
    this._hover = null;
    this.changed();
  }
  /** Shuffle on (a new seeded order each time) or off. */
  toggleShuffle(): void {
    if (this._perm) this._perm = null;
    else if (this.shuffleAllowed()) {
      this.shuffleRng ??= this.rng('shuffle');
      this._perm = seededPermutation(this.selfTokens().length, this.shuffleRng);
    }
    this._selected = null;
    this.changed();
  }

  /** Runs `steps` training steps now (no drawing in between), then draws. */
  async trainSteps(steps: number): Promise<TrainStatus | null> {
    if (this.mode() !== 'train') return null;
    await this.guard(() => this.trainFrame(Math.max(0, Math.floor(steps))));
    return this.trainStatus;
  }

  /** Back to untrained W_Q, W_K, W_V (train mode). */
  reset(): void {
    this.resetTraining();
  }

  // ----- inputs → state ---------------------------------------------------------

  private mode(): Mode {
    if (this.p.weightsInput) return 'weights';
    if (this.p.scores) return 'scores';
    return this.p.train ? 'train' : 'embed';
  }

  private crossAllowed(): boolean {
    return !!this.d?.source && this.mode() === 'embed';
  }

  private shuffleAllowed(): boolean {
    return this.p.shuffle && this.mode() === 'embed' && this.currentMask !== 'cross';
  }

  /** Tokens of self-attention under the current mask: the source for the encoder view, else the tokens. */
  private selfTokens(): string[] {
    return this.d.source && this.currentMask === 'bidirectional' && this.mode() === 'embed' ? this.d.source : this.d.tokens;
  }

  /** Tokens on the axes (an author matrix decides how many), the width d, the task, the masks and notes about them. */
  private derive(): Derived {
    const notes: string[] = [];
    const given = this.p.target ?? this.p.tokens ?? this.p.text ?? tokenizeWords(DEFAULT_TEXT);
    const matrix = this.p.weightsInput ?? this.p.scores;
    let tokens = given;
    if (matrix) {
      const n = matrix[0]!.length;
      if (given.length !== n && (this.p.tokens || this.p.text)) notes.push(`The matrix is ${n}×${n} but there are ${given.length} tokens: the labels follow the matrix.`);
      tokens = Array.from({ length: n }, (_, i) => given[i] ?? `t${i + 1}`);
    }
    const mode = this.mode();
    const task: TaskName = this.p.task !== 'auto' ? this.p.task : keyRows('refer', tokens).length ? 'refer' : 'previous';
    const heads = this.heads === undefined && mode === 'train' && task === 'previous-first' ? 2 : this.p.heads;
    const { dim } = this.p;
    const d = Math.ceil(dim / heads) * heads;
    if (d !== dim && this.dim !== undefined) notes.push(`dim ${dim} is rounded up to ${d} so that ${heads} heads split it evenly.`);
    if (mode === 'train' && task === 'refer' && !keyRows('refer', tokens).length) {
      notes.push('task="refer" needs "it" after a creature noun (animal, cat, dog, …) in the text.');
    }
    const source = this.p.source;
    if (source && mode !== 'embed') notes.push('source (cross-attention) works with seeded or raw projections, not with author matrices or training: it is ignored here.');
    let mask: MaskMode = this.p.mask === 'auto' ? (this.p.causal ? 'causal' : 'bidirectional') : this.p.mask;
    const crossOk = !!source && mode === 'embed';
    if (mask === 'cross' && !crossOk) {
      notes.push(source ? 'mask="cross" is not available here: showing bidirectional.' : 'mask="cross" needs source="…" (the tokens the queries read): showing bidirectional.');
      mask = 'bidirectional';
    }
    const maskModes: MaskMode[] | null = crossOk ? [...MASKS] : this.p.mask !== 'auto' ? ['bidirectional', 'causal'] : null;
    const multiples = this.p.layout === 'multiples' || (this.p.layout === 'auto' && mode === 'train' && task === 'previous-first');
    if (this.p.shuffle && mode !== 'embed') notes.push('shuffle works with seeded or raw projections, not with author matrices or training.');
    return { tokens, source: crossOk ? source : null, d, heads, task, mask, maskModes, multiples, notes };
  }

  override willUpdate(changed: PropertyValues): void {
    this.p = this.readParams(PARAMS);
    // A new attribute value resets the toggle the lecturer moved.
    if (changed.has('causal') || changed.has('mask')) this._mask = null;
    if (changed.has('scale')) this._scale = null;
    if (changed.has('temperature')) this._temperature = null;
    if (changed.has('seed')) this.shuffleRng = null;
    this.d = this.derive();
    const mode = this.mode();
    // An order from an earlier token list or mask does not apply any more.
    if (this._perm && (!this.shuffleAllowed() || this._perm.length !== this.selfTokens().length)) this._perm = null;
    const { d } = this.d;
    const key = JSON.stringify([mode, this.d.tokens, this.d.source, d, this.d.heads, this.p.weightsInput, this.p.scores, this.p.projection,
      this.p.positions, this.d.task, this.d.mask, this.seed, this.currentMask, this.scaleOn, this.currentTemperature, this._perm]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.compute(key, mode, d));
    }
  }

  private displayOptions() {
    return { causal: this.causalOn, scale: this.scaleOn, temperature: this.currentTemperature };
  }

  private async compute(key: string, mode: Mode, d: number): Promise<void> {
    const tf = await this.tf();
    if (!this.isConnected) return; // removed while the backend started: allocate nothing
    if (mode === 'train') {
      const trainer = this.ensureTrainer();
      if (this.warmUp && trainer.step === 0 && !(await this.warm(trainer))) return;
      if (key !== this.wantedKey) return;
      await this.trainFrame(0);
      return;
    }
    const cross = this.currentMask === 'cross';
    const base = cross ? this.d.tokens : this.selfTokens();
    const perm = this._perm;
    const tokens = perm ? perm.map((i) => base[i]!) : base;
    const keys = cross ? this.d.source! : tokens;
    const used = new Set<string>();
    const result = this.attend(tf, mode, tokens, cross ? keys : null, d, used);
    const original = perm ? this.attend(tf, mode, base, null, d, used) : null;
    for (const [k, b] of this.bases) if (!used.has(k)) { disposeBase(b); this.bases.delete(k); }
    const [weights, scores, values, origWeights] = await readBack(tf, [...result, ...(original ? [original[0]!] : [])]);
    tf.dispose([...result, ...(original ?? [])]);
    if (key !== this.wantedKey) return; // a newer input superseded this one
    let shuffle: Shown['shuffle'] = null;
    if (perm) {
      const moved = (origWeights as number[][][]).map((w) => permuteSquare(w, perm));
      const gap = Math.max(0, ...(weights as number[][][]).flatMap((w, h) => w.flatMap((row, i) => row.map((v, j) => Math.abs(v - moved[h]![i]![j]!)))));
      shuffle = { tokens: base, weights: origWeights, perm, gap };
    }
    this._shown = { key, tokens, keys, cross, weights: weights!, scores: mode === 'weights' ? null : scores!, values: values!, shuffle };
  }

  /** Trains a new trainer to the trained start, a chunk at a time; false if superseded. */
  private async warm(trainer: AttentionTrainer): Promise<boolean> {
    while (trainer.step < STILL_STEPS) {
      if (this.trainer !== trainer || !this.isConnected) return false;
      const n = this.still ? STILL_STEPS : Math.min(WARM_CHUNK, STILL_STEPS - trainer.step);
      for (let s = 0; s < n; s++) {
        const loss = trainer.trainStep();
        if (trainer.step === STILL_STEPS) this.lastLoss = (await loss.data())[0]!; // the readout shows the last step's loss
        loss.dispose();
      }
      if (!this.still) await new Promise((r) => setTimeout(r, 0));
    }
    return this.trainer === trainer && this.isConnected;
  }

  /**
   * What a display toggle does not change, kept between recomputes: per-head
   * queries, keys, values [h, n, d_h] (embed mode), or the author's scores,
   * allowed mask and values (author modes). A temperature or mask change then
   * costs one matMul and a softmax.
   */
  private baseFor(tf: typeof TF, mode: Mode, tokens: string[], keys: string[] | null, d: number): Base {
    const key = JSON.stringify([mode, tokens, keys, d, this.d.heads, this.p.projection, this.p.positions, this.seed, this.p.weightsInput, this.p.scores]);
    const cached = this.bases.get(key);
    if (cached) return cached;
    const heads = this.d.heads;
    const tensors = tf.tidy(() => {
      const x = tf.tensor2d(embedTokens(tokens, d, this.seed, this.p.positions));
      if (mode === 'embed') {
        // Gain 2: scores spread by about ±2 after scaling, so untrained heads already differ visibly.
        const w = this.p.projection === 'raw' ? identityProjections(d) : seededProjections(d, this.seed, 2);
        const xk = keys ? tf.tensor2d(embedTokens(keys, d, this.seed, this.p.positions)) : x;
        const split = (a: TF.Tensor2D, m: TF.Tensor2D) => splitHeads(tf.matMul(a, m), heads);
        return { q: split(x, w.wq), k: split(xk, w.wk), v: split(xk, w.wv) };
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
    const base = { key, ...tensors };
    this.bases.set(key, base);
    return base;
  }

  private disposeBases(): void {
    for (const b of this.bases.values()) disposeBase(b);
    this.bases.clear();
  }

  /** The attention for the non-training modes: weights, scores, values [h, ·, ·] (caller disposes). */
  private attend(tf: typeof TF, mode: Mode, tokens: string[], keys: string[] | null, d: number, used: Set<string>): TF.Tensor3D[] {
    const opts = this.displayOptions();
    const b = this.baseFor(tf, mode, tokens, keys, d);
    used.add(b.key);
    return tf.tidy(() => {
      if (b.q && b.k) {
        const r = scaledDotProduct(b.q, b.k, b.v, { ...opts, causal: keys ? false : opts.causal });
        return [r.weights, r.scores, tf.clone(b.v)];
      }
      const weights = weightsFromScores(b.scores!, { ...opts, allowed: b.allowed as unknown as TF.Tensor2D });
      return [weights, tf.clone(b.scores!), tf.clone(b.v)];
    });
  }

  private ensureTrainer(): AttentionTrainer {
    const { tokens, d, task, heads } = this.d;
    const causal = this.d.mask === 'causal';
    const key = JSON.stringify([tokens, d, heads, causal, task, this.seed]);
    if (!this.trainer || key !== this.trainerKey) {
      this.trainer?.dispose();
      this.trainer = new AttentionTrainer({ tokens, task, dim: d, heads, causal, seed: this.seed });
      this.trainerKey = key;
      this.warmUp = true;
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
    if (this.trainer !== trainer) return; // reset or replaced while reading back
    const lossValue = loss ? l![0] as unknown as number : trainer.step ? this._train?.loss ?? this.lastLoss : null;
    const w = weights as number[][][];
    const two = trainer.objectives.length > 1;
    this._train = {
      step: trainer.step,
      loss: lossValue,
      closeness: w.map((head) => trainer.closenessOf(head)),
      specialisation: two ? w.map((head) => { const [previous, first] = trainer.massesOf(head); return { previous: previous!, first: first! }; }) : null,
    };
    this._shown = { key, tokens: this.d.tokens, keys: this.d.tokens, cross: false, weights: w, scores: scores!, values: values!, shuffle: null };
  }

  private resetTraining(): void {
    this.loop.pause();
    this.trainer?.dispose();
    this.trainer = null;
    this.ensureTrainer();
    this.warmUp = false; // the lecturer asked for the untrained start
    this._train = null;
    this.wantedKey = ''; // recompute: the fresh trainer at step 0
    this.requestUpdate();
    this.changed();
  }

  override updated(changed: PropertyValues): void {
    super.updated(changed);
    // Grids are drawn at their own size (1 viewBox unit = 1 px). Set through the CSSOM:
    // a style attribute would break the pages' Content Security Policy.
    for (const el of this.renderRoot.querySelectorAll<HTMLElement>('[data-width]')) el.style.width = `${el.dataset.width}px`;
    if (this._shown && this._shown.key === this.wantedKey) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loop.pause();
    this.trainer?.dispose();
    this.trainer = null;
    this.trainerKey = '';
    this.wantedKey = '';
    this.disposeBases();
  }

  // ----- user input and sync -----------------------------------------------------

  private changed(): void {
    this.publishState();
    this.dispatchEvent(new CustomEvent('attention-grid-change', {
      detail: { head: this.head, selectedRow: this._selected, causal: this.causalOn, mask: this.currentMask, scale: this.scaleOn, temperature: this.currentTemperature, shuffled: !!this._perm },
      bubbles: true,
      composed: true,
    }));
  }

  override getSyncState(): unknown {
    return { head: this._head, selected: this._selected, mask: this.currentMask, scale: this.scaleOn, temperature: this.currentTemperature, perm: this._perm, playing: this.loop.playing };
  }

  override applySyncState(state: unknown): void {
    const s = state as Partial<{ head: number; selected: number | null; mask: MaskMode; causal: boolean; scale: boolean; temperature: number; perm: number[] | null; playing: boolean }> | null;
    if (!s) return;
    if (typeof s.head === 'number') this._head = s.head;
    if (s.selected === null || typeof s.selected === 'number') this._selected = s.selected;
    if (typeof s.mask === 'string' && MASKS.includes(s.mask)) this._mask = s.mask;
    else if (typeof s.causal === 'boolean') this._mask = s.causal ? 'causal' : 'bidirectional';
    if (typeof s.scale === 'boolean') this._scale = s.scale;
    if (typeof s.temperature === 'number' && Number.isFinite(s.temperature)) this._temperature = s.temperature;
    if (s.perm === null || (Array.isArray(s.perm) && s.perm.every((v) => Number.isInteger(v)))) this._perm = s.perm;
    if (s.playing === true) this.loop.play();
    if (s.playing === false) this.loop.pause();
  }

  // ----- drawing -------------------------------------------------------------------

  protected override renderDemo() {
    const shown = this._shown;
    const mode = this.mode();
    const multiples = !!shown && (shown.shuffle !== null || (this.d.multiples && shown.weights.length > 1));
    return html`
      <div class="controls" part="controls">
        ${shown && shown.weights.length > 1 && !(this.d.multiples && !shown.shuffle)
          ? html`<span class="tabs" role="tablist">${shown.weights.map((_, h) => html`<button role="tab" aria-pressed=${h === this.head}
              aria-selected=${h === this.head} @click=${() => this.selectHead(h)}>head ${h + 1}</button>`)}</span>`
          : nothing}
        ${this.renderMaskButtons()}
        ${this.p.shuffle && this.shuffleAllowed()
          ? html`<button aria-pressed=${!!this._perm} @click=${() => this.toggleShuffle()}>shuffle</button>`
          : nothing}
        ${mode === 'weights' || mode === 'scores'
          ? nothing
          : html`<button aria-pressed=${this.scaleOn} @click=${() => { this._scale = !this.scaleOn; this.changed(); }}>÷ √d<sub>k</sub></button>`}
        <label>T <input type="range" min="0" max="3" step="0.05" .value=${String(this.currentTemperature)} aria-label="temperature"
          @input=${(e: Event) => { this._temperature = Number((e.target as HTMLInputElement).value); this.changed(); }} /></label>
        <span class="value t">${this.currentTemperature.toFixed(2)}</span>
        <span class="muted">${this.caption(mode)}</span>
      </div>
      ${this.d.notes.length ? html`<p class="notes">${this.d.notes.join(' ')}</p>` : nothing}
      ${!shown ? html`<p class="muted">computing…</p>` : multiples ? this.renderMultiples(shown, mode) : html`
        <div class="layout">
          ${this.singleGrid(shown)}
          <div class="panel" part="panel">
            <div class="legend-row">${legend()}</div>
            ${this.renderHover(shown)}
            ${this.renderMix(shown)}
            ${mode === 'train' ? this.renderTrain() : nothing}
          </div>
        </div>`}
    `;
  }

  private renderMaskButtons() {
    const modes = this.d.maskModes;
    if (!modes) {
      return html`<button aria-pressed=${this.causalOn} @click=${() => this.selectMask(this.causalOn ? 'bidirectional' : 'causal')}>causal mask</button>`;
    }
    const labels = this.d.source ? MASK_LABEL_SOURCE : MASK_LABEL;
    return html`<span class="tabs" role="radiogroup" aria-label="mask">${modes.map((m) => html`<button role="radio" data-mask=${m}
      aria-pressed=${m === this.currentMask} aria-checked=${m === this.currentMask} @click=${() => this.selectMask(m)}>${labels[m]}</button>`)}</span>`;
  }

  private caption(mode: Mode) {
    const heads = this.d.heads;
    const d = heads > 1 ? html`d<sub>k</sub> = ${this.d.d / heads} per head` : html`d<sub>k</sub> = ${this.d.d}`;
    const w = html`W<sub>Q</sub>, W<sub>K</sub>, W<sub>V</sub>`;
    const pos = this.p.positions ? '' : ' · no positions';
    switch (mode) {
      case 'weights': return html`author-given weights`;
      case 'scores': return html`softmax of author-given scores`;
      case 'train': return html`${this._train?.step ? `trained (${this._train.step} steps)` : 'untrained'} ${w} · ${d}`;
      default: return this.p.projection === 'raw' ? html`raw embeddings: Q = K = V = X · ${d}${pos}` : html`seeded random ${w} · ${d}${pos}`;
    }
  }

  /** The one-grid layout: drawn at its own size (1 viewBox unit = 1 px), so its text keeps its size. */
  private singleGrid(shown: Shown) {
    const width = Math.min(640, 220 + shown.keys.length * 60);
    const height = Math.min(440, Math.max(300, 100 + shown.tokens.length * 42));
    return html`<div class="grid-box" data-width=${width}>${this.renderGrid(shown, this.head, { width, height, rowLabels: true })}</div>`;
  }

  /** One grid: head h of the shown weights (or the unshuffled original). */
  private renderGrid(shown: Shown, h: number, o: { width: number; height: number; rowLabels: boolean; original?: boolean; grid?: number; rowTitle?: boolean }) {
    const matrix = o.original ? shown.shuffle!.weights[h]! : shown.weights[h]!;
    const rows = o.original ? shown.shuffle!.tokens : shown.tokens;
    const cols = o.original ? shown.shuffle!.tokens : shown.keys;
    const n = rows.length;
    const masked = this.causalOn && !shown.cross ? matrix.map((row, i) => row.map((_, j) => j > i)) : undefined;
    const labelSize = Math.max(16, Math.min(20, ((o.height - 90) / n) * 0.5));
    const grid = o.grid ?? 0;
    return heatmap({
      matrix,
      rowLabels: o.rowLabels ? rows : rows.map(() => ''),
      colLabels: cols,
      width: o.width,
      height: o.height,
      domain: [0, 1],
      masked,
      format: Math.max(n, cols.length) <= 16 ? (v) => (v === 0 ? '0' : v.toFixed(2).replace(/^0/, '')) : undefined,
      selectedRow: o.original ? null : this._selected,
      onHover: (i, j) => { this._hover = [i, j, grid]; },
      onLeave: () => { this._hover = null; },
      onSelect: o.original ? undefined : (i) => this.selectRow(this._selected === i ? null : i),
      rowTitle: o.rowLabels && o.rowTitle !== false ? 'query: the token looking' : undefined,
      colTitle: 'key: the token looked at',
      title: `attention weights, head ${h + 1}${o.original ? ', original order' : ''}`,
      labelSize,
    });
  }

  /** Every head side by side, or the original order beside the shuffled one; the readouts below. */
  private renderMultiples(shown: Shown, mode: Mode) {
    const grids: { h: number; original: boolean; title: string }[] = shown.shuffle
      ? [{ h: this.head, original: true, title: 'original order' }, { h: this.head, original: false, title: 'shuffled' }]
      : shown.weights.map((_, h) => ({ h, original: false, title: `head ${h + 1}` }));
    const k = grids.length;
    const width = Math.floor(Math.min(560, (1150 - (k - 1) * 14) / k));
    const height = Math.min(mode === 'train' ? 310 : 340, 120 + shown.tokens.length * 24);
    // Three or more grids side by side: row labels on the first only, so the cells keep their width.
    const labelsOn = (idx: number) => k < 3 || idx === 0;
    return html`
      <div class="multiples">${grids.map((g, idx) => html`<figure class=${!shown.shuffle && g.h === this.head ? 'current' : ''} data-width=${width}>
        <figcaption>${g.title}${shown.weights.length > 1 && shown.shuffle ? `, head ${g.h + 1}` : ''}${this.specialLabel(g.h, shown)}</figcaption>
        ${this.renderGrid(shown, g.h, { width, height, rowLabels: labelsOn(idx), original: g.original, grid: idx, rowTitle: idx === 0 && mode !== 'train' })}
      </figure>`)}</div>
      <div class="below" part="panel">
        <div>${legend()}${this.renderHover(shown, grids.map((g) => g.original))}</div>
        <div>
          ${shown.shuffle ? this.renderShuffleNote(shown) : nothing}
          ${mode === 'train' ? this.renderTrain() : !shown.shuffle && shown.weights.length > 1 ? this.renderHeadCount() : nothing}
        </div>
      </div>`;
  }

  /** " · one back" / " · first word" on a trained two-target head that has specialised. */
  private specialLabel(h: number, shown: Shown): string {
    const s = this._train?.specialisation?.[h];
    if (shown.shuffle || !s) return '';
    if (Math.max(s.previous, s.first) < 0.6) return '';
    return s.previous > s.first ? ' · looks one back' : ' · looks at the first word';
  }

  private renderHeadCount() {
    const { d, heads } = this.d;
    return html`<div class="muted">${heads} heads × d<sub>k</sub> = ${d / heads}: W<sub>Q</sub>, W<sub>K</sub>, W<sub>V</sub>, W<sub>O</sub> hold
      <span class="value">${attentionParameterCount(d, heads).toLocaleString('en-US')}</span> = 4·${d}² weights, as one head of width ${d} would.</div>`;
  }

  private renderShuffleNote(shown: Shown) {
    const s = shown.shuffle!;
    const same = s.gap < 1e-4;
    const why = this.causalOn ? 'the causal mask depends on the order' : this.p.positions ? 'the embeddings carry positions' : '';
    const verdict = same ? ': the same weights in a new order (no positions: attention cannot see order).' : `: new weights, because ${why || 'the input changed'}.`;
    return html`<div class="shuffle-note">Largest change after moving rows and columns with their tokens:
      <span class="value ${same ? 'good' : ''}">${s.gap.toFixed(3)}</span>${verdict}</div>`;
  }

  private renderHover(shown: Shown, original: boolean[] = []) {
    const hv = this._hover;
    if (!hv) return html`<div class="hover muted">${original.length ? 'Hover a cell to read it.' : 'Hover a cell to read it; click a token to open its row.'}</div>`;
    const [i, j, grid] = hv;
    const orig = original[grid] ?? false;
    const rows = orig ? shown.shuffle!.tokens : shown.tokens;
    const cols = orig ? shown.shuffle!.tokens : shown.keys;
    const h = shown.shuffle || !this.d.multiples ? this.head : Math.min(grid, shown.weights.length - 1);
    const weights = orig ? shown.shuffle!.weights[h] : shown.weights[h];
    if (!weights?.[i] || weights[i]![j] === undefined) return html`<div class="hover"></div>`;
    const masked = this.causalOn && !shown.cross && j > i;
    const score = orig ? undefined : shown.scores?.[h]?.[i]?.[j];
    const where = shown.weights.length > 1 ? `head ${h + 1}: ` : '';
    return html`<div class="hover">${where}<b>${rows[i]}</b> → <b>${cols[j]}</b>:
      ${masked ? html`<span class="muted">masked (a later token): weight 0</span>`
        : html`weight <span class="value">${weights[i]![j]!.toFixed(3)}</span>${score !== undefined ? html`, score ${score.toFixed(2)}` : nothing}`}</div>`;
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
    const rows = [...top.map(([v, j]) => ({ label: shown.keys[j]!, weight: v, vec: values[j]! }))];
    const height = (rows.length + 2) * rowH + 8;
    return html`<h4>“${shown.tokens[i]}” takes a mix of value vectors</h4>
      <svg class="mix" viewBox="0 0 ${width} ${height}" role="img" aria-label="row as a mix of value vectors">
        ${rows.map((r, k) => svg`<g transform="translate(0, ${k * rowH})">
          <text x=${labelW - 6} y=${rowH / 2 + 5} text-anchor="end" font-size="18" fill="currentColor">${r.label}</text>
          <rect x=${labelW} y="6" width=${barW * r.weight} height=${rowH - 12} fill=${palette.orange}></rect>
          <text x=${labelW + barW + 6} y=${rowH / 2 + 5} font-size="18" fill="currentColor">${r.weight.toFixed(2)} ×</text>
          ${strip(r.vec, 0)}
        </g>`)}
        <text x=${labelW - 6} y=${rows.length * rowH + rowH / 2 + 5} text-anchor="end" font-size="18" fill="currentColor" opacity="0.7">${rest > 0.005 ? `others ${rest.toFixed(2)}` : ''}</text>
        <line x1=${stripX} x2=${width} y1=${(rows.length + 1) * rowH - 2} y2=${(rows.length + 1) * rowH - 2} stroke="currentColor"></line>
        <g transform="translate(0, ${(rows.length + 1) * rowH + 2})">
          <text x=${stripX - 8} y=${rowH / 2 + 5} text-anchor="end" font-size="18" font-weight="700" fill="currentColor">= output</text>
          ${strip(out, 0)}
        </g>
      </svg>`;
  }

  private renderTrain() {
    const status = this._train;
    const tokens = this._shown?.tokens ?? [];
    const task = this.d.task;
    const two = objectivesOf(task).length > 1;
    const targets = targetPositions(task, tokens);
    const rows = keyRows(task, tokens);
    const best = status?.closeness.length ? Math.max(...status.closeness.filter(Number.isFinite)) : NaN;
    const example = rows.length && !two ? `${tokens[rows[rows.length - 1]!]} → ${tokens[targets[rows[rows.length - 1]!]!]}` : '';
    const fmt = (v: number) => html`<span class="value ${v >= 0.8 ? 'good' : ''}">${v.toFixed(2)}</span>`;
    return html`<div class="train">
      <div class="controls">
        <button class="primary" @click=${() => { this.loop.toggle(); this.changed(); }}>${this.loop.playing ? '❚❚ pause' : '▶ train'}</button>
        <button @click=${() => void this.guard(() => this.trainFrame(1))} ?disabled=${this.loop.playing}>step</button>
        <button @click=${() => this.resetTraining()}>reset</button>
        <span>step <span class="value">${status?.step ?? 0}</span>${status?.loss != null && Number.isFinite(status.loss)
          ? html` · loss <span class="value">${status.loss.toFixed(3)}</span>` : nothing}</span>
      </div>
      ${two && status?.specialisation
        ? html`<div class="stats">weight on one back / first word: ${status.specialisation.map((s, h) => html`${h ? ' · ' : ''}head ${h + 1} ${fmt(s.previous)} / ${fmt(s.first)}`)}</div>`
        : Number.isFinite(best) ? html`<div class="stats">weight on target ${example ? `(${example})` : ''} ${fmt(best)}</div>` : nothing}
      <div class="muted">${two ? `Task: ${TASK_TEXT[task]}. Nobody assigns the heads.` : `Task: ${TASK_TEXT[task]} Nobody says where to look.`}</div>
    </div>`;
  }
}

/** The one colour scale of every attention grid: weight 0 to 1. */
function legend() {
  return colorLegend([0, 1], { width: 220, label: 'weight' });
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
