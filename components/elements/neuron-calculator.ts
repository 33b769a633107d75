import { css, html, nothing, unsafeCSS } from 'lit';
import { lineChart } from '../charts/line-chart.js';
import { palette } from '../charts/colors.js';
import { ACTIVATIONS, activationCurve, neuronForward, type Activation, type NeuronResult } from '../models/neuron.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamError, type ParamValues } from '../runtime/params.js';

const DEFAULT_INPUTS = [1, 0, 1];
const DEFAULT_WEIGHTS = [2, -1, 0.5];
// Slider ranges; the attributes are held to the same ranges so the sliders can show them.
const X_RANGE = 2;
const W_RANGE = 3;
const B_RANGE = 5;

const PARAMS = {
  inputs: param.numbers({ fallback: DEFAULT_INPUTS, minLength: 1, maxLength: 5, min: -X_RANGE, max: X_RANGE }),
  weights: param.numbers({ fallback: DEFAULT_WEIGHTS, minLength: 1, maxLength: 5, min: -W_RANGE, max: W_RANGE }),
  bias: param.number({ fallback: -1, min: -B_RANGE, max: B_RANGE }),
  activation: param.oneOf(ACTIVATIONS, 'sigmoid'),
};

const SYMBOL: Record<Activation, string> = { sigmoid: 'σ', tanh: 'tanh', relu: 'ReLU' };

interface State {
  inputs: number[];
  weights: number[];
  bias: number;
  activation: Activation;
}

const fmt = (v: number) => (Object.is(v, -0) ? 0 : v).toFixed(2).replace('-', '−');
const paren = (v: number) => (v < 0 ? `(${fmt(v)})` : fmt(v));

/**
 * `<neuron-calculator>` — one artificial neuron, worked out live:
 * z = Σ wᵢxᵢ + b and a = f(z), with the point (z, a) on the activation curve.
 *
 * @attr inputs - comma-separated inputs x, 1 to 5 numbers in [−2, 2] (default "1, 0, 1")
 * @attr weights - comma-separated weights w, one per input, in [−3, 3] (default "2, −1, 0.5")
 * @attr bias - the bias b in [−5, 5] (default −1)
 * @attr activation - "sigmoid", "tanh" or "relu" (default sigmoid)
 * @prop result - {z, a, contributions}: the neuron's current output
 * @prop state - {inputs, weights, bias, activation}: the values on the controls
 * @fires neuron-change - detail {z, a, ...state} after each change
 * @csspart frame - the box; controls - the sliders; chart - the activation curve; equation - the worked sum
 * @cssprop --demo-accent - slider and curve colour
 */
