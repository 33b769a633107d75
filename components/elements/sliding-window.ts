import { css, html, nothing } from 'lit';
import { classMap } from 'lit/directives/class-map.js';
import {
  PAD,
  conditionalProbability,
  countContexts,
  slidingWindowPairs,
  splitWords,
  vocabularyOf,
  windowTensors,
  type ContextCount,
} from '../models/sliding-window.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamSpec, type ParamValues } from '../runtime/params.js';

const MAX_WORDS = 12;
const MAX_WORD_LENGTH = 20;
const MAX_CONTEXT = 8;

/** Words typed by the audience: letters only (the pad token "." is reserved). */
function parseWords(raw: unknown): { ok: true; value: string[] } | { ok: false; expected: string } {
  const expected = `1 to ${MAX_WORDS} words of 1 to ${MAX_WORD_LENGTH} letters, separated by spaces or commas (no "${PAD}": it marks start and end)`;
  if (typeof raw !== 'string' && !Array.isArray(raw)) return { ok: false, expected };
  const words = (Array.isArray(raw) ? raw.map(String) : splitWords(raw)).map((w) => w.toLowerCase());
  const valid =
    words.length >= 1 &&
    words.length <= MAX_WORDS &&
    words.every((w) => w.length <= MAX_WORD_LENGTH && /^[\p{L}\p{M}]+$/u.test(w));
  return valid ? { ok: true, value: words } : { ok: false, expected };
}

const wordsSpec: ParamSpec<string[]> = {
  attribute: 'text',
  fallback: ['aabid'],
  expected: `words separated by spaces or commas`,
  parse: parseWords,
};

const PARAMS = {
  text: wordsSpec,
  context: param.int({ fallback: 3, min: 1, cap: MAX_CONTEXT }),
};

/** One (context → target) pair, tagged with its word. */
export interface ShownPair {
  word: string;
  position: number;
  context: string[];
  target: string;
}

/**
 * `<sliding-window>` — how a word becomes (context → target) training pairs.
 *
 * Type one or more words and choose the context size: every pair appears as a
 * chip; the selected one is drawn as a window over the padded word, with
 * P(target | context) counted over all the words, and the token ids the MLP
 * trains on (X [pairs, context], Y [pairs], built with TensorFlow.js).
 * With context 1 the pairs are exactly the bigrams.
 *
 * @attr text - words, separated by spaces or commas (default "aabid"; up to 12 words of 20 letters)
 * @attr context - context size, 1 to 8 (default 3; larger values are capped)
 * @attr seed - unused (no randomness), accepted like every demo
 * @prop pairs - ShownPair[]: every pair, in order
 * @prop selected - number: index of the highlighted pair
 * @prop probability - number: P(target | context) of the selected pair, counted over all words
 * @prop shape - [pairs, context]: shape of the X tensor
 * @method select(i) - highlights pair i
 * @fires sliding-window-change - detail {words, context, selected} after a user change
 * @csspart frame - the demo's box; strip - the padded word with the window; pairs - the chip grid
 * @cssprop --demo-accent - context colour; --demo-accent-2 - target colour
 */
