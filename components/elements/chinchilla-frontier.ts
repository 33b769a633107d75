import { css, html, svg } from 'lit';
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { palette } from '../charts/colors.js';
import {
  isoFlopCurve, isoFlopLoss, KNOWN_MODELS, optimum, parametricLoss, TABLE3, trainingFlops, type Optimum,
} from '../models/chinchilla-frontier.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  compute: param.number({ fallback: TABLE3.flops, min: 1e19, max: 1e26 }),
};

/** Slider range, log10 FLOPs. */
const LOG_C: [number, number] = [19, 26];
/** Both plots: N on a log axis over these decades. */
const N_DOMAIN: [number, number] = [1e8, 1e13];
const D_DOMAIN: [number, number] = [1e9, 1e14];
/** Plot boxes in SVG units, drawn at about this many px at the harness/slide width. */
const W = 560;
const H = 330;
const M = { top: 12, right: 30, bottom: 50, left: 76 };

const SUP: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
/** 5.76e23 → "5.76·10²³". */
export function formatFlops(c: number): string {
  const e = Math.floor(Math.log10(c) + 1e-9);
  const m = c / 10 ** e;
  return `${m.toFixed(2)}·10${[...String(e)].map((ch) => SUP[ch] ?? ch).join('')}`;
}
/** 175e9 → "175 B", 1.5e12 → "1.5 T", 3.2e7 → "32 M". */
export function formatCount(n: number): string {
  const [d, s] = n >= 1e12 ? [1e12, 'T'] : n >= 1e9 ? [1e9, 'B'] : [1e6, 'M'];
  const v = n / d;
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1).replace(/\.0$/, '') : v.toFixed(2).replace(/0$/, '').replace(/\.0$/, '')} ${s}`;
}
const decade = (v: number) => `10${[...String(Math.round(Math.log10(v)))].map((ch) => SUP[ch] ?? ch).join('')}`;

const PRESETS = [
  { label: 'GPT-3', flops: trainingFlops(175e9, 300e9) },
  { label: 'Gopher / Chinchilla', flops: TABLE3.flops },
  { label: 'Llama-3 70B', flops: trainingFlops(70e9, 15e12) },
] as const;

/** Label placement for each model in the N–D plane (dx, dy, anchor). */
const LABEL_AT: Record<string, [number, number, 'start' | 'end']> = {
  'GPT-3': [-10, 22, 'end'],
  Gopher: [10, 24, 'start'],
  Chinchilla: [10, 18, 'start'],
  'Llama-3 70B': [10, 6, 'start'],
};

export interface ChinchillaFrontierChangeDetail {
  flops: number;
  optimum: Optimum;
}

/**
 * `<chinchilla-frontier>` — how to split a compute budget C between
 * parameters N and training tokens D (Hoffmann et al. 2022).
 *
 * Left: the IsoFLOP curve, the loss of every split N, D = C/(6N), from the
 * paper's parametric fit L(N, D) = E + A/N^α + B/D^β (E = 1.69, A = 406.4,
 * B = 410.7, α = 0.34, β = 0.28), with its minimum marked. Right: the N–D
 * plane on log axes: the budget's iso-compute line, the fit's compute-optimal
 * frontier for every budget, the fit's optimum and Table 3's 67 B / 1.5 T at
 * 5.76·10²³ FLOPs, and GPT-3, Gopher, Chinchilla and Llama-3 70B placed by
 * their N and D. A slider (log scale) and three buttons set the budget; a
 * table lists each model's C = 6ND, tokens per parameter and fitted loss.
 * The readout states that the paper's three methods disagree: at Gopher's
 * budget Table 3 (Approach 1) says 67 B, the parametric fit (Approach 3) 32 B.
 *
 * Plain TypeScript math, no tensors: a few float64 scalar formulas (see
 * `models/chinchilla-frontier.ts`); TensorFlow.js would add only overhead.
 * The first screen and print state is the budget `compute` (default:
 * Gopher's and Chinchilla's 5.76·10²³ FLOPs).
 *
 * @attr compute - the budget in FLOPs, 1e19 to 1e26 (default 5.76e23)
 * @prop flops - the budget shown now; optimum - {params, tokens, loss, tokensPerParam} of the fit at it
 * @prop models - [{name, params, tokens, flops, tokensPerParam, loss}] for the four placed models
 * @method setFlops(c) - sets the budget (clamped to the slider's 1e19 … 1e26)
 * @fires chinchilla-frontier-change - detail {flops, optimum} after a user change
 * @csspart isoflop - the loss curve; plane - the N–D plane; controls - slider and buttons; table - the models
 * @cssprop --demo-accent - buttons and slider
 */
export class ChinchillaFrontier extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .plots { display: grid; grid-template-columns: 1fr 1fr; gap: 0 0.8em; }
      svg.plot { display: block; width: 100%; height: auto; }
      svg.plot text { font-size: 18px; fill: currentColor; }
      svg.plot .axis line, svg.plot .axis path { stroke: currentColor; }
      svg.plot .grid { stroke: currentColor; opacity: 0.12; }
      .controls input[type='range'] { width: 14em; }
      .readout { margin: 0.1em 0; font-size: max(16px, 0.85em); }
      .legend { display: flex; flex-wrap: wrap; gap: 0 1.2em; }
      .budget-key { color: #0072b2; } .frontier-key { color: #007a5a; } .opt-key { color: #d55e00; } .t3-key { color: #a86f00; }
      .disagree { color: var(--bad); font-weight: 600; }
      table { border-collapse: collapse; font-size: max(16px, 0.8em); font-variant-numeric: tabular-nums; }
      th, td { padding: 0.05em 0.7em; text-align: right; }
      th:first-child, td:first-child { text-align: left; }
      th { font-weight: 600; border-bottom: 2px solid var(--border); }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _logC: { state: true },
  };

  declare compute: string | number | undefined;
  /** log10 of the budget set by the slider; null = the attribute. */
  declare _logC: number | null;

  private p!: ParamValues<typeof PARAMS>;

  constructor() {
    super();
    this._logC = null;
  }

  get flops(): number {
    const p = this.p ?? this.readParams(PARAMS);
    return this._logC === null ? p.compute : 10 ** this._logC;
  }

  get optimum(): Optimum {
    return optimum(this.flops);
  }

  get models() {
    return KNOWN_MODELS.map((m) => ({
      name: m.name, params: m.params, tokens: m.tokens, flops: trainingFlops(m.params, m.tokens),
      tokensPerParam: m.tokens / m.params, loss: parametricLoss(m.params, m.tokens),
    }));
  }

  setFlops(c: number): void {
    if (!Number.isFinite(c) || c <= 0) return;
    this._logC = Math.min(LOG_C[1], Math.max(LOG_C[0], Math.log10(c)));
    this.publishState();
    this.dispatchEvent(new CustomEvent<ChinchillaFrontierChangeDetail>('chinchilla-frontier-change', {
      detail: { flops: this.flops, optimum: this.optimum }, bubbles: true, composed: true,
    }));
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('compute')) this._logC = null;
  }

  override updated(): void {
    this.markReady();
  }

  override getSyncState(): unknown {
    return { logC: this._logC };
  }

  override applySyncState(state: unknown): void {
    const v = (state as { logC?: unknown } | null)?.logC;
    if (v === null || (typeof v === 'number' && v >= LOG_C[0] && v <= LOG_C[1])) this._logC = v as number | null;
  }

  protected override renderDemo() {
    const C = this.flops;
    const opt = this.optimum;
    const t3 = isoFlopLoss(TABLE3.flops, TABLE3.params);
    return html`
      <div class="plots">
        <div part="isoflop">${this.renderIsoFlop(C, opt)}</div>
        <div part="plane">${this.renderPlane(C, opt)}</div>
      </div>
      <div class="controls" part="controls">
        <label>budget C = <span class="value flops">${formatFlops(C)}</span> FLOPs
          <input type="range" min=${LOG_C[0]} max=${LOG_C[1]} step="0.01" .value=${String(Math.log10(C))} aria-label="compute budget (log10 FLOPs)"
            @input=${(e: Event) => this.setFlops(10 ** Number((e.target as HTMLInputElement).value))} /></label>
        ${PRESETS.map((pr) => html`<button class="preset" aria-pressed=${Math.abs(Math.log10(C / pr.flops)) < 0.005 ? 'true' : 'false'}
          @click=${() => this.setFlops(pr.flops)}>${pr.label}</button>`)}
      </div>
      <div class="legend readout"><span class="key budget-key">━ D = C/6N at this budget</span>
        <span class="key frontier-key">╍ the fit's optimum for every C</span>
        <span class="key opt-key">○ fit optimum</span> <span class="key t3-key">◆ Table 3</span> <span class="key">● models</span></div>
      <div class="readout optimum-line">Fit optimum: <span class="value opt-params">${formatCount(opt.params)}</span> parameters on
        <span class="value opt-tokens">${formatCount(opt.tokens)}</span> tokens (${opt.tokensPerParam.toFixed(0)} per parameter), loss
        <span class="value">${opt.loss.toFixed(3)}</span>.</div>
      <div class="readout table3">Table 3 at ${formatFlops(TABLE3.flops)}: <span class="value">67 B</span> on <span class="value">1.5 T</span> (loss by the fit ${t3.toFixed(3)});
        the fit there: ${formatCount(optimum(TABLE3.flops).params)} on ${formatCount(optimum(TABLE3.flops).tokens)}.
        <span class="disagree">The paper's three methods disagree.</span></div>
      <table part="table">
        <thead><tr><th>model</th><th>N</th><th>D</th><th>C = 6ND</th><th>tokens/param</th><th>fit loss</th></tr></thead>
        <tbody>${this.models.map((m) => html`<tr data-model=${m.name}><td>${m.name}</td><td>${formatCount(m.params)}</td><td>${formatCount(m.tokens)}</td>
          <td>${formatFlops(m.flops)}</td><td>${m.tokensPerParam.toFixed(m.tokensPerParam < 10 ? 1 : 0)}</td><td>${m.loss.toFixed(3)}</td></tr>`)}</tbody>
      </table>`;
  }

  private renderIsoFlop(C: number, opt: Optimum) {
    const curve = isoFlopCurve(C, N_DOMAIN[0], N_DOMAIN[1]);
    const yMin = opt.loss - 0.04;
    const yMax = opt.loss + 0.5;
    const x = scaleLog().domain(N_DOMAIN).range([M.left, W - M.right]);
    const y = scaleLinear().domain([yMin, yMax]).range([H - M.bottom, M.top]);
    const path = line<[number, number]>().x((p) => x(p[0])).y((p) => y(Math.min(yMax + 1, p[1])));
    const yTicks = y.ticks(5);
    const ox = x(opt.params);
    const oy = y(opt.loss);
    const t3x = x(TABLE3.params);
    const t3y = y(isoFlopLoss(C, TABLE3.params));
    const labelRight = ox < W / 2;
    return html`<svg class="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="loss of every split of the budget between parameters and tokens">
      <defs><clipPath id="iso-area"><rect x=${M.left} y=${M.top} width=${W - M.left - M.right} height=${H - M.top - M.bottom}></rect></clipPath></defs>
      <g class="axis">
        ${[1e8, 1e9, 1e10, 1e11, 1e12, 1e13].map((t) => svg`<line class="grid" x1=${x(t)} x2=${x(t)} y1=${M.top} y2=${H - M.bottom}></line>
          <text x=${x(t)} y=${H - M.bottom + 22} text-anchor="middle">${decade(t)}</text>`)}
        ${yTicks.map((t) => svg`<line class="grid" x1=${M.left} x2=${W - M.right} y1=${y(t)} y2=${y(t)}></line>
          <text x=${M.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${t.toFixed(2)}</text>`)}
        <path d="M${M.left},${M.top}V${H - M.bottom}H${W - M.right}" fill="none"></path>
        <text x=${(M.left + W - M.right) / 2} y=${H - 4} text-anchor="middle">parameters N (tokens D = C/6N)</text>
        <text transform="translate(18, ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">loss L(N, D) (nats)</text>
      </g>
      <g clip-path="url(#iso-area)">
        <path class="isoflop" d=${path(curve) ?? ''} fill="none" stroke=${palette.blue} stroke-width="3.5"></path>
        <line x1=${t3x} x2=${t3x} y1=${M.top} y2=${H - M.bottom} stroke=${palette.orange} stroke-width="2.5" stroke-dasharray="7 5"></line>
        <circle cx=${t3x} cy=${t3y} r="6" fill=${palette.orange}></circle>
        <circle class="optimum" cx=${ox} cy=${oy} r="8" fill="white" stroke=${palette.vermillion} stroke-width="4"></circle>
      </g>
      <text x=${labelRight ? ox + 14 : ox - 14} y=${oy - 16} text-anchor=${labelRight ? 'start' : 'end'} fill=${palette.vermillion}>fit optimum ${formatCount(opt.params)}</text>
      <text x=${t3x + 8} y=${M.top + 18} fill="#a86f00">67 B (Table 3)</text>
    </svg>`;
  }

  private renderPlane(C: number, opt: Optimum) {
    const x = scaleLog().domain(N_DOMAIN).range([M.left, W - M.right]);
    const y = scaleLog().domain(D_DOMAIN).range([H - M.bottom, M.top]);
    const pts = (f: (n: number) => number) => Array.from({ length: 61 }, (_, i) => {
      const n = 10 ** (8 + (5 * i) / 60);
      return [n, f(n)] as [number, number];
    });
    const path = line<[number, number]>().x((p) => x(p[0])).y((p) => y(p[1]));
    const frontier = Array.from({ length: 81 }, (_, i) => {
      const o = optimum(10 ** (17 + (10 * i) / 80));
      return [o.params, o.tokens] as [number, number];
    });
    return html`<svg class="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="parameters against training tokens: the budget's line, the fit's frontier and four models">
      <defs><clipPath id="plane-area"><rect x=${M.left} y=${M.top} width=${W - M.left - M.right} height=${H - M.top - M.bottom}></rect></clipPath></defs>
      <g class="axis">
        ${[1e8, 1e9, 1e10, 1e11, 1e12, 1e13].map((t) => svg`<line class="grid" x1=${x(t)} x2=${x(t)} y1=${M.top} y2=${H - M.bottom}></line>
          <text x=${x(t)} y=${H - M.bottom + 22} text-anchor="middle">${decade(t)}</text>`)}
        ${[1e9, 1e10, 1e11, 1e12, 1e13, 1e14].map((t) => svg`<line class="grid" x1=${M.left} x2=${W - M.right} y1=${y(t)} y2=${y(t)}></line>
          <text x=${M.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${decade(t)}</text>`)}
        <path d="M${M.left},${M.top}V${H - M.bottom}H${W - M.right}" fill="none"></path>
        <text x=${(M.left + W - M.right) / 2} y=${H - 4} text-anchor="middle">parameters N</text>
        <text transform="translate(18, ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">training tokens D</text>
      </g>
      <g clip-path="url(#plane-area)">
        <path class="frontier" d=${path(frontier) ?? ''} fill="none" stroke=${palette.green} stroke-width="3" stroke-dasharray="9 5"></path>
        <path class="budget" d=${path(pts((n) => C / (6 * n))) ?? ''} fill="none" stroke=${palette.blue} stroke-width="3.5"></path>
        <circle cx=${x(opt.params)} cy=${y(opt.tokens)} r="8" fill="white" stroke=${palette.vermillion} stroke-width="4"></circle>
        <rect x=${x(TABLE3.params) - 9} y=${y(TABLE3.tokens) - 9} width="18" height="18" fill=${palette.orange} transform="rotate(45 ${x(TABLE3.params)} ${y(TABLE3.tokens)})"></rect>
        ${KNOWN_MODELS.map((m) => {
          const [dx, dy, anchor] = LABEL_AT[m.name] ?? [10, 6, 'start'];
          return svg`<g class="model" data-model=${m.name}><circle cx=${x(m.params)} cy=${y(m.tokens)} r="6" fill=${palette.black}></circle>
            <text x=${x(m.params) + dx} y=${y(m.tokens) + dy} text-anchor=${anchor}>${m.name}</text></g>`;
        })}
      </g>
    </svg>`;
  }
}