export class NeuronCalculator extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 0.4em 1.6em; align-items: start; }
      .grid { display: grid; grid-template-columns: auto auto 3.6em auto auto 3.6em; gap: 0.25em 0.4em; align-items: center; }
      .grid .value { text-align: right; }
      .grid .head { font-size: max(16px, 0.8em); color: var(--muted); }
      input[type='range'] { width: 6em; font-size: inherit; }
      .equation { margin-top: 0.5em; padding: 0.35em 0.6em; background: var(--surface); border-radius: 8px; font-variant-numeric: tabular-nums; }
      .equation .z { color: ${unsafeCSS(palette.blue)}; font-weight: 700; }
      .equation .a { color: ${unsafeCSS(palette.vermillion)}; font-weight: 700; }
      .buttons { display: flex; gap: 0.4em; margin-top: 0.5em; }
      svg.chart { max-height: 330px; }
    `,
  ];

  static override properties = { ...DemoElement.properties, ...propertiesOf(PARAMS), _state: { state: true }, _result: { state: true }, _curve: { state: true } };

  declare inputs: string | number[] | undefined;
  declare weights: string | number[] | undefined;
  declare bias: string | number | undefined;
  declare activation: string | undefined;
  declare _state: State | null;
  declare _result: NeuronResult | null;
  declare _curve: { key: string; z: number[]; a: number[] } | null;

  private p!: ParamValues<typeof PARAMS>;
  private wantedKey = '';
  private shownKey = '';

  constructor() {
    super();
    this._state = null;
    this._result = null;
    this._curve = null;
  }

  /** The neuron's output for the values on the controls. */
  get result(): NeuronResult | null {
    return this._result;
  }

  get state(): State {
    return this._state ?? this.fromParams();
  }

  private fromParams(): State {
    return { inputs: [...this.p.inputs], weights: [...this.p.weights], bias: this.p.bias, activation: this.p.activation };
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (this.p.inputs.length !== this.p.weights.length) {
      // One weight per input: a mismatch cannot be repaired sensibly, so both fall back.
      const mismatch: ParamError = {
        attribute: 'weights',
        got: String(this.weights),
        expected: `one weight per input (${this.p.inputs.length} numbers, as in inputs)`,
        kind: 'error',
      };
      this._paramErrors = [...this._paramErrors, mismatch];
      this.p = { ...this.p, inputs: DEFAULT_INPUTS, weights: DEFAULT_WEIGHTS };
    }
    if (['inputs', 'weights', 'bias', 'activation'].some((k) => changed.has(k))) this._state = null;
    const s = this.state;
    const span = Math.max(6, Math.ceil(Math.abs(this.zOf(s))) + 1);
    const key = JSON.stringify([s, span]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.compute(key, s, span));
    }
  }

  /** Weighted sum in plain JS, only to size the curve's axis before tfjs runs. */
  private zOf(s: State): number {
    return s.inputs.reduce((acc, x, i) => acc + x * s.weights[i], s.bias);
  }

  private async compute(key: string, s: State, span: number): Promise<void> {
    await this.tf();
    const curveKey = `${s.activation}:${span}`;
    const [result, curve] = await Promise.all([
      neuronForward(s.inputs, s.weights, s.bias, s.activation),
      this._curve?.key === curveKey ? this._curve : activationCurve(s.activation, -span, span, 161).then((c) => ({ key: curveKey, ...c })),
    ]);
    if (key !== this.wantedKey) return;
    this.shownKey = key;
    this._curve = curve;
    this._result = result;
  }

  override updated(): void {
    if (this._result && this.shownKey === this.wantedKey) {
      this.markReady();
      this.dispatchEvent(new CustomEvent('neuron-change', {
        detail: { z: this._result.z, a: this._result.a, ...this.state },
        bubbles: true,
        composed: true,
      }));
    }
  }

  private edit(change: Partial<State> | ((s: State) => Partial<State>)): void {
    const s = this.state;
    this._state = { ...s, ...(typeof change === 'function' ? change(s) : change) };
    this.publishState();
  }

  private setAt(field: 'inputs' | 'weights', i: number, event: Event): void {
    const v = Number((event.target as HTMLInputElement).value);
    this.edit((s) => ({ [field]: s[field].map((old, j) => (j === i ? v : old)) }));
  }

  override getSyncState(): unknown {
    return this.state;
  }

  override applySyncState(state: unknown): void {
    const s = state as State | null;
    if (s && Array.isArray(s.inputs) && Array.isArray(s.weights) && s.inputs.length === s.weights.length && ACTIVATIONS.includes(s.activation)) {
      this._state = { inputs: s.inputs.map(Number), weights: s.weights.map(Number), bias: Number(s.bias), activation: s.activation };
    }
  }

  private renderControls(s: State) {
    return html`<div class="grid" part="controls">
        <span class="head">input</span><span></span><span></span><span class="head">weight</span><span></span><span></span>
        ${s.inputs.map((x, i) => html`
          <span>x<sub>${i + 1}</sub></span>
          <input type="range" min=${-X_RANGE} max=${X_RANGE} step="0.1" .value=${String(x)} aria-label=${`input ${i + 1}`} @input=${(e: Event) => this.setAt('inputs', i, e)} />
          <span class="value">${fmt(x)}</span>
          <span>w<sub>${i + 1}</sub></span>
          <input type="range" min=${-W_RANGE} max=${W_RANGE} step="0.1" .value=${String(s.weights[i])} aria-label=${`weight ${i + 1}`} @input=${(e: Event) => this.setAt('weights', i, e)} />
          <span class="value">${fmt(s.weights[i])}</span>`)}
        <span>b</span>
        <input type="range" min=${-B_RANGE} max=${B_RANGE} step="0.1" .value=${String(s.bias)} aria-label="bias" @input=${(e: Event) => this.edit({ bias: Number((e.target as HTMLInputElement).value) })} />
        <span class="value">${fmt(s.bias)}</span>
      </div>
      <div class="buttons" role="group" aria-label="activation function">
        ${ACTIVATIONS.map((f) => html`<button aria-pressed=${String(s.activation === f)} @click=${() => this.edit({ activation: f })}>${SYMBOL[f]}</button>`)}
      </div>`;
  }

  private renderEquation(s: State, r: NeuronResult) {
    const terms = s.inputs.map((x, i) => `${paren(s.weights[i])}·${paren(x)}`).join(' + ');
    return html`<div class="equation" part="equation">
      <span class="z">z</span> = ${terms} + ${paren(s.bias)} = <span class="z">${fmt(r.z)}</span>
      &nbsp;→&nbsp; <span class="a">a</span> = ${SYMBOL[s.activation]}(${fmt(r.z)}) = <span class="a">${r.a.toFixed(3)}</span>
    </div>`;
  }

  protected override renderDemo() {
    const s = this.state;
    const r = this._result;
    const c = this._curve;
    const yDomain: [number, number] = s.activation === 'tanh' ? [-1, 1] : s.activation === 'sigmoid' ? [0, 1] : [0, Math.max(1, ...(c?.a ?? [1]))];
    return html`<div class="layout">
        <div>${this.renderControls(s)}</div>
        <div>${c && r
          ? lineChart({
              series: [
                { name: `a = ${SYMBOL[s.activation]}(z)`, points: c.z.map((z, i) => [z, c.a[i]] as const), color: palette.blue },
                // Dashed guides from both axes make the neuron's point easy to find from the back row.
                { name: 'this neuron', points: [[r.z, yDomain[0]], [r.z, r.a], [c.z[0], r.a]], color: palette.vermillion, dashed: true },
              ],
              // About the width the column gives it, so 17-unit chart text stays at least 16 px on screen.
              width: 480,
              height: 305,
              xDomain: [c.z[0], c.z[c.z.length - 1]],
              yDomain,
              xLabel: 'weighted sum z',
              yLabel: 'activation a',
              title: 'activation curve with the neuron’s point',
            })
          : nothing}</div>
      </div>
      ${r ? this.renderEquation(s, r) : nothing}`;
  }
}