export class SlidingWindow extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      :host { --target: var(--demo-accent-2, #e69f00); }
      .strip { display: flex; gap: 4px; margin: 0.3em 0 0.5em; flex-wrap: wrap; align-items: flex-end; }
      .cell {
        width: 1.9em; height: 1.9em; display: inline-flex; align-items: center; justify-content: center;
        border: 2px solid var(--border); border-radius: 6px; font-family: ui-monospace, Menlo, monospace;
        font-size: 1.45em; font-weight: 600; background: white;
      }
      .cell.pad { color: var(--muted); }
      .cell.ctx { background: var(--accent); border-color: var(--accent); color: white; }
      .cell.tgt { background: var(--target); border-color: var(--target); color: #111; }
      .cell.future { opacity: 0.35; }
      .pairs { display: grid; gap: 8px; margin: 0.4em 0; }
      .word-row { display: grid; grid-template-columns: 4.8em minmax(0, 1fr); gap: 8px; align-items: start; }
      .word-row .w { font-weight: 700; padding-top: 0.2em; overflow-wrap: anywhere; }
      .word-row .chips { display: flex; flex-wrap: wrap; gap: 8px; }
      .chip {
        font: inherit; font-family: ui-monospace, Menlo, monospace; font-size: 1em; padding: 0.15em 0.45em;
        border: 2px solid var(--border); border-radius: 6px; background: white; color: inherit; cursor: pointer;
        text-align: left; white-space: nowrap;
      }
      .chip .arrow { color: var(--muted); }
      .chip .t { color: #8a5a00; font-weight: 700; }
      .chip[aria-pressed='true'] { border-color: var(--target); background: color-mix(in srgb, var(--target) 22%, white); color: inherit; }
      .stats { font-size: 1.05em; margin: 0.4em 0 0.2em; min-height: 1.4em; }
      .ids { font-size: 0.85em; }
      input[type='text'] { width: 16em; }
      .hint { color: var(--bad); font-size: 0.85em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _words: { state: true },
    _context: { state: true },
    _selected: { state: true },
    _ids: { state: true },
    _hint: { state: true },
  };

  declare text: string | string[] | undefined;
  declare context: string | number | undefined;
  /** Set by the text box and the slider; null = use the attribute. */
  declare _words: string[] | null;
  declare _context: number | null;
  declare _selected: number;
  declare _ids: { key: string; shape: [number, number]; x: number[][]; y: number[]; vocab: string[] } | null;
  declare _hint: string;

  private p!: ParamValues<typeof PARAMS>;
  private wantedKey = '';

  constructor() {
    super();
    this._words = null;
    this._context = null;
    this._selected = 0;
    this._ids = null;
    this._hint = '';
  }

  get words(): string[] {
    return this._words ?? this.p?.text ?? ['aabid'];
  }

  get contextSize(): number {
    return this._context ?? this.p?.context ?? 3;
  }

  get pairs(): ShownPair[] {
    return this.words.flatMap((word) => slidingWindowPairs(word, this.contextSize).map((p) => ({ word, ...p })));
  }

  get selected(): number {
    return Math.min(this._selected, this.pairs.length - 1);
  }

  private get table(): Map<string, ContextCount> {
    return countContexts(this.words, this.contextSize);
  }

  get probability(): number {
    const pair = this.pairs[this.selected];
    return conditionalProbability(this.table, pair.context.join(''), pair.target);
  }

  get shape(): [number, number] | null {
    return this._ids?.shape ?? null;
  }

  select(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.pairs.length) {
      throw new Error(`select: pair index must be 0 to ${this.pairs.length - 1}, got ${i}`);
    }
    this._selected = i;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('text')) this._words = null;
    if (changed.has('context')) this._context = null;
    const key = JSON.stringify([this.words, this.contextSize]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.buildIds(key));
    }
  }

  /** Token ids of every pair, as the MLP would receive them (X [pairs, k], Y [pairs]). */
  private async buildIds(key: string): Promise<void> {
    const tf = await this.tf();
    const vocab = vocabularyOf(this.words);
    const { X, Y } = windowTensors(this.words, this.contextSize, vocab);
    const shape = X.shape as [number, number];
    const [x, y] = await Promise.all([X.array(), Y.data()]);
    tf.dispose([X, Y]);
    if (key !== this.wantedKey) return;
    this._ids = { key, shape, x: x as number[][], y: Array.from(y), vocab };
  }

  override updated(): void {
    if (this._ids?.key === this.wantedKey) this.markReady();
  }

  private userChanged(): void {
    this.publishState();
    this.dispatchEvent(new CustomEvent('sliding-window-change', {
      detail: { words: this.words, context: this.contextSize, selected: this.selected },
      bubbles: true,
      composed: true,
    }));
  }

  private onText(event: Event): void {
    const parsed = parseWords((event.target as HTMLInputElement).value);
    if (!parsed.ok) {
      this._hint = `Type ${parsed.expected}.`;
      return;
    }
    this._hint = '';
    this._words = parsed.value;
    this._selected = 0;
    this.userChanged();
  }

  private onContext(event: Event): void {
    this._context = Number((event.target as HTMLInputElement).value);
    this.userChanged();
  }

  private onPick(i: number): void {
    this._selected = i;
    this.userChanged();
  }

  /** A presenter's clicker moves the window to the next (context → next word) pair. */
  protected override clickerStep(): boolean {
    if (this.pairs.length < 2) return false;
    this.step(1);
    return true;
  }

  private step(delta: number): void {
    const n = this.pairs.length;
    this._selected = (this.selected + delta + n) % n;
    this.userChanged();
  }

