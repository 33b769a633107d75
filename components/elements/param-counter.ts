import { css, html, nothing } from 'lit';
import { barChart } from '../charts/bar-chart.js';
import { countParams, countTfjsParams, type ParamCount } from '../models/param-counter.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamSpec, type ParamValues } from '../runtime/params.js';

const MAX_WIDTH = 100_000;
/** Above this many parameters the cross-check would allocate too much memory for a slide. */
export const MAX_BUILD = 5_000_000;

const anyNumbers = param.numbers({ fallback: [784, 16, 16, 10], minLength: 2, maxLength: 8, min: 1, max: MAX_WIDTH });
const WIDTHS_EXPECTED = `2 to 8 comma-separated whole numbers from 1 to ${MAX_WIDTH.toLocaleString('en-US')}, input first, e.g. "784, 16, 16, 10"`;

/** Layer widths: like param.numbers, but whole numbers only. */
const layersSpec: ParamSpec<number[]> = {
  ...anyNumbers,
  expected: WIDTHS_EXPECTED,
  parse(raw) {
    const r = anyNumbers.parse(raw);
    return r.ok && r.value.every(Number.isInteger) ? r : { ok: false, expected: WIDTHS_EXPECTED };
  },
};

const PARAMS = { layers: layersSpec };

const n = (v: number) => v.toLocaleString('en-US');

interface Shown {
  key: string;
  widths: number[];
  counts: ParamCount;
  /** Sizes summed over real tfjs weight tensors; null when the network is too large to build. */
  fromTensors: { weights: number; biases: number; total: number } | null;
}

/**
 * `<param-counter>` — how many weights and biases a fully connected network
 * has, layer by layer. The widths are editable; the count is checked against
 * the sizes of actual TensorFlow.js weight tensors built for the same layers.
 *
 * @attr layers - comma-separated layer widths, input first, 2 to 8 whole numbers from 1 to 100,000 (default "784, 16, 16, 10")
 * @prop counts - {layers: [{inputs, outputs, weights, biases}], weights, biases, total}
 * @prop fromTensors - {weights, biases, total} from tfjs tensor sizes, or null above 5,000,000 parameters
 * @prop widths - number[]: the layer widths shown
 * @fires param-counter-change - detail {widths, total} after an edit
 * @csspart frame - the box; table - the per-layer table; chart - the share per layer; controls - the layer field
 * @cssprop --demo-accent - bar colour
 */
