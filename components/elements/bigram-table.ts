import { css, html, nothing, svg, type TemplateResult } from 'lit';
import { scaleLinear } from 'd3-scale';
import { barChart } from '../charts/bar-chart.js';
import { heatmap } from '../charts/heatmap.js';
import { palette } from '../charts/colors.js';
import { CORPUS_NAMES, InlineCorpus, corpusTitle, describeSource, loadCorpus, type CorpusSource } from '../data/load-corpus.js';
import { BigramModel, pick, sampleName, stepsToName, type BigramTable as Table, type SampleStep } from '../models/bigram.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';
import type { Rng } from '../runtime/rng.js';

const PARAMS = {
  corpus: param.oneOf(CORPUS_NAMES, 'names-en'),
  src: param.string({ fallback: '', maxLength: 2000 }),
  smoothing: param.number({ fallback: 0, min: 0, max: 1000 }),
  mode: param.oneOf(['counts', 'probabilities'] as const, 'counts'),
  samples: param.int({ fallback: 8, min: 1, cap: 30 }),
};

type Mode = 'counts' | 'probabilities';
const SLIDER_MAX = 20;
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const show = (ch: string) => `'${ch}'`;

interface SyncState {
  mode: Mode;
  smoothing: number;
  row: number;
  draws: number;
  batches: number;
}

/**
 * `<bigram-table>` — the bigram language model as a table you can read.
 *
 * Counts which character follows which in a list of names (TensorFlow.js:
 * scatter-add of the pair indices), shows the V×V count matrix as a heatmap
 * (characters on both axes, '.' marks start and end), toggles counts and
 * probabilities P(next | current) with add-k smoothing, and scores the corpus
 * by its average negative log-likelihood against the uniform baseline ln V.
 * Hover a cell for its count and probability; click a row to see it as a
 * distribution. The step sampler draws a name one character at a time,
 * showing the row used, the random number and the character it selects.
 *
 * @attr corpus - a corpus shipped with the project: "names-en" (default; 8,405 English first names)
 * @attr src - URL of a text file with one name a line (overrides corpus)
 * @attr smoothing - add-k smoothing, 0 (default) to 1000; the slider goes to 20
 * @attr mode - "counts" (default) or "probabilities"
 * @attr samples - names per "generate" click, 1 to 30 (default 8)
 * @attr seed - seed of the samplers (default 42)
 * @slot - (text content) a corpus written inline, one name a line; used when there is no src
 * @prop vocab - string[]: '.' then the characters seen
 * @prop counts - number[][]: counts[i][j] = pairs with current vocab[i], next vocab[j]
 * @prop probabilities - number[][]: rows of (counts + k) / row sum
 * @prop nll - number: average negative log-likelihood of the corpus's bigrams (nats)
 * @prop pairs - number: bigrams counted
 * @prop corpusTitle - string: the corpus named on screen with its size, e.g. "8,405 English first names"
 * @prop steps - SampleStep[]: the draws of the name the step sampler is writing
 * @method sample(n) - string[]: n names drawn from the table with the seed (same seed, same names)
 * @method stepSample() - draws one character with the step sampler
 * @fires bigram-table-change - detail {mode, smoothing, nll} after a user change
 * @csspart frame - the box; heatmap - the table; chart - the row distribution; strip - the draw
 * @cssprop --demo-accent - buttons and bars
 */
