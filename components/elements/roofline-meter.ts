import { css, html, svg } from 'lit';
import { scaleLog } from 'd3-scale';
import { palette } from '../charts/colors.js';
import {
  attainable, batchSizes, decodeFloor, H100, intensity, ridgePoint, sweep, type Measurement,
} from '../models/roofline-meter.js';
import { formatBytes } from '../models/model-calculator.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  d: param.int({ fallback: 1024, min: 64, max: 2048 }),
  maxBatch: param.int({ fallback: 256, min: 1, max: 1024, attribute: 'max-batch' }),
  repeats: param.int({ fallback: 5, min: 1, max: 15 }),
  params: param.number({ fallback: 70, min: 0.1, max: 2000 }),
  bytes: param.number({ fallback: 2, min: 0.125, max: 4 }),
  bandwidth: param.number({ fallback: 3, min: 0.1, max: 20 }),
};

const BYTE_CHOICES = [
  { label: 'fp32', bytes: 4 },
  { label: 'bf16', bytes: 2 },
  { label: 'int8', bytes: 1 },
  { label: 'int4', bytes: 0.5 },
] as const;

/** Chart box in SVG units (laid out at about this many px). */
const W = 690;
const H = 350;
const M = { top: 14, right: 20, bottom: 54, left: 84 };
const X_DOMAIN: [number, number] = [0.1, 1000];
const Y_DOMAIN: [number, number] = [1e8, 1e16];

const SUP: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
const decade = (v: number) => `10${[...String(Math.round(Math.log10(v)))].map((c) => SUP[c] ?? c).join('')}`;