export class ParamCounter extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 1.35fr) minmax(0, 1fr); gap: 0.4em 1.2em; align-items: start; }
      input[type='text'] { width: 14em; }
      table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
      th, td { padding: 0.2em 0.5em; text-align: right; border-bottom: 1px solid var(--border); }
      th:first-child, td:first-child { text-align: left; }
      th { font-size: 0.85em; color: var(--muted); font-weight: 600; }
      tfoot td { font-weight: 700; border-bottom: 0; border-top: 2px solid var(--fg, currentColor); }
      .check { margin-top: 0.5em; font-size: 0.9em; }
      .check .muted { font-size: 0.85em; }
      .ok { color: var(--good); font-weight: 700; }
      .problem { color: var(--bad); font-size: 0.9em; }
      svg.chart { max-height: 300px; }
    `,
  ];

  static override properties = { ...DemoElement.properties, ...propertiesOf(PARAMS), _edited: { state: true }, _shown: { state: true }, _problem: { state: true } };

  declare layers: string | number[] | undefined;
  declare _edited: number[] | null;
  declare _shown: Shown | null;
  declare _problem: string | null;

  private p!: ParamValues<typeof PARAMS>;
  private wantedKey = '';

  constructor() {
    super();
    this._edited = null;
    this._shown = null;
    this._problem = null;
  }

  get widths(): number[] {
    return this._edited ?? this.p?.layers ?? [];
  }

  get counts(): ParamCount | null {
    return this._shown?.counts ?? null;
  }

  get fromTensors(): Shown['fromTensors'] {
    return this._shown?.fromTensors ?? null;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('layers')) {
      this._edited = null;
      this._problem = null;
    }
    const widths = this.widths;
    const key = widths.join(',');
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.compute(key, widths));
    }
  }

  private async compute(key: string, widths: number[]): Promise<void> {
    const counts = countParams(widths);
    let fromTensors: Shown['fromTensors'] = null;
    if (counts.total <= MAX_BUILD) {
      await this.tf();
      fromTensors = countTfjsParams(widths);
    }
    if (key !== this.wantedKey) return;
    this._shown = { key, widths, counts, fromTensors };
  }

  override updated(): void {
    if (this._shown && this._shown.key === this.wantedKey) this.markReady();
  }

  /** Parses the text field; a bad entry keeps the last good network and says why. */
  private onEdit(event: Event): void {
    const text = (event.target as HTMLInputElement).value;
    const parsed = PARAMS.layers.parse(text);
    if (!parsed.ok) {
      this._problem = `"${text}" is not a network: expected ${WIDTHS_EXPECTED}.`;
      return;
    }
    this._problem = null;
    this._edited = parsed.value;
    this.publishState();
    this.dispatchEvent(new CustomEvent('param-counter-change', {
      detail: { widths: parsed.value, total: countParams(parsed.value).total },
      bubbles: true,
      composed: true,
    }));
  }

  override getSyncState(): unknown {
    return { widths: this.widths };
  }

  override applySyncState(state: unknown): void {
    const w = (state as { widths?: unknown } | null)?.widths;
    if (Array.isArray(w) && w.length >= 2 && w.every((v) => Number.isInteger(v) && v >= 1 && v <= MAX_WIDTH)) this._edited = w as number[];
  }

  private renderTable(c: ParamCount) {
    return html`<table part="table">
      <thead><tr><th>connection</th><th>weights</th><th>biases</th><th>together</th></tr></thead>
      <tbody>${c.layers.map((l) => html`<tr>
        <td>${n(l.inputs)} → ${n(l.outputs)}</td>
        <td>${n(l.inputs)} × ${n(l.outputs)} = ${n(l.weights)}</td>
        <td>${n(l.biases)}</td>
        <td>${n(l.weights + l.biases)}</td>
      </tr>`)}</tbody>
      <tfoot><tr><td>total</td><td>${n(c.weights)}</td><td>${n(c.biases)}</td><td>${n(c.total)}</td></tr></tfoot>
    </table>`;
  }

  private renderCheck(s: Shown) {
    if (!s.fromTensors) return html`<div class="check muted">Over ${n(MAX_BUILD)} parameters: counted by arithmetic only (too large to build on a slide).</div>`;
    const same = s.fromTensors.total === s.counts.total;
    return html`<div class="check">
      Summed over real TensorFlow.js tensors:
      <span class=${same ? 'ok' : 'problem'}>${n(s.fromTensors.total)}&nbsp;${same ? '✓' : '✗ differs'}</span>
      <div class="muted">weight shapes ${s.widths.slice(1).map((w, i) => `[${s.widths[i]}, ${w}]`).join(' ')}, one bias vector per layer</div>
    </div>`;
  }

  protected override renderDemo() {
    const s = this._shown;
    return html`
      <div class="controls" part="controls">
        <label>Layer widths <input type="text" .value=${this.widths.join(', ')} aria-label="layer widths" @change=${this.onEdit} /></label>
        <span class="muted">input first, output last; press Enter</span>
      </div>
      ${this._problem ? html`<div class="problem" role="alert">${this._problem}</div>` : nothing}
      ${s
        ? html`<div class="layout">
            <div>${this.renderTable(s.counts)}${this.renderCheck(s)}</div>
            <div><div class="muted">share of all parameters</div>${barChart({
              values: s.counts.layers.map((l) => (l.weights + l.biases) / s.counts.total),
              labels: s.counts.layers.map((l) => `${l.inputs}→${l.outputs}`),
              width: 440,
              height: 300,
              max: 1,
              format: (v) => `${Math.round(v * 100)} %`,
              title: 'share of all parameters per connection layer',
            })}</div>
          </div>`
        : nothing}`;
  }
}
