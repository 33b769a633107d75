import { css, html, svg, nothing } from 'lit';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { palette } from '../charts/colors.js';
import { lossAt, lossCurve, perplexity, uniformLoss, type LogBase } from '../models/cross-entropy.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const P_MIN = 0.001;

const PARAMS = {
  p: param.number({ fallback: 0.5, min: P_MIN, max: 1 }),
  marks: param.numbers({ fallback: [0.95, 0.5, 0.01], minLength: 0, maxLength: 8, min: P_MIN, max: 1 }),
  vocabSize: param.int({ fallback: 27, min: 0, max: 1_000_000, attribute: 'vocab-size' }),
  base: param.oneOf(['e', '2'] as const, 'e'),
};

/** Chart geometry (SVG user units; the SVG scales to its box). */
const W = 720;
const H = 400;
const M = { top: 16, right: 20, bottom: 58, left: 74 };

interface Computed {
  key: string;
  loss: number;
  markLosses: number[];
}

/**
 * `<cross-entropy>` — the loss of one prediction, −log P(correct token).
 *
 * Drag P(correct) (slider, the curve itself, or the mark buttons) and watch the
 * point slide along −log p; the lecture's points (0.95, 0.5, 0.01 by default)
 * are marked, and a dashed line shows log V, the loss of guessing uniformly
 * over the vocabulary. Losses are computed with TensorFlow.js.
 *
 * @attr p - starting probability of the correct token, 0.001 to 1 (default 0.5)
 * @attr marks - probabilities to mark on the curve (default "0.95, 0.5, 0.01")
 * @attr vocab-size - vocabulary size for the uniform-guess line (default 27; 0 hides it)
 * @attr base - "e" (nats, default) or "2" (bits)
 * @prop probability - number: the P(correct) shown
 * @prop loss - number: −log of it
 * @prop markLosses - number[]: −log of each mark
 * @method setProbability(p) - moves the point
 * @fires cross-entropy-change - detail {probability, loss} after a user change
 * @csspart frame - the box; chart - the curve; readout - the numbers beside it
 * @cssprop --demo-accent - curve colour; --demo-accent-2 - current point
 */