/** 2.1e9 → "2.1 GFLOP/s"; 989e12 → "989 TFLOP/s". */
export function formatFlopRate(v: number): string {
  const units: [number, string][] = [[1e15, 'PFLOP/s'], [1e12, 'TFLOP/s'], [1e9, 'GFLOP/s'], [1e6, 'MFLOP/s']];
  for (const [s, u] of units) {
    if (v >= s) {
      const x = v / s;
      return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)} ${u}`;
    }
  }
  return `${v.toFixed(0)} FLOP/s`;
}

const fmt = (v: number, digits = 1) => v.toFixed(digits);
const intensityText = (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(2));

export interface RooflineMeterChangeDetail {
  params: number;
  bytes: number;
  bandwidth: number;
  msPerToken: number;
  tokensPerSecond: number;
  points: Measurement[];
}

/**
 * `<roofline-meter>` — why decoding is bandwidth-bound (chapter 23), measured.
 *
 * Left: a roofline (Williams et al. 2009) on log–log axes, achieved FLOP/s
 * against arithmetic intensity (FLOPs per byte moved). Drawn at once: an
 * H100 SXM's roofline (989 TFLOP/s dense bf16, 3.35 TB/s, ridge ≈ 295
 * FLOP/byte) and, as hollow circles on it, where the products measured here
 * would sit on an H100 (theory). Then real TensorFlow.js products on the
 * page's backend (its name on screen): W (d × d, float32) times X (d × B)
 * for B = 1, 2, 4, … `max-batch` tokens, each timed as one warm-up and the
 * median of `repeats` samples, with a yield to the page between samples; the
 * filled diamonds appear one by one. FLOP/s = 2·d²·B / time, intensity =
 * 2·d²·B / (4·(d² + 2·d·B)) bytes: batch 1 is ½ FLOP/byte, far left on the
 * bandwidth slope; larger batches reuse each weight read and climb toward the
 * roof. A size is skipped (with the larger ones) when one product would take
 * over 40 ms (the page stays responsive) or after 3 s of measuring.
 *
 * Right: the decode floor ms/token ≥ weight bytes / memory bandwidth, for a
 * chosen size, precision and bandwidth (default 70 B in bf16 = 140 GB at
 * 3 TB/s: 46.7 ms, 21.4 tokens/s).
 *
 * Measuring starts when the demo's slide is first shown (not at deck load,
 * when other demos are busy). Print and still mode measure too (the figures are labelled with the
 * backend that measured them); the H100 roofline, its theory circles and the
 * calculator never depend on timing.
 *
 * @attr d - the weight matrix's side, 64 to 2048 (default 1024)
 * @attr max-batch - the largest batch B, 1 to 1024 (default 256; powers of 2 from 1)
 * @attr repeats - timed samples per size, 1 to 15 (default 5)
 * @attr params - the calculator's model size in billions of parameters, 0.1 to 2000 (default 70)
 * @attr bytes - bytes per weight, 0.125 to 4 (default 2 = bf16)
 * @attr bandwidth - memory bandwidth in TB/s, 0.1 to 20 (default 3)
 * @prop points - the measurements [{d, batch, seconds, flops, bytes, intensity, achieved}]; fastest - the one with most FLOP/s; measuring; stopped - {batch, reason} or null
 * @prop floor - {weightBytes, msPerToken, tokensPerSecond} of the calculator; ridge - the H100 ridge (FLOP/byte); measuredOn - the backend's name
 * @method measure() - measure again; setParams(billions); setBytes(b); setBandwidth(tbPerS)
 * @fires roofline-meter-change - detail {params, bytes, bandwidth, msPerToken, tokensPerSecond, points} after a user change or a finished measurement
 * @csspart chart - the roofline; calculator - the decode floor; controls - the measure button and status
 * @cssprop --demo-accent - buttons and sliders
 */
export class RooflineMeter extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 690fr) minmax(0, 470fr); gap: 0 1em; align-items: start; }
      svg.roofline { display: block; width: 100%; height: auto; }
      svg.roofline text { font-size: 17px; fill: currentColor; }
      .calc { font-size: max(16px, 0.85em); }
      .calc h3 { margin: 0 0 0.2em; font-size: 1em; }
      .calc label { display: flex; flex-wrap: wrap; gap: 0.2em 0.5em; margin: 0.15em 0; }
      .calc input[type='range'] { width: 11em; }
      .calc .bytes-row { display: flex; flex-wrap: wrap; gap: 0.3em; margin: 0.2em 0; }
      .calc button { min-height: 44px; min-width: 44px; }
      .floor { margin: 0.3em 0; padding: 0.3em 0.5em; border-left: 5px solid var(--accent); background: var(--surface); }
      .big { font-size: 1.25em; font-weight: 700; }
      .readout { margin: 0.1em 0; font-size: max(16px, 0.85em); }
      .controls button { min-height: 44px; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _points: { state: true },
    _measuring: { state: true },
    _calc: { state: true },
  };

  declare d: string | number | undefined;
  declare maxBatch: string | number | undefined;
  declare repeats: string | number | undefined;
  declare params: string | number | undefined;
  declare bytes: string | number | undefined;
  declare bandwidth: string | number | undefined;
  declare _points: Measurement[];
  declare _measuring: boolean;
  /** Calculator values set by the controls; null = the attributes. */
  declare _calc: { params: number; bytes: number; bandwidth: number } | null;

  private p!: ParamValues<typeof PARAMS>;
  private attrKey = '';
  private generation = 0;
  private _stopped: { batch: number; reason: string } | null = null;
  private _elapsed = 0;
  private _measured = false;

  constructor() {
    super();
    this._points = [];
    this._measuring = false;
    this._calc = null;
  }

  get points(): Measurement[] { return [...this._points]; }
  /** The measurement with the most FLOP/s. */
  get fastest(): Measurement | null { return this._points.reduce<Measurement | null>((b, m) => (!b || m.achieved > b.achieved ? m : b), null); }
  get measuring(): boolean { return this._measuring; }
  get stopped() { return this._stopped; }
  get measuredOn(): string | null { return this.backend; }
  get ridge(): number { return ridgePoint(H100.peakFlops, H100.bandwidth); }
  get calc() {
    const p = this.p ?? this.readParams(PARAMS);
    return this._calc ?? { params: p.params, bytes: p.bytes, bandwidth: p.bandwidth };
  }
  get floor() {
    const c = this.calc;
    return decodeFloor(c.params * 1e9, c.bytes, c.bandwidth * 1e12);
  }

  override willUpdate(): void {
    this.p = this.readParams(PARAMS);
    const key = JSON.stringify([this.p.d, this.p.maxBatch, this.p.repeats]);
    // Timing wants the machine to itself: measure once the slide is shown (or printed), not at deck load.
    if (key !== this.attrKey && (this.visible || this.still)) {
      this.attrKey = key;
      void this.measure(false);
    }
  }

  override updated(): void {
    if (this._measured && !this._measuring) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.generation++;
  }

  /** Measures every batch size again (the H100 roofline and the calculator stay on screen). */
  async measure(announce = true): Promise<void> {
    const gen = ++this.generation;
    this.markBusy();
    this._measured = false;
    this._measuring = true;
    this._points = [];
    this._stopped = null;
    await this.guard(async () => {
      await this.tf();
      await new Promise((r) => setTimeout(r, 0));
      if (gen !== this.generation) return;
      const result = await sweep(this.p.d, batchSizes(this.p.maxBatch), {
        repeats: this.p.repeats,
        onPoint: (m) => {
          if (gen !== this.generation) return false;
          this._points = [...this._points, m];
          return true;
        },
      });
      if (gen !== this.generation) return;
      this._stopped = result.stopped;
      this._elapsed = result.elapsedMs;
    });
    if (gen !== this.generation) return;
    this._measuring = false;
    this._measured = true;
    this.requestUpdate();
    if (announce) this.announce();
  }

  setParams(billions: number): void { this.setCalc({ params: billions }); }
  setBytes(b: number): void { this.setCalc({ bytes: b }); }
  setBandwidth(tb: number): void { this.setCalc({ bandwidth: tb }); }

  private setCalc(change: Partial<{ params: number; bytes: number; bandwidth: number }>): void {
    const next = { ...this.calc, ...change };
    if (!(next.params > 0 && next.bytes > 0 && next.bandwidth > 0) || ![next.params, next.bytes, next.bandwidth].every(Number.isFinite)) return;
    this._calc = next;
    this.publishState();
    this.announce();
  }

  private announce(): void {
    const c = this.calc;
    const f = this.floor;
    this.dispatchEvent(new CustomEvent<RooflineMeterChangeDetail>('roofline-meter-change', {
      detail: { ...c, msPerToken: f.msPerToken, tokensPerSecond: f.tokensPerSecond, points: this.points }, bubbles: true, composed: true,
    }));
  }

  override getSyncState(): unknown {
    return { calc: this._calc };
  }

  override applySyncState(state: unknown): void {
    const c = (state as { calc?: unknown } | null)?.calc;
    if (c === null) this._calc = null;
    else if (c && typeof c === 'object') {
      const { params, bytes, bandwidth } = c as Record<string, unknown>;
      if ([params, bytes, bandwidth].every((v) => typeof v === 'number' && v > 0 && Number.isFinite(v))) {
        this._calc = { params: params as number, bytes: bytes as number, bandwidth: bandwidth as number };
      }
    }
  }

  protected override renderDemo() {
    const pts = this._points;
    const first = pts[0];
    const last = pts.reduce<Measurement | undefined>((best, m) => (!best || m.achieved > best.achieved ? m : best), undefined);
    return html`
      <div class="layout">
        <div part="chart">${this.renderChart()}</div>
        <div part="calculator">${this.renderCalculator()}</div>
      </div>
      <div class="controls" part="controls">
        <button class="measure" @click=${() => void this.measure()} ?disabled=${this._measuring}>${this._measuring ? 'measuring…' : '↻ measure again'}</button>
        <span class="readout status">measured on <span class="value backend">${this.backend ?? '…'}</span>:
          W ${this.p.d}² float32 × X ${this.p.d} × B ·
          ${this._measuring ? html`B = ${pts.length ? 2 ** pts.length : 1}…` : html`${pts.length} sizes in ${fmt(this._elapsed / 1000)} s`}
          ${this._stopped && this._stopped.reason !== 'stopped' ? html` · B ≥ ${this._stopped.batch} skipped (${this._stopped.reason})` : ''}</span>
      </div>
      <div class="readout measured-line">${first && last && last.batch > first.batch
        ? html`B = 1: <span class="value b1-rate">${formatFlopRate(first.achieved)}</span> at ${intensityText(first.intensity)} FLOP/byte;
          fastest, B = ${last.batch}: <span class="value bmax-rate">${formatFlopRate(last.achieved)}</span> at ${intensityText(last.intensity)} FLOP/byte:
          <span class="value gain">${fmt(last.achieved / first.achieved)}×</span> the work per second.`
        : first ? html`B = 1: <span class="value b1-rate">${formatFlopRate(first.achieved)}</span> at ${intensityText(first.intensity)} FLOP/byte.`
          : html`Hollow circles: these products on an H100 (theory); measured diamonds appear as each size is timed.`}</div>`;
  }

  private renderChart() {
    const x = scaleLog().domain(X_DOMAIN).range([M.left, W - M.right]);
    const y = scaleLog().domain(Y_DOMAIN).range([H - M.bottom, M.top]);
    const ridge = this.ridge;
    const roof = [X_DOMAIN[0], ridge, X_DOMAIN[1]].map((i) => [x(i), y(attainable(i, H100.peakFlops, H100.bandwidth))]);
    const batches = batchSizes(this.p.maxBatch);
    const theory = batches.map((b) => ({ b, i: intensity(this.p.d, b) }));
    const shown = this._points;
    const label = (b: number) => b === 1 || (b === shown.at(-1)?.batch && b > 1);

    const clampY = (v: number) => Math.min(Y_DOMAIN[1], Math.max(Y_DOMAIN[0], v));
    return svg`<svg class="roofline" viewBox="0 0 ${W} ${H}" role="img" aria-label="roofline: achieved FLOP per second against FLOPs per byte, H100 roofline and measured products">
      <g class="axis">
        ${[0.1, 1, 10, 100, 1000].map((t) => svg`<line x1=${x(t)} x2=${x(t)} y1=${M.top} y2=${H - M.bottom} stroke="currentColor" opacity="0.12"></line>
          <text x=${x(t)} y=${H - M.bottom + 24} text-anchor="middle">${t >= 1 ? t : '0.1'}</text>`)}
        ${[1e8, 1e10, 1e12, 1e14, 1e16].map((t) => svg`<line x1=${M.left} x2=${W - M.right} y1=${y(t)} y2=${y(t)} stroke="currentColor" opacity="0.12"></line>
          <text x=${M.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${decade(t)}</text>`)}
        <path d="M${M.left},${M.top}V${H - M.bottom}H${W - M.right}" fill="none" stroke="currentColor" opacity="0.6"></path>
        <text x=${(M.left + W - M.right) / 2} y=${H - 6} text-anchor="middle">arithmetic intensity (FLOPs per byte moved)</text>
        <text transform="translate(18, ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">achieved FLOP/s</text>
      </g>
      <path class="h100-roof" d="M${roof.map((p) => p.join(',')).join('L')}" fill="none" stroke=${palette.blue} stroke-width="4"></path>
      <line class="ridge" x1=${x(ridge)} x2=${x(ridge)} y1=${y(H100.peakFlops)} y2=${H - M.bottom} stroke=${palette.blue} stroke-width="2" stroke-dasharray="6 5"></line>
      <text x=${x(ridge) - 8} y=${y(H100.peakFlops) - 10} text-anchor="end" fill=${palette.blue}>H100: 989 TFLOP/s roof</text>
      <text x=${x(ridge) + 6} y=${H - M.bottom - 30} text-anchor="start" fill=${palette.blue}>ridge</text>
      <text x=${x(ridge) + 6} y=${H - M.bottom - 10} text-anchor="start" fill=${palette.blue}>${ridge.toFixed(0)}</text>
      <text x=${x(2)} y=${y(attainable(2, H100.peakFlops, H100.bandwidth)) - 14} text-anchor="start" fill=${palette.blue}
        transform="rotate(-15 ${x(2)} ${y(attainable(2, H100.peakFlops, H100.bandwidth)) - 14})">3.35 TB/s slope</text>
      ${theory.map((t) => svg`<circle class="theory" cx=${x(t.i)} cy=${y(attainable(t.i, H100.peakFlops, H100.bandwidth))} r="7" fill="none" stroke=${palette.blue} stroke-width="2.5"></circle>`)}
      ${theory.filter((t) => t.b === 1 || t.b === batches.at(-1)).map((t) => svg`<text x=${x(t.i) + 10} y=${y(attainable(t.i, H100.peakFlops, H100.bandwidth)) + 28}
        text-anchor="start" fill=${palette.blue}>B = ${t.b}</text>`)}
      ${shown.map((m) => {
        const cx = x(m.intensity);
        const cy = y(clampY(m.achieved));
        return svg`<g class="measured" data-batch=${m.batch}><rect x=${cx - 8} y=${cy - 8} width="16" height="16" fill=${palette.vermillion}
          transform="rotate(45 ${cx} ${cy})"></rect>
          ${label(m.batch) ? svg`<text x=${cx + (m.batch === 1 ? -10 : 12)} y=${cy + (m.batch === 1 ? 32 : -14)} text-anchor=${m.batch === 1 ? 'start' : 'start'} fill=${palette.vermillion} font-weight="700">B = ${m.batch}</text>` : ''}</g>`;
      })}
      <g class="legend" transform="translate(${M.left + 12}, ${M.top + 18})">
        <circle cx="8" cy="-6" r="7" fill="none" stroke=${palette.blue} stroke-width="2.5"></circle>
        <text x="24" y="0">on an H100 (theory)</text>
        <rect x="1" y="16" width="14" height="14" fill=${palette.vermillion} transform="rotate(45 8 23)"></rect>
        <text x="24" y="29">measured here (${this.backend ?? '…'})</text>
      </g>
    </svg>`;
  }

  private renderCalculator() {
    const c = this.calc;
    const f = this.floor;
    const ridge = this.ridge;
    const batch1 = 2 / c.bytes; // FLOPs per byte of weights at batch 1
    return html`<div class="calc">
      <h3>Decode floor at batch 1: ms/token ≥ weight bytes ÷ bandwidth</h3>
      <label>model <span class="value params">${c.params >= 10 ? c.params.toFixed(0) : c.params.toFixed(1)} B</span> parameters
        <input class="params" type="range" min="1" max="500" step="1" .value=${String(Math.round(c.params))} aria-label="model size in billions of parameters"
          @input=${(e: Event) => this.setParams(Number((e.target as HTMLInputElement).value))} /></label>
      <div class="bytes-row" role="group" aria-label="bytes per weight">
        ${BYTE_CHOICES.map((b) => html`<button class="bytes" aria-pressed=${c.bytes === b.bytes ? 'true' : 'false'} @click=${() => this.setBytes(b.bytes)}>${b.label}</button>`)}
      </div>
      <label>bandwidth <span class="value bandwidth">${c.bandwidth.toFixed(2)} TB/s</span>
        <input class="bandwidth" type="range" min="0.5" max="8" step="0.05" .value=${String(c.bandwidth)} aria-label="memory bandwidth in TB/s"
          @input=${(e: Event) => this.setBandwidth(Number((e.target as HTMLInputElement).value))} /></label>
      <div class="floor">
        <span class="value weights">${formatBytes(f.weightBytes)}</span> ÷ ${c.bandwidth.toFixed(2)} TB/s =
        <span class="big value ms">${f.msPerToken.toFixed(1)} ms</span> per token,
        at most <span class="big value tps">${f.tokensPerSecond.toFixed(1)}</span> tokens/s
      </div>
      <div class="readout">H100 SXM: 989 TFLOP/s ÷ 3.35 TB/s = ridge <span class="value ridge">${ridge.toFixed(0)}</span> FLOP/byte.
        Batch-1 decode does ${batch1 >= 10 ? batch1.toFixed(0) : batch1.toFixed(batch1 < 1 ? 2 : 0)} FLOP/byte of weights: under
        ${((100 * attainable(batch1, H100.peakFlops, H100.bandwidth)) / H100.peakFlops).toFixed(1)} % of the roof.</div>
    </div>`;
  }
}