  override getSyncState(): unknown {
    return { words: this.words, context: this.contextSize, selected: this.selected };
  }

  override applySyncState(state: unknown): void {
    const s = state as { words?: unknown; context?: unknown; selected?: unknown } | null;
    const words = parseWords(s?.words);
    if (words.ok) this._words = words.value;
    if (typeof s?.context === 'number' && s.context >= 1 && s.context <= MAX_CONTEXT) this._context = s.context;
    if (typeof s?.selected === 'number') this._selected = s.selected;
  }

  /** The padded word as cells, with the selected window and target highlighted. */
  private renderStrip(pair: ShownPair) {
    const k = this.contextSize;
    const cells = [...Array(k).fill(PAD), ...pair.word, PAD];
    // The target of pair `position` sits at cell k + position; its context is the k cells before.
    const t = k + pair.position;
    return html`<div class="strip" part="strip" aria-label="padded word with the window">
      ${cells.map((c, i) => html`<span class=${classMap({ cell: true, pad: c === PAD, ctx: i >= t - k && i < t, tgt: i === t, future: i > t })}>${c}</span>`)}
    </div>`;
  }

  private renderStats(pair: ShownPair) {
    const ctx = pair.context.join('');
    const row = this.table.get(ctx)!;
    const count = row.next.get(pair.target) ?? 0;
    const p = count / row.total;
    const shown = ctx.split('').join(' ');
    return html`<div class="stats" part="stats">
      Over these words, context <b class="mono">[${shown}]</b> is followed by <b class="mono">${pair.target}</b>
      <span class="value">${count}</span> time${count === 1 ? '' : 's'} out of <span class="value">${row.total}</span>:
      P(${pair.target} | ${shown}) = ${count}/${row.total} = <span class="value">${p.toFixed(2)}</span>
    </div>`;
  }

  private renderIds(i: number) {
    if (!this._ids || this._ids.key !== this.wantedKey) return html`<div class="ids muted">building tensors…</div>`;
    const { shape, x, y } = this._ids;
    return html`<div class="ids muted" part="ids">
      As tensors for the network: X <span class="mono">[${shape[0]}, ${shape[1]}]</span> and Y <span class="mono">[${shape[0]}]</span>
      (token ids, "." = 0). This pair: X[${i}] = <span class="mono">[${x[i].join(', ')}]</span> → Y[${i}] = <span class="mono">${y[i]}</span>
    </div>`;
  }

  /** One row of chips per word; chips are numbered across all words. */
  private renderRows(pairs: ShownPair[], selected: number) {
    let start = 0;
    return this.words.map((word) => {
      const first = start;
      const count = [...word].length + 1;
      start += count;
      return html`<div class="word-row"><span class="w">${word}</span><div class="chips">
        ${pairs.slice(first, first + count).map((q, k) => {
          const j = first + k;
          return html`<button class="chip" aria-pressed=${j === selected ? 'true' : 'false'} @click=${() => this.onPick(j)}>
            [${q.context.join(' ')}] <span class="arrow">→</span> <span class="t">${q.target}</span></button>`;
        })}</div></div>`;
    });
  }

  protected override renderDemo() {
    const pairs = this.pairs;
    const i = this.selected;
    const pair = pairs[i];
    return html`
      <div class="controls" part="controls">
        <label>Words <input type="text" .value=${this.words.join(' ')} @change=${this.onText} aria-label="words" /></label>
        <label>Context <input type="range" min="1" max=${MAX_CONTEXT} step="1" .value=${String(this.contextSize)} @input=${this.onContext} aria-label="context size" /></label>
        <span class="value">${this.contextSize}</span>
        <button @click=${() => this.step(-1)} aria-label="previous pair">◀</button>
        <button @click=${() => this.step(1)} aria-label="next pair">▶</button>
        ${this._hint ? html`<span class="hint" role="alert">${this._hint}</span>` : nothing}
      </div>
      ${this.renderStrip(pair)}
      <div class="pairs" part="pairs">${this.renderRows(pairs, i)}</div>
      ${this.renderStats(pair)}
      <div class="muted">${this.words.length} word${this.words.length === 1 ? '' : 's'} → ${pairs.length} pairs (each word of L letters gives L + 1).</div>
      ${this.renderIds(i)}
    `;
  }
}