export class CrossEntropy extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 1.7fr) minmax(0, 1fr); gap: 0.6em 1.2em; align-items: start; }
      svg.chart { touch-action: none; cursor: crosshair; }
      .readout { font-size: 1.05em; display: grid; gap: 0.35em; }
      .big { font-size: 1.45em; font-weight: 700; }
      .marks { display: flex; flex-wrap: wrap; gap: 0.35em; }
      .marks button { font-size: 0.85em; }
      input[type='range'] { width: 100%; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _p: { state: true },
    _computed: { state: true },
    _curve: { state: true },
  };

  declare p: string | number | undefined;
  declare marks: string | number[] | undefined;
  declare vocabSize: string | number | undefined;
  declare base: string | undefined;
  declare _p: number | null;
  declare _computed: Computed | null;
  declare _curve: { base: LogBase; points: { p: number; loss: number }[] } | null;

  private params!: ParamValues<typeof PARAMS>;
  private wantedKey = '';

  constructor() {
    super();
    this._p = null;
    this._computed = null;
    this._curve = null;
  }

  get probability(): number {
    return this._p ?? this.params?.p ?? 0.5;
  }

  get loss(): number | null {
    return this._computed?.key === this.wantedKey ? this._computed.loss : null;
  }

  get markLosses(): number[] {
    return this._computed?.markLosses ?? [];
  }

  setProbability(p: number): void {
    if (!(p >= P_MIN && p <= 1)) throw new Error(`setProbability: p must be from ${P_MIN} to 1, got ${p}`);
    this._p = p;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.params = this.readParams(PARAMS);
    if (changed.has('p')) this._p = null;
    const { marks, base } = this.params;
    const key = JSON.stringify([this.probability, marks, base]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.compute(key, this.probability, marks, base));
    }
  }

  private async compute(key: string, p: number, marks: number[], base: LogBase): Promise<void> {
    await this.tf();
    if (this._curve?.base !== base) this._curve = { base, points: await lossCurve(240, P_MIN, base) };
    const [loss, ...markLosses] = await lossAt([p, ...marks], base);
    if (key !== this.wantedKey) return; // superseded by a newer input
    this._computed = { key, loss, markLosses };
  }

  override updated(): void {
    if (this._computed?.key === this.wantedKey && this._curve) this.markReady();
  }

  private userSet(p: number): void {
    this._p = Math.min(1, Math.max(P_MIN, p));
    this.publishState();
    this.dispatchEvent(new CustomEvent('cross-entropy-change', {
      detail: { probability: this._p, loss: this.loss },
      bubbles: true,
      composed: true,
    }));
  }

  override getSyncState(): unknown {
    return { p: this.probability };
  }

  override applySyncState(state: unknown): void {
    const p = (state as { p?: unknown } | null)?.p;
    if (typeof p === 'number' && p >= P_MIN && p <= 1) this._p = p;
  }

  private scales() {
    const { base, vocabSize } = this.params;
    // Tall enough for the curve's left end, −log P_MIN = log(1/P_MIN), and for the uniform line.
    const top = Math.max(uniformLoss(Math.round(1 / P_MIN), base), vocabSize > 0 ? uniformLoss(vocabSize, base) : 0);
    const x = scaleLinear().domain([0, 1]).range([M.left, W - M.right]);
    const y = scaleLinear().domain([0, top]).range([H - M.bottom, M.top]).nice();
    return { x, y };
  }

  /** Pointer on the chart → probability under it (drag to move the point). */
  private onPointer(event: PointerEvent): void {
    if (event.type === 'pointermove' && event.buttons === 0) return;
    const el = event.currentTarget as SVGSVGElement;
    const ctm = el.getScreenCTM();
    if (!ctm) return;
    const pt = new DOMPoint(event.clientX, event.clientY).matrixTransform(ctm.inverse());
    if (event.type === 'pointerdown') el.setPointerCapture?.(event.pointerId);
    this.userSet(Math.round(this.scales().x.invert(pt.x) * 1000) / 1000);
  }

  private renderChart() {
    const { x, y } = this.scales();
    const { base, vocabSize, marks } = this.params;
    const unit = base === 'e' ? 'nats' : 'bits';
    const ln = base === 'e' ? 'ln' : 'log₂';
    const path = line<{ p: number; loss: number }>().x((d) => x(d.p)).y((d) => y(d.loss));
    const p = this.probability;
    const loss = this.loss;
    const baseline = vocabSize > 0 ? uniformLoss(vocabSize, base) : null;
    return html`<svg class="chart" part="chart" viewBox="0 0 ${W} ${H}" width="100%" role="img"
        aria-label="loss −log p against the probability of the correct token"
        @pointerdown=${this.onPointer} @pointermove=${this.onPointer}>
      <g class="axis">
        ${x.ticks(5).map((t) => svg`<line x1=${x(t)} x2=${x(t)} y1=${H - M.bottom} y2=${H - M.bottom + 6}></line>
          <text x=${x(t)} y=${H - M.bottom + 24} text-anchor="middle" font-size="18">${t}</text>`)}
        ${y.ticks(6).map((t) => svg`<line x1=${M.left} x2=${W - M.right} y1=${y(t)} y2=${y(t)} opacity="0.15"></line>
          <text x=${M.left - 10} y=${y(t)} dy="0.35em" text-anchor="end" font-size="18">${t}</text>`)}
        <path d="M${M.left},${M.top}V${H - M.bottom}H${W - M.right}" fill="none"></path>
        <text x=${(M.left + W - M.right) / 2} y=${H - 10} text-anchor="middle" font-size="19">P(correct token)</text>
        <text transform="translate(22, ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="19">loss = −${ln} p (${unit})</text>
      </g>
      ${baseline !== null
        ? svg`<line x1=${M.left} x2=${W - M.right} y1=${y(baseline)} y2=${y(baseline)} stroke=${palette.vermillion} stroke-width="2" stroke-dasharray="7 5"></line>
          <text x=${W - M.right} y=${y(baseline) - 8} text-anchor="end" font-size="18" fill=${palette.vermillion}>uniform guess over ${vocabSize}: ${ln} ${vocabSize} = ${baseline.toFixed(2)}</text>`
        : nothing}
      <path d=${this._curve ? path(this._curve.points) ?? '' : ''} fill="none" stroke=${palette.blue} stroke-width="4"></path>
      ${marks.map((m, i) => {
        const l = this.markLosses[i];
        if (l === undefined) return nothing;
        return svg`<g class="mark"><circle cx=${x(m)} cy=${y(l)} r="7" fill=${palette.green} stroke="white" stroke-width="2"></circle>
          <text x=${x(m) + (m > 0.8 ? -12 : 12)} y=${y(l) - 12} text-anchor=${m > 0.8 ? 'end' : 'start'} font-size="18" font-weight="600">${m} → ${l.toFixed(2)}</text></g>`;
      })}
      ${loss !== null
        ? svg`<g class="current">
          <line x1=${x(p)} x2=${x(p)} y1=${y(loss)} y2=${H - M.bottom} stroke=${palette.orange} stroke-width="2" stroke-dasharray="4 4"></line>
          <line x1=${M.left} x2=${x(p)} y1=${y(loss)} y2=${y(loss)} stroke=${palette.orange} stroke-width="2" stroke-dasharray="4 4"></line>
          <circle cx=${x(p)} cy=${y(loss)} r="11" fill=${palette.orange} stroke="#111" stroke-width="2"></circle></g>`
        : nothing}
    </svg>`;
  }

  protected override renderDemo() {
    const { base, marks } = this.params;
    const p = this.probability;
    const loss = this.loss;
    const ln = base === 'e' ? 'ln' : 'log₂';
    const unit = base === 'e' ? 'nats' : 'bits';
    return html`<div class="layout">
      ${this.renderChart()}
      <div class="readout" part="readout">
        <label>P(correct) <input type="range" min="0.01" max="1" step="0.01" .value=${String(p)} @input=${(e: Event) => this.userSet(Number((e.target as HTMLInputElement).value))} aria-label="probability of the correct token" /></label>
        <div class="big">p = <span class="value">${p.toFixed(p < 0.01 ? 3 : 2)}</span></div>
        <div class="big">loss = <span class="value">${loss === null ? '…' : loss.toFixed(2)}</span> <span class="muted">${unit}</span></div>
        <div class="muted">−${ln} ${p.toFixed(p < 0.01 ? 3 : 2)}; perplexity 1/p = <span class="value">${perplexity(p) < 100 ? perplexity(p).toFixed(1) : Math.round(perplexity(p))}</span>:
          as unsure as a fair pick among that many tokens</div>
        ${marks.length
          ? html`<div class="marks">${marks.map((m) => html`<button @click=${() => this.userSet(m)} aria-pressed=${m === p ? 'true' : 'false'}>p = ${m}</button>`)}</div>`
          : nothing}
      </div>
    </div>`;
  }
}
