import { css, html, nothing } from 'lit';
import { barChart } from '../charts/bar-chart.js';
import { decode, entropy, sampleMany, type Decoded, type Entropy } from '../models/sampling.js';
import { bigramLogits, type BigramLogits } from '../models/bigram-logits.js';
import { CORPUS_NAMES, loadCorpus } from '../data/load-corpus.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';
import type { Rng } from '../runtime/rng.js';

/** Context characters for source="bigram": '.' (the start of a name) and a–z, the names-en vocabulary. */
const BIGRAM_CONTEXTS = ['.', ...'abcdefghijklmnopqrstuvwxyz'] as const;
/** Add-k smoothing of the bigram counts, so no next character has ln 0. */
const BIGRAM_SMOOTHING = 1;

const PARAMS = {
  logits: param.numbers({ fallback: [2, 1, 0.5, 0.1], minLength: 1, maxLength: 40 }),
  labels: param.strings({ fallback: [], maxLength: 40 }),
  temperature: param.number({ fallback: 1, min: 0, max: 3 }),
  topK: param.int({ fallback: 0, min: 0, max: 1000, attribute: 'top-k' }),
  topP: param.number({ fallback: 1, min: 0, max: 1, attribute: 'top-p' }),
  samples: param.int({ fallback: 100, min: 1, cap: 10000 }),
  decimals: param.int({ fallback: 2, min: 0, max: 4 }),
  controls: param.oneOf(['all', 'temperature'] as const, 'all'),
  source: param.oneOf(['logits', 'bigram'] as const, 'logits'),
  corpus: param.oneOf(CORPUS_NAMES as readonly string[], 'names-en'),
  context: param.oneOf(BIGRAM_CONTEXTS, 'a'),
};

export interface SoftmaxChangeDetail {
  temperature: number;
  topK: number;
  topP: number;
  /** After temperature, top-k, top-p and renormalisation. */
  probabilities: number[];
  kept: boolean[];
}

/**
 * `<softmax-temperature>` — how a next-token distribution is shaped before
 * sampling: temperature, then top-k, then top-p (nucleus), then renormalise.
 *
 * Labelled bars show the probabilities. Tokens cut by top-k / top-p are faded
 * at the height they had before the cut; kept tokens show their renormalised
 * probability. "Sample N" draws N tokens with the seed and outlines their
 * frequencies over the bars. The entropy (nats and bits) and the effective
 * number of choices e^H are shown for the final distribution. The softmax
 * runs in TensorFlow.js, shifted by the max logit for stability.
 *
 * @attr logits - comma-separated scores, e.g. "2, 1, 0.5, 0.1" (1 to 40 numbers)
 * @attr labels - comma-separated token labels (default: t1, t2, …)
 * @attr temperature - starting temperature, 0 to 3 (default 1; 0 = argmax)
 * @attr top-k - keep the k most likely tokens (default 0 = off)
 * @attr top-p - keep the smallest set of top tokens whose mass reaches p, 0 to 1 (default 1 = off)
 * @attr samples - draws per click of "sample" (default 100, capped at 10,000)
 * @attr decimals - digits after the point on the bars, 0 to 4 (default 2; 3 shows 0.375 as it is)
 * @attr controls - "all" (default) or "temperature": only the temperature slider and the samples, no top-k / top-p
 *   sliders and no entropy readout (for a deck that has not introduced them yet)
 * @attr source - "logits" (default: the `logits` attribute) or "bigram": the logits are ln P(next | context) of a
 *   character bigram model counted in the page on the `corpus` (add-1 smoothing), the bars sorted by probability,
 *   labelled with the next character ("end" = the name ends); the corpus is named on screen and a menu changes the context
 * @attr corpus - with source="bigram": a bundled name corpus (default "names-en", 8,405 English first names)
 * @attr context - with source="bigram": the character before the one predicted, "." (start of a name) or a–z (default "a")
 * @attr seed - seed for sampling (default 42)
 * @prop probabilities - number[]: the final distribution (after temperature, top-k, top-p, renormalisation)
 * @prop tempered - number[]: softmax(logits / T) before any cut
 * @prop kept - boolean[]: tokens that survived the cuts and can be drawn
 * @prop entropy - {nats, bits, effectiveChoices} of the final distribution
 * @prop sampleCounts - number[] | null: counts of the last sampling
 * @prop currentTemperature, currentTopK, currentTopP - the values applied (slider or attribute)
 * @prop logitsShown - number[]: the logits in use (the attribute's, or the bigram row's, sorted); labelsShown - string[]
 * @prop bigram - {corpus, context, total, pairs} with source="bigram", else null
 * @prop ready - Promise<void>: resolves when the first state is drawn
 * @method sample(n?) - draws n tokens (default `samples`), shows their histogram, returns their labels
 * @fires softmax-change - detail {temperature, topK, topP, probabilities, kept} after each change
 * @csspart frame - the demo's box; chart - the bar chart; controls - the slider panel; stats - entropy readout
 * @cssprop --demo-accent - bar and control colour
 */
