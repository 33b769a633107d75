import { css, html, nothing } from 'lit';
import { barChart } from '../charts/bar-chart.js';
import { countDraws, unembed, WEATHER_EXAMPLE, type UnembedResult } from '../models/unembed.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamError, type ParamValues } from '../runtime/params.js';
import type { Rng } from '../runtime/rng.js';

const PARAMS = {
  vocab: param.strings({ fallback: [...WEATHER_EXAMPLE.vocab], maxLength: 12 }),
  features: param.strings({ fallback: [...WEATHER_EXAMPLE.features], maxLength: 8 }),
  vector: param.numbers({ fallback: [...WEATHER_EXAMPLE.vector], minLength: 1, maxLength: 8 }),
  weights: param.matrix({ fallback: WEATHER_EXAMPLE.weights.map((r) => [...r]), maxSize: 8 }),
  temperature: param.number({ fallback: 1, min: 0, max: 3 }),
};

/** Draws kept on screen (the most recent ones). */
const SHOW_DRAWS = 16;

interface Model {
  vocab: string[];
  features: string[];
  vector: number[];
  weights: number[][];
}

const fmt = (v: number, d = 2) => v.toFixed(d).replace('-', '−');

/**
 * `<unembed-sampler>` — the last step of a language model: the final vector
 * at the last position times the unembedding matrix W_U gives one score per
 * vocabulary token; dividing by the temperature T and applying softmax gives
 * probabilities; a seeded draw picks the next token. The default is a toy
 * d = 4, five-token example whose scores are the exercise's logits for
 * "The weather today is" (2.0, 1.8, 1.2, 0.8, 0.6).
 *
 * @attr vocab - comma-separated vocabulary tokens, one per column of W_U (default sunny, cloudy, rainy, snowy, windy)
 * @attr features - optional names of the vector's d entries (default four weather features)
 * @attr vector - the final vector h, 1 to 8 numbers (default "0.8, 0.5, 0.4, 0.2")
 * @attr weights - W_U as d rows separated by ";" with one value per token, e.g. "2, 1; 0, 1"
 * @attr temperature - 0 (greedy) to 3 (default 1)
 * @attr seed - sampling seed (default 42)
 * @prop scores - number[]: h·W_U
 * @prop probabilities - number[]: softmax(scores / T)
 * @prop draws - string[]: sampled tokens so far (cleared when T changes)
 * @prop currentTemperature - number
 * @method sample(n) - draws n tokens with the seeded generator; returns them
 * @fires unembed-sample - detail {tokens, temperature} after sampling
 * @csspart frame - the box; table - h, W_U and the scores; chart - probabilities; controls - slider and buttons
 */