export class BigramTable extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: 500px 1fr; gap: 0 22px; align-items: start; }
      .side { display: flex; flex-direction: column; gap: 6px; min-width: 0; }
      .toggle button { border-radius: 0; margin: 0; }
      .toggle button:first-child { border-radius: 6px 0 0 6px; }
      .toggle button + button { border-radius: 0 6px 6px 0; border-left: none; }
      .readout { min-height: 1.35em; font-size: max(16px, 0.9em); }
      .stats { font-size: max(16px, 0.9em); }
      .stats .value { color: var(--accent); }
      .caption { font-size: max(16px, 0.8em); color: var(--muted); margin: 0; }
      .log { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; min-height: 1.6em; font-size: 0.95em; }
      .chip { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; padding: 0 0.3em; border-radius: 4px; background: var(--surface); border: 1px solid var(--border); }
      .chip.last { background: #e69f00; border-color: #e69f00; color: #111; font-weight: 700; }
      .arrow { color: var(--muted); }
      .names { display: flex; flex-wrap: wrap; gap: 3px 6px; min-height: 1.5em; font-size: max(16px, 0.85em); }
      .names span:not(.muted) { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--surface); border: 1px solid var(--border); border-radius: 4px; padding: 0 0.3em; }
      input[type='range'] { width: 9em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _table: { state: true },
    _mode: { state: true },
    _smoothing: { state: true },
    _row: { state: true },
    _hover: { state: true },
    _log: { state: true },
    _names: { state: true },
  };

  declare corpus: string | undefined;
  declare src: string | undefined;
  declare smoothing: string | number | undefined;
  declare mode: string | undefined;
  declare samples: string | number | undefined;
  declare _table: Table | null;
  declare _mode: Mode | null;
  declare _smoothing: number | null;
  declare _row: number;
  declare _hover: [number, number] | null;
  declare _log: SampleStep[];
  declare _names: string[];

  private p!: ParamValues<typeof PARAMS>;
  private model: BigramModel | null = null;
  private _corpusTitle = '';
  private modelKey = '';
  private wantedKey = '';
  private shownKey = '';
  private work: Promise<unknown> = Promise.resolve();
  private stepRng: Rng | null = null;
  private namesRng: Rng | null = null;
  /** Draws and "generate" clicks since the samplers were reset: what sync replays. */
  private draws = 0;
  private batches = 0;
  private pendingSync: SyncState | null = null;
  private readonly inline = new InlineCorpus();

  constructor() {
    super();
    this._table = null;
    this._mode = null;
    this._smoothing = null;
    this._row = 0;
    this._hover = null;
    this._log = [];
    this._names = [];
  }

  get vocab(): string[] {
    return this._table ? [...this._table.vocab] : [];
  }
  get counts(): number[][] {
    return this._table ? this._table.counts.map((r) => [...r]) : [];
  }
  get probabilities(): number[][] {
    return this._table ? this._table.probabilities.map((r) => [...r]) : [];
  }
  get nll(): number {
    return this._table?.nll ?? NaN;
  }
  get pairs(): number {
    return this._table?.pairs ?? 0;
  }
  get steps(): SampleStep[] {
    return this._log.map((s) => ({ ...s, row: [...s.row] }));
  }
  get currentMode(): Mode {
    return this._mode ?? this.p?.mode ?? 'counts';
  }
  get currentSmoothing(): number {
    return this._smoothing ?? this.p?.smoothing ?? 0;
  }

  get corpusTitle(): string {
    return this._corpusTitle;
  }

  /** n names from the table, drawn with the seed: the same seed gives the same names. */
  sample(n: number): string[] {
    if (!this._table) return [];
    const rng = this.rng('sample');
    return Array.from({ length: Math.max(0, Math.floor(n)) }, () => stepsToName(this._table!.vocab, sampleName(this._table!.probabilities, rng)));
  }

  /** One character from the step sampler; a finished name is cleared by the next draw. */
  stepSample(): SampleStep | null {
    if (!this._table) return null;
    this.stepRng ??= this.rng('steps');
    const last = this._log.at(-1);
    const log = last && last.chosen === 0 ? [] : this._log;
    const current = log.at(-1)?.chosen ?? 0;
    const row = this._table.probabilities[current];
    const r = this.stepRng.next();
    const step: SampleStep = { current, row, r, chosen: pick(row, r) };
    this._log = [...log, step];
    this._row = current;
    this.draws++;
    return step;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The text content is a corpus: re-read it when a script changes it.
    this.inline.connect(this, () => this.requestUpdate());
    this.requestUpdate(); // recount when moved back into a page
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.inline.disconnect();
    this.model?.dispose();
    this.model = null;
    this.modelKey = '';
    this.wantedKey = '';
  }

  private source(): CorpusSource {
    return { corpus: this.p.corpus, src: this.p.src.trim(), inline: this.inline.text };
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('mode')) this._mode = null;
    if (changed.has('smoothing')) this._smoothing = null;
    if (!this.isConnected) return; // no tensors for a detached element
    const source = this.source();
    const corpusKey = JSON.stringify([describeSource(source), source.src || !source.inline.trim() ? 0 : this.inline.revision]);
    const key = JSON.stringify([corpusKey, this.currentSmoothing, this.seed, this.still]);
    if (key === this.wantedKey) return;
    this.wantedKey = key;
    this.markBusy();
    this.work = this.work.then(() => this.guard(() => this.compute(key, corpusKey, source, this.currentSmoothing)));
  }

  private async compute(key: string, corpusKey: string, source: CorpusSource, smoothing: number): Promise<void> {
    if (key !== this.wantedKey) return; // superseded before it started
    await this.tf();
    if (corpusKey !== this.modelKey) {
      const corpus = await loadCorpus(source);
      if (key !== this.wantedKey || !this.isConnected) return;
      this.model?.dispose();
      this.model = new BigramModel(corpus);
      this.modelKey = corpusKey;
      this._corpusTitle = corpusTitle(source, corpus.words.length);
      this._row = 0;
    }
    const table = await this.model!.table(smoothing);
    if (key !== this.wantedKey) return;
    this._failure = null;
    this.resetSamplers();
    this._table = table;
    this.shownKey = key;
    if (this.still) this.stillState();
    if (this.pendingSync) this.replay(this.pendingSync);
  }

  private resetSamplers(): void {
    this.stepRng = null;
    this.namesRng = null;
    this.draws = 0;
    this.batches = 0;
    this._log = [];
    this._names = [];
  }

  /** Print/PDF: one whole name drawn step by step and one batch of names, all from the seed. */
  private stillState(): void {
    do this.stepSample();
    while (this._log.at(-1)!.chosen !== 0);
    this.generate();
  }

  private generate(): void {
    if (!this._table) return;
    this.namesRng ??= this.rng('sample');
    const { vocab, probabilities } = this._table;
    this._names = Array.from({ length: this.p.samples }, () => stepsToName(vocab, sampleName(probabilities, this.namesRng!)));
    this.batches++;
  }

  override updated(): void {
    if (this._table && this.shownKey === this.wantedKey) this.markReady();
  }

  private changed(): void {
    this.publishState();
    this.dispatchEvent(new CustomEvent('bigram-table-change', {
      detail: { mode: this.currentMode, smoothing: this.currentSmoothing, nll: this.nll },
      bubbles: true,
      composed: true,
    }));
  }

  override getSyncState(): SyncState {
    return { mode: this.currentMode, smoothing: this.currentSmoothing, row: this._row, draws: this.draws, batches: this.batches };
  }

  override applySyncState(state: unknown): void {
    const s = state as Partial<SyncState> | null;
    if (!s || (s.mode !== 'counts' && s.mode !== 'probabilities') || typeof s.smoothing !== 'number') return;
    const sameTable = this._table !== null && this.shownKey === this.wantedKey && s.smoothing === this.currentSmoothing;
    this._mode = s.mode;
    this._smoothing = s.smoothing;
    const full = { mode: s.mode, smoothing: s.smoothing, row: Number(s.row) || 0, draws: Number(s.draws) || 0, batches: Number(s.batches) || 0 };
    if (sameTable) this.replay(full);
    else this.pendingSync = full;
  }

  /** Re-runs the other window's draws from the seed, so both show the same names. */
  private replay(s: SyncState): void {
    this.pendingSync = null;
    this.resetSamplers();
    for (let i = 0; i < s.draws; i++) this.stepSample();
    for (let i = 0; i < s.batches; i++) this.generate();
    this._row = Math.min(s.row, (this._table?.vocab.length ?? 1) - 1);
  }

  // ---- rendering ----

  protected override renderDemo(): TemplateResult {
    const t = this._table;
    if (!t) return html`<p class="muted">Counting bigrams…</p>`;
    const mode = this.currentMode;
    const k = this.currentSmoothing;
    const last = this._log.at(-1);
    const zeros = k === 0 ? t.counts.map((r) => r.map((c) => c === 0)) : undefined;
    const matrix = mode === 'counts' ? t.counts : t.probabilities;
    const top = saturation(matrix);
    return html`<div class="layout">
      <div>
        ${heatmap({
          matrix,
          domain: [0, top],
          rowLabels: t.vocab,
          colLabels: t.vocab,
          width: 500,
          height: 490,
          labelSize: t.vocab.length > 32 ? 11 : 15,
          masked: zeros,
          selectedRow: this._row,
          selectedCell: last ? [last.current, last.chosen] : null,
          rowTitle: 'current character',
          colTitle: 'next character',
          title: `bigram ${mode}`,
          onHover: (r, c) => (this._hover = [r, c]),
          onLeave: () => (this._hover = null),
          onSelect: (r) => {
            this._row = r;
            this.changed();
          },
        })}
        <p class="caption">colour 0 → ${mode === 'counts' ? `${fmtInt(top)}+ pairs` : `${top.toFixed(2)}+`}${zeros ? ' · hatched: never seen, P = 0' : ''}</p>
      </div>
      <div class="side">
        ${this.renderControls(mode, k)}
        ${this.renderReadout(t)}
        <div class="stats" part="stats">
          average NLL <span class="value nll">${t.nll.toFixed(4)}</span> nats ·
          uniform ln ${t.vocab.length} = <span class="value">${Math.log(t.vocab.length).toFixed(4)}</span><br />
          <span class="muted corpus">${fmtInt(t.pairs)} bigrams from ${this._corpusTitle}, vocabulary of ${t.vocab.length} with '.'</span>
        </div>
        ${this.renderRow(t)}
        ${this.renderSampler(t)}
      </div>
    </div>`;
  }

  private renderControls(mode: Mode, k: number): TemplateResult {
    const setMode = (m: Mode) => {
      this._mode = m;
      this.changed();
    };
    return html`<div class="controls" part="controls">
      <span class="toggle" role="group" aria-label="show">
        <button class="mode-counts" aria-pressed=${mode === 'counts'} @click=${() => setMode('counts')}>counts</button><button
          class="mode-probabilities" aria-pressed=${mode === 'probabilities'} @click=${() => setMode('probabilities')}>probabilities</button>
      </span>
      <label>smoothing
        <input class="smoothing" type="range" min="0" max=${SLIDER_MAX} step="0.5" .value=${String(Math.min(k, SLIDER_MAX))}
          aria-label="add-k smoothing" @input=${(e: Event) => {
            this._smoothing = Number((e.target as HTMLInputElement).value);
            this.changed();
          }} />
      </label>
      <span class="value">k = ${k}</span>
    </div>`;
  }

  private renderReadout(t: Table): TemplateResult {
    const h = this._hover;
    if (!h) return html`<div class="readout muted" part="readout">hover a cell: count and P(next | current)</div>`;
    const [r, c] = h;
    const rowTotal = t.counts[r].reduce((a, b) => a + b, 0);
    return html`<div class="readout" part="readout">
      ${show(t.vocab[r])} → ${show(t.vocab[c])}: <span class="value">${fmtInt(t.counts[r][c])}</span> of ${fmtInt(rowTotal)} ·
      P(${t.vocab[c]} | ${t.vocab[r]}) = <span class="value">${t.probabilities[r][c].toFixed(3)}</span>
    </div>`;
  }

  private renderRow(t: Table): TemplateResult {
    const row = t.probabilities[this._row] ?? [];
    return html`<div>
      <div class="caption">P(next | ${show(t.vocab[this._row])}): row ${show(t.vocab[this._row])} as a distribution (click a row to change)</div>
      ${barChart({
        values: row,
        labels: t.vocab,
        width: 640,
        height: 140,
        format: (v) => (v >= 0.1 ? v.toFixed(2).replace(/^0/, '') : ''),
        title: `distribution after ${t.vocab[this._row]}`,
      })}
    </div>`;
  }

  private renderSampler(t: Table): TemplateResult {
    const last = this._log.at(-1);
    const done = last?.chosen === 0;
    return html`<div class="controls" part="sampler">
        <button class="primary step" @click=${() => {
          this.stepSample();
          this.changed();
        }}>${done || !last ? 'new name: first step' : 'next step'}</button>
        <button class="generate" @click=${() => {
          this.generate();
          this.changed();
        }}>generate ${this.p.samples}</button>
      </div>
      ${last ? rouletteStrip(t.vocab, last) : nothing}
      <div class="log" part="log">
        ${last
          ? html`${this._log.map((s, i) => html`${i === 0 ? html`<span class="chip">.</span>` : nothing}<span class="arrow">→</span><span
                class="chip ${i === this._log.length - 1 ? 'last' : ''}">${t.vocab[s.chosen]}</span>`)}
              <span class="muted">&nbsp;${done ? html`= <strong>${stepsToName(t.vocab, this._log)}</strong>` : `after ${show(t.vocab[last.current])}: r = ${last.r.toFixed(3)} → ${show(t.vocab[last.chosen])}`}</span>`
          : html`<span class="muted">step: start at '.', draw r in [0, 1), take the character whose slice of the row holds r</span>`}
      </div>
      <div class="names" part="names">${this._names.map((n) => html`<span>${n || '(empty)'}</span>`)}</div>`;
  }
}

