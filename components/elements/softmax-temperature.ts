import { css, html } from 'lit';
import { barChart } from '../charts/bar-chart.js';
import { softmax } from '../models/softmax.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  logits: param.numbers({ fallback: [2, 1, 0.5, 0.1], minLength: 1, maxLength: 40 }),
  labels: param.strings({ fallback: [], maxLength: 40 }),
  temperature: param.number({ fallback: 1, min: 0, max: 3 }),
};

export interface SoftmaxChangeDetail {
  temperature: number;
  probabilities: number[];
}

/**
 * `<softmax-temperature>` — how temperature reshapes a softmax distribution.
 *
 * Shows the probabilities of a few candidate tokens as labelled bars, a
 * temperature slider from 0 (greedy argmax) to 3, and the formula. The
 * softmax runs in TensorFlow.js, shifted by the max logit for stability.
 *
 * @attr logits - comma-separated scores, e.g. "2, 1, 0.5, 0.1" (1 to 40 numbers)
 * @attr labels - comma-separated token labels (default: t1, t2, …)
 * @attr temperature - starting temperature, 0 to 3 (default 1; 0 = argmax)
 * @attr seed - seed for sampling (default 42)
 * @prop probabilities - number[]: the distribution currently shown
 * @prop ready - Promise<void>: resolves when the first state is drawn
 * @fires softmax-change - detail {temperature, probabilities} after each change
 * @csspart frame - the demo's box; chart - the bar chart; controls - the slider row
 * @cssprop --demo-accent - bar and control colour
 */
export class SoftmaxTemperature extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .formula { font-size: 0.95em; margin: 0.2em 0 0.4em; }
      .formula .frac { display: inline-flex; flex-direction: column; vertical-align: middle; text-align: center; margin: 0 0.2em; }
      .formula .frac > span:first-child { border-bottom: 2px solid currentColor; padding: 0 0.2em; }
      .t { min-width: 3.2em; display: inline-block; }
      .greedy { color: var(--bad); font-weight: 600; }
    `,
  ];

  static override properties = {
    ...propertiesOf(PARAMS),
    _temperature: { state: true },
    _probabilities: { state: true },
  };

  declare logits: string | number[] | undefined;
  declare labels: string | string[] | undefined;
  declare temperature: string | number | undefined;
  declare _temperature: number | null;
  declare _probabilities: number[] | null;

  private p!: ParamValues<typeof PARAMS>;
  /** Key of the inputs whose result is in _probabilities. */
  private shownKey = '';
  private wantedKey = '';

  constructor() {
    super();
    this._temperature = null;
    this._probabilities = null;
  }

  /** The distribution currently shown. */
  get probabilities(): number[] {
    return this._probabilities ? [...this._probabilities] : [];
  }

  /** The temperature currently applied (slider or attribute). */
  get currentTemperature(): number {
    return this._temperature ?? this.p?.temperature ?? 1;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    // A new temperature attribute resets the slider.
    if (changed.has('temperature')) this._temperature = null;
    const key = JSON.stringify([this.p.logits, this.currentTemperature]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.compute(key, this.p.logits, this.currentTemperature));
    }
  }

  private async compute(key: string, logits: number[], temperature: number): Promise<void> {
    await this.tf();
    const probabilities = await softmax(logits, temperature);
    if (key !== this.wantedKey) return; // a newer input superseded this one
    this.shownKey = key;
    this._probabilities = probabilities;
  }

  override updated(): void {
    if (this._probabilities && this.shownKey === this.wantedKey) {
      this.markReady();
      this.dispatchEvent(new CustomEvent<SoftmaxChangeDetail>('softmax-change', {
        detail: { temperature: this.currentTemperature, probabilities: this.probabilities },
        bubbles: true,
        composed: true,
      }));
    }
  }

  private onSlider(event: Event): void {
    this._temperature = Number((event.target as HTMLInputElement).value);
    this.publishState();
  }

  override getSyncState(): unknown {
    return { temperature: this.currentTemperature };
  }

  override applySyncState(state: unknown): void {
    const t = (state as { temperature?: unknown } | null)?.temperature;
    if (typeof t === 'number' && Number.isFinite(t)) this._temperature = t;
  }

  private labelsFor(n: number): string[] {
    return Array.from({ length: n }, (_, i) => this.p.labels[i] ?? `t${i + 1}`);
  }

  protected override renderDemo() {
    const t = this.currentTemperature;
    const probabilities = this._probabilities ?? this.p.logits.map(() => 0);
    return html`
      <div class="formula" part="formula">
        p<sub>i</sub> =
        <span class="frac"><span>exp(z<sub>i</sub> / T)</span><span>Σ<sub>j</sub> exp(z<sub>j</sub> / T)</span></span>
        <span class="muted">&nbsp;with z = [${this.p.logits.join(', ')}]</span>
      </div>
      ${barChart({ values: probabilities, labels: this.labelsFor(probabilities.length), width: 760, height: 300, max: 1, title: 'probabilities' })}
      <div class="controls" part="controls">
        <label>Temperature
          <input type="range" min="0" max="3" step="0.05" .value=${String(t)} @input=${this.onSlider} aria-label="temperature" />
        </label>
        <span class="value t">T = ${t.toFixed(2)}</span>
        ${t === 0 ? html`<span class="greedy">T = 0: greedy, always the top token</span>` : html`<span class="muted">low T sharpens, high T flattens</span>`}
      </div>
    `;
  }
}