export class UnembedSampler extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.4em 1.6em; align-items: start; }
      table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.9em; width: 100%; }
      th, td { padding: 0.15em 0.4em; text-align: right; }
      th { font-weight: 600; }
      td.name, th.name { text-align: left; color: var(--muted); font-weight: 400; }
      td.h { font-weight: 700; border-right: 2px solid var(--border); }
      tr.scores td { border-top: 2px solid currentColor; font-weight: 700; }
      tr.probs td { color: var(--accent); font-weight: 700; }
      .draws { margin-top: 0.3em; font-size: 0.9em; min-height: 2.6em; }
      .draws .latest { font-weight: 700; color: var(--accent); }
      svg.chart { max-height: 280px; }
    `,
  ];

  static override properties = { ...DemoElement.properties, ...propertiesOf(PARAMS), _temperature: { state: true }, _result: { state: true }, _draws: { state: true } };

  declare vocab: string | string[] | undefined;
  declare features: string | string[] | undefined;
  declare vector: string | number[] | undefined;
  declare weights: string | number[][] | undefined;
  declare temperature: string | number | undefined;
  declare _temperature: number | null;
  declare _result: (UnembedResult & { key: string }) | null;
  declare _draws: number[];

  private p!: ParamValues<typeof PARAMS>;
  private model!: Model;
  private wantedKey = '';
  private sampler: Rng | null = null;

  constructor() {
    super();
    this._temperature = null;
    this._result = null;
    this._draws = [];
  }

  get currentTemperature(): number {
    return this._temperature ?? this.p?.temperature ?? 1;
  }

  get scores(): number[] {
    return this._result?.scores ?? [];
  }

  get probabilities(): number[] {
    return this._result?.probs ?? [];
  }

  get draws(): string[] {
    return this._draws.map((i) => this.model.vocab[i]);
  }

  /** Checks that h, W_U and the vocabulary fit together; on a mismatch the whole default example is used. */
  private buildModel(): Model {
    const { vocab, vector } = this.p;
    const weights = this.p.weights ?? WEATHER_EXAMPLE.weights.map((r) => [...r]);
    const extra: ParamError[] = [];
    if (weights.length !== vector.length) {
      extra.push({ attribute: 'weights', got: String(this.weights ?? '(default)'), expected: `${vector.length} rows, one per entry of vector`, kind: 'error' });
    } else if (weights[0].length !== vocab.length) {
      extra.push({ attribute: 'vocab', got: String(this.vocab ?? '(default)'), expected: `${weights[0].length} tokens, one per column of weights`, kind: 'error' });
    }
    if (extra.length) {
      this._paramErrors = [...this._paramErrors, ...extra];
      return { vocab: [...WEATHER_EXAMPLE.vocab], features: [...WEATHER_EXAMPLE.features], vector: [...WEATHER_EXAMPLE.vector], weights: WEATHER_EXAMPLE.weights.map((r) => [...r]) };
    }
    const features = this.p.features.length === vector.length ? this.p.features : vector.map((_, i) => `h${i + 1}`);
    return { vocab, features, vector, weights };
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    this.model = this.buildModel();
    if (changed.has('temperature')) this._temperature = null;
    const modelKey = JSON.stringify([this.model, this.seed]);
    const key = JSON.stringify([modelKey, this.currentTemperature]);
    if (key !== this.wantedKey) {
      // New scores or a new temperature: start the seeded draws afresh so a replay gives the same tokens.
      this.wantedKey = key;
      this.sampler = this.rng('sample');
      this._draws = [];
      this.markBusy();
      void this.guard(() => this.compute(key));
    }
  }

  private async compute(key: string): Promise<void> {
    await this.tf();
    const r = await unembed(this.model.vector, this.model.weights, this.currentTemperature);
    if (key !== this.wantedKey) return;
    this._result = { ...r, key };
  }

  override updated(): void {
    if (this._result?.key === this.wantedKey) this.markReady();
  }

  /** Draws n tokens from the current probabilities with the seeded generator. */
  sample(n = 1): string[] {
    const probs = this.probabilities;
    if (!this.sampler || probs.length === 0) return [];
    const picks = Array.from({ length: Math.max(0, Math.floor(n)) }, () => this.sampler!.choice(probs));
    this._draws = [...this._draws, ...picks];
    this.publishState();
    const tokens = picks.map((i) => this.model.vocab[i]);
    this.dispatchEvent(new CustomEvent('unembed-sample', { detail: { tokens, temperature: this.currentTemperature }, bubbles: true, composed: true }));
    return tokens;
  }

  private onSlider(event: Event): void {
    this._temperature = Number((event.target as HTMLInputElement).value);
    this.publishState();
  }

  override getSyncState(): unknown {
    return { temperature: this.currentTemperature, draws: this._draws.length };
  }

  override applySyncState(state: unknown): void {
    const s = state as { temperature?: unknown; draws?: unknown } | null;
    if (typeof s?.temperature === 'number' && s.temperature >= 0 && s.temperature <= 3) this._temperature = s.temperature;
    // Replaying the same number of seeded draws gives the same tokens in every window.
    const n = typeof s?.draws === 'number' ? s.draws : 0;
    if (n > this._draws.length) void this.updateComplete.then(() => this.ready).then(() => this.sample(n - this._draws.length));
  }

  private renderTable(m: Model, r: UnembedResult | null) {
    const t = this.currentTemperature;
    return html`<table part="table">
      <thead><tr><th class="name">feature</th><th>h</th>${m.vocab.map((v) => html`<th>${v}</th>`)}</tr></thead>
      <tbody>
        ${m.weights.map((row, i) => html`<tr><td class="name">${m.features[i]}</td><td class="h">${fmt(m.vector[i], 2)}</td>${row.map((w) => html`<td>${fmt(w, 1)}</td>`)}</tr>`)}
        <tr class="scores"><td class="name" colspan="2">scores h·W<sub>U</sub></td>${(r?.scores ?? m.vocab.map(() => NaN)).map((v) => html`<td>${fmt(v)}</td>`)}</tr>
        <tr class="probs"><td class="name" colspan="2">${t === 0 ? 'greedy, T = 0' : html`softmax(scores ÷ T)`}</td>${(r?.probs ?? []).map((v) => html`<td>${fmt(v, 3)}</td>`)}</tr>
      </tbody>
    </table>`;
  }

  protected override renderDemo() {
    const m = this.model;
    const r = this._result;
    const t = this.currentTemperature;
    const counts = countDraws(this._draws, m.vocab.length);
    const total = this._draws.length;
    const recent = this.draws.slice(-SHOW_DRAWS);
    return html`<div class="layout">
      <div>
        ${this.renderTable(m, r)}
        <div class="draws" aria-live="polite">
          ${total
            ? html`<span class="muted">${total} draw${total === 1 ? '' : 's'}:</span> ${recent.slice(0, -1).join(' · ')}${recent.length > 1 ? ' · ' : ''}<span class="latest">${recent[recent.length - 1]}</span>`
            : html`<span class="muted">No tokens drawn yet.</span>`}
        </div>
      </div>
      <div>
        ${r
          ? barChart({
              values: r.probs,
              labels: m.vocab,
              width: 480,
              height: 280,
              overlay: total ? counts.map((c) => c / total) : undefined,
              title: 'next-token probabilities, dashed: share of draws',
            })
          : nothing}
        <div class="controls" part="controls">
          <label>T <input type="range" min="0" max="3" step="0.05" .value=${String(t)} aria-label="temperature" @input=${this.onSlider} /></label>
          <span class="value">${fmt(t)}</span>
          <button class="primary" @click=${() => this.sample(1)} ?disabled=${!r}>sample</button>
          <button @click=${() => this.sample(20)} ?disabled=${!r}>×20</button>
        </div>
        ${total ? html`<div class="muted">dashed outlines: share of the ${total} draws</div>` : nothing}
      </div>
    </div>`;
  }
}