/**
 * Top of the colour scale: the 97th percentile of the non-zero cells, so a
 * few very common pairs ('n' → '.') do not leave every other cell dark.
 * Cells above it share the brightest colour; hover gives exact values.
 */
function saturation(matrix: readonly (readonly number[])[]): number {
  const values = matrix.flat().filter((v) => v > 0).sort((a, b) => a - b);
  return values.length ? Math.max(values[Math.floor(0.97 * (values.length - 1))], 1e-9) : 1;
}

/**
 * The draw as a strip: the current row's probabilities laid end to end over
 * [0, 1], the random number r as a marker, the slice it lands in highlighted.
 */
function rouletteStrip(vocab: readonly string[], step: SampleStep): TemplateResult {
  const width = 640;
  const height = 56;
  const x = scaleLinear().domain([0, 1]).range([6, width - 6]);
  let start = 0;
  const slices = step.row.map((p, i) => {
    const s = { i, from: start, to: start + p };
    start += p;
    return s;
  });
  return html`<svg class="chart strip" part="strip" viewBox="0 0 ${width} ${height}" width="100%" role="img"
      aria-label="random number ${step.r.toFixed(3)} selects ${vocab[step.chosen]}">
    ${slices.filter((s) => s.to > s.from).map((s) => {
      const w = x(s.to) - x(s.from);
      const chosen = s.i === step.chosen;
      return svg`<rect x=${x(s.from)} y="23" width=${Math.max(0.5, w)} height="32" fill=${chosen ? palette.orange : s.i % 2 ? '#d5e4f0' : '#b4cde2'}
          stroke="white" stroke-width="1"></rect>
        ${w > 14 ? svg`<text x=${x(s.from) + w / 2} y="44" text-anchor="middle" font-size="17" font-weight=${chosen ? 700 : 400} fill="#111">${vocab[s.i]}</text>` : nothing}`;
    })}
    <path d="M${x(step.r)},22 l-7,-11 h14 z" fill="#111"></path>
    <text x=${x(step.r) + (step.r < 0.8 ? 12 : -12)} y="10" dy="0.35em" text-anchor=${step.r < 0.8 ? 'start' : 'end'} font-size="16" font-weight="600" fill="#111">r = ${step.r.toFixed(3)}</text>
  </svg>`;
}