export class SoftmaxTemperature extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .formula { font-size: 0.95em; margin: 0.2em 0 0.4em; }
      .formula .frac { display: inline-flex; flex-direction: column; vertical-align: middle; text-align: center; margin: 0 0.2em; }
      .formula .frac > span:first-child { border-bottom: 2px solid currentColor; padding: 0 0.2em; }
      .sliders { display: flex; flex-wrap: wrap; gap: 0.3em 1.6em; margin: 0.2em 0; }
      .sliders input[type='range'] { width: 9em; }
      .t { display: inline-block; min-width: 2.6em; }
      .greedy { color: var(--bad); font-weight: 600; }
      .stats { display: flex; flex-wrap: wrap; gap: 0.2em 1.4em; align-items: center; font-size: 0.95em; }
      .legend { font-size: 0.8em; min-height: 1.2em; }
      .swatch { display: inline-block; width: 0.9em; height: 0.9em; vertical-align: -0.1em; margin-right: 0.2em; border-radius: 2px; }
      .swatch.kept { background: var(--accent); }
      .swatch.cut { background: var(--accent); opacity: 0.3; }
      .swatch.drawn { border: 3px dashed #e69f00; }
      .source { display: flex; flex-wrap: wrap; gap: 0.2em 1em; align-items: center; font-size: 0.9em; margin: 0 0 0.2em; }
      .source select { font: inherit; }
    `,
  ];

  static override properties = {
    ...propertiesOf(PARAMS),
    _temperature: { state: true },
    _topK: { state: true },
    _topP: { state: true },
    _decoded: { state: true },
    _counts: { state: true },
    _context: { state: true },
    _bigram: { state: true },
  };

  declare logits: string | number[] | undefined;
  declare labels: string | string[] | undefined;
  declare temperature: string | number | undefined;
  declare topK: string | number | undefined;
  declare topP: string | number | undefined;
  declare samples: string | number | undefined;
  declare decimals: string | number | undefined;
  declare controls: string | undefined;
  declare source: string | undefined;
  declare corpus: string | undefined;
  declare context: string | undefined;
  declare _context: string | null;
  declare _bigram: { key: string; logits: number[]; labels: string[]; row: BigramLogits } | null;
  declare _temperature: number | null;
  declare _topK: number | null;
  declare _topP: number | null;
  declare _decoded: Decoded | null;
  declare _counts: number[] | null;

  private p!: ParamValues<typeof PARAMS>;
  /** Key of the inputs whose result is in _decoded. */
  private shownKey = '';
  private wantedKey = '';
  /** One seeded stream per element: successive clicks draw new tokens, reproducibly. */
  private sampler: Rng | null = null;

  constructor() {
    super();
    this._temperature = null;
    this._topK = null;
    this._topP = null;
    this._decoded = null;
    this._counts = null;
    this._context = null;
    this._bigram = null;
  }

  private get bigramMode(): boolean {
    return this.p?.source === 'bigram';
  }

  /** The context character applied (menu or attribute). */
  get currentContext(): string {
    return this._context ?? this.p?.context ?? 'a';
  }

  private bigramKey(): string {
    return JSON.stringify([this.p.corpus, this.currentContext]);
  }

  /** The logits in use: the attribute's, or the bigram row's (sorted, most likely first). */
  get logitsShown(): number[] {
    if (!this.bigramMode) return [...(this.p?.logits ?? [])];
    return this._bigram?.key === this.bigramKey() ? [...this._bigram.logits] : [];
  }

  get labelsShown(): string[] {
    return this.labelsFor(this.logitsShown.length);
  }

  get bigram(): { corpus: string; context: string; total: number; pairs: number } | null {
    const b = this._bigram;
    return this.bigramMode && b ? { corpus: this.p.corpus, context: this.currentContext, total: b.row.total, pairs: b.row.pairs } : null;
  }

  /** The final distribution: temperature, top-k, top-p, renormalised. */
  get probabilities(): number[] {
    return this._decoded ? [...this._decoded.probabilities] : [];
  }
  get tempered(): number[] {
    return this._decoded ? [...this._decoded.tempered] : [];
  }
  get kept(): boolean[] {
    return this._decoded ? [...this._decoded.kept] : [];
  }
  get entropy(): Entropy | null {
    return this._decoded ? entropy(this._decoded.probabilities) : null;
  }
  get sampleCounts(): number[] | null {
    return this._counts ? [...this._counts] : null;
  }

  /** The values currently applied (slider or attribute). */
  get currentTemperature(): number {
    return this._temperature ?? this.p?.temperature ?? 1;
  }
  get currentTopK(): number {
    return this._topK ?? this.p?.topK ?? 0;
  }
  get currentTopP(): number {
    return this._topP ?? this.p?.topP ?? 1;
  }

  /** Draws n tokens from the final distribution, shows their histogram, returns their labels. */
  sample(n?: number): string[] {
    if (!this._decoded) return [];
    const count = Math.max(1, Math.min(10000, Math.floor(n ?? this.p.samples)));
    this.sampler ??= this.rng('sample');
    const { draws, counts } = sampleMany(this._decoded.probabilities, count, this.sampler);
    this._counts = counts;
    const labels = this.labelsFor(counts.length);
    return draws.map((i) => labels[i]!);
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    // A new attribute value resets its slider.
    if (changed.has('temperature')) this._temperature = null;
    if (changed.has('topK')) this._topK = null;
    if (changed.has('topP')) this._topP = null;
    if (changed.has('seed')) this.sampler = null;
    if (changed.has('context')) this._context = null;
    if (this.bigramMode && this._bigram?.key !== this.bigramKey()) {
      // The logits come from a model counted in the page: count first, then decode.
      const bkey = this.bigramKey();
      if (this.wantedKey !== `bigram:${bkey}`) {
        this.wantedKey = `bigram:${bkey}`;
        this.markBusy();
        void this.guard(() => this.countBigrams(bkey));
      }
      return;
    }
    const logits = this.logitsShown;
    const key = JSON.stringify([logits, this.currentTemperature, this.currentTopK, this.currentTopP]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.compute(key, logits));
    }
  }

  private async countBigrams(bkey: string): Promise<void> {
    await this.tf();
    const corpus = await loadCorpus({ corpus: this.p.corpus, src: '', inline: '' });
    const row = await bigramLogits(corpus, this.currentContext, BIGRAM_SMOOTHING);
    if (bkey !== this.bigramKey()) return;
    const order = row.logits.map((_, i) => i).sort((a, b) => row.logits[b]! - row.logits[a]! || a - b);
    this._bigram = {
      key: bkey,
      row,
      logits: order.map((i) => row.logits[i]!),
      labels: order.map((i) => (row.vocab[i] === '.' ? 'end' : row.vocab[i]!)),
    };
    this.wantedKey = ''; // decode the new logits on the next update
  }

  private async compute(key: string, logits: number[]): Promise<void> {
    await this.tf();
    const decoded = await decode(logits, { temperature: this.currentTemperature, topK: this.currentTopK, topP: this.currentTopP });
    if (key !== this.wantedKey) return; // a newer input superseded this one
    this.shownKey = key;
    this._decoded = decoded;
    this._counts = null; // a histogram of the old distribution would mislead
  }

  override updated(): void {
    if (this._decoded && this.shownKey === this.wantedKey) {
      this.markReady();
      this.dispatchEvent(new CustomEvent<SoftmaxChangeDetail>('softmax-change', {
        detail: { temperature: this.currentTemperature, topK: this.currentTopK, topP: this.currentTopP, probabilities: this.probabilities, kept: this.kept },
        bubbles: true,
        composed: true,
      }));
    }
  }

  private onSlider(which: '_temperature' | '_topK' | '_topP', event: Event): void {
    this[which] = Number((event.target as HTMLInputElement).value);
    this.publishState();
  }

  private onSample(): void {
    this.sample();
    this.publishState();
  }

  override getSyncState(): unknown {
    return { temperature: this.currentTemperature, topK: this.currentTopK, topP: this.currentTopP, counts: this._counts, context: this._context };
  }

  override applySyncState(state: unknown): void {
    const s = state as { temperature?: unknown; topK?: unknown; topP?: unknown; counts?: unknown; context?: unknown } | null;
    if (typeof s?.context === 'string' && (BIGRAM_CONTEXTS as readonly string[]).includes(s.context)) this._context = s.context;
    const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    if (finite(s?.temperature)) this._temperature = s.temperature;
    if (finite(s?.topK)) this._topK = s.topK;
    if (finite(s?.topP)) this._topP = s.topP;
    // Counts arrive after the distribution they were drawn from; apply once it is shown.
    if (Array.isArray(s?.counts)) void this.updateComplete.then(() => { this._counts = (s!.counts as number[]).map(Number); });
  }

  private labelsFor(n: number): string[] {
    if (this.bigramMode) return this._bigram ? this._bigram.labels.slice(0, n) : [];
    return Array.from({ length: n }, (_, i) => this.p.labels[i] ?? `t${i + 1}`);
  }

  protected override renderDemo() {
    const t = this.currentTemperature;
    const d = this._decoded;
    const shownLogits = this.logitsShown;
    if (this.bigramMode && !shownLogits.length) return html`<div class="muted">counting bigrams in the names…</div>`;
    const n = shownLogits.length;
    // Kept tokens: renormalised probability. Cut tokens: faded, at the height they had before the cut.
    const values = d ? d.probabilities.map((v, i) => (d.kept[i] ? v : d.tempered[i]!)) : shownLogits.map(() => 0);
    const total = this._counts?.reduce((a, b) => a + b, 0) ?? 0;
    const cutting = this.currentTopK > 0 && this.currentTopK < n || this.currentTopP < 1;
    return html`
      <div class="formula" part="formula">
        p<sub>i</sub> =
        <span class="frac"><span>exp(z<sub>i</sub> / T)</span><span>Σ<sub>j</sub> exp(z<sub>j</sub> / T)</span></span>
        ${this.bigramMode
          ? html`<span class="muted">&nbsp;with z<sub>j</sub> = ln P(j | "${this.currentContext === '.' ? 'start' : this.currentContext}"), then top-k, top-p, renormalise</span>`
          : html`<span class="muted">&nbsp;with z = [${shortList(this.p.logits)}]${this.p.controls === 'all' ? ', then top-k, top-p, renormalise' : ''}</span>`}
      </div>
      ${this.bigramMode && this._bigram ? this.renderSource(this._bigram.row) : nothing}
      ${barChart({
        values,
        labels: this.labelsFor(n),
        width: 1100,
        height: this.bigramMode ? 210 : 260,
        max: 1,
        kept: d?.kept,
        // 27 bars of a bigram row: whole percents fit above each bar; two decimals would collide.
        format: this.bigramMode ? (v: number) => `${Math.round(v * 100)}%` : (v: number) => v.toFixed(this.p.decimals),
        overlay: this._counts && total ? this._counts.map((c) => c / total) : undefined,
        title: 'probabilities',
      })}
      <div class="legend muted">
        ${cutting ? html`<span class="swatch kept"></span>kept, renormalised &nbsp; <span class="swatch cut"></span>cut (shown at its probability before the cut) &nbsp;` : nothing}
        ${total ? html`<span class="swatch drawn"></span>share of ${total} seeded draws` : nothing}
      </div>
      <div class="sliders controls" part="controls">
        <label>Temperature
          <input type="range" min="0" max="3" step="0.05" .value=${String(t)} @input=${(e: Event) => this.onSlider('_temperature', e)} aria-label="temperature" />
          <span class="value t">${t.toFixed(2)}</span>
        </label>
        ${this.p.controls === 'all' ? html`<label>top-k
          <input type="range" min="0" max=${n} step="1" .value=${String(Math.min(this.currentTopK, n))} @input=${(e: Event) => this.onSlider('_topK', e)} aria-label="top-k" />
          <span class="value t">${this.currentTopK > 0 && this.currentTopK < n ? this.currentTopK : 'off'}</span>
        </label>
        <label>top-p
          <input type="range" min="0.05" max="1" step="0.01" .value=${String(this.currentTopP)} @input=${(e: Event) => this.onSlider('_topP', e)} aria-label="top-p" />
          <span class="value t">${this.currentTopP < 1 ? this.currentTopP.toFixed(2) : 'off'}</span>
        </label>` : nothing}
      </div>
      <div class="stats" part="stats">
        <span><button class="primary" @click=${this.onSample} ?disabled=${!d}>sample ${this.p.samples}</button>
          ${total ? html`<button @click=${() => { this._counts = null; this.publishState(); }}>clear</button>` : nothing}</span>
        ${d && this.p.controls === 'all' ? this.renderStats(d, n) : nothing}
        ${d && this.p.controls !== 'all' && this.currentTemperature === 0 ? html`<span class="greedy">T = 0: greedy, always the top token</span>` : nothing}
      </div>
    `;
  }

  /** Where the logits come from (source="bigram"), and the context menu. */
  private renderSource(row: BigramLogits) {
    const names = this.p.corpus === 'names-en' ? '8,405 English first names (names-en)' : `the corpus ${this.p.corpus}`;
    return html`<div class="source" part="source">
      <label>next character after
        <select aria-label="context" @change=${(e: Event) => { this._context = (e.target as HTMLSelectElement).value; this.publishState(); }}>
          ${BIGRAM_CONTEXTS.map((c) => html`<option value=${c} ?selected=${c === this.currentContext}>${c === '.' ? 'start of a name' : `"${c}"`}</option>`)}
        </select></label>
      <span class="muted">counted in this page from ${names}: ${row.total.toLocaleString('en-US')} pairs, add-1</span>
    </div>`;
  }

  private renderStats(d: Decoded, n: number) {
    const e = entropy(d.probabilities);
    return html`
      ${this.currentTemperature === 0 ? html`<span class="greedy">T = 0: greedy, always the top token</span>` : nothing}
      <span class="kept-count">kept <span class="value">${d.keptCount}</span> of ${n}${d.keptCount < n ? html` (mass <span class="value">${d.keptMass.toFixed(3)}</span>)` : nothing}</span>
      <span>entropy H = <span class="value">${e.nats.toFixed(3)}</span> nats = <span class="value">${e.bits.toFixed(3)}</span> bits</span>
      <span>effective choices e<sup>H</sup> = <span class="value">${e.effectiveChoices.toFixed(2)}</span></span>`;
  }
}

/** Logits for the formula line (one line at slide size): 2 decimals, at most 6 shown. */
function shortList(values: readonly number[]): string {
  const shown = values.slice(0, 6).map((v) => String(+v.toFixed(2)));
  return values.length > 6 ? `${shown.join(', ')}, … ${values.length} in all` : shown.join(', ');
}
