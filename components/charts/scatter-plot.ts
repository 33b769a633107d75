/**
 * Labelled points in 2-D (learned embeddings, word vectors, data points),
 * with an optional fixed domain so points move smoothly while training.
 */
import { html, svg, nothing, type TemplateResult } from 'lit';
import { scaleLinear } from 'd3-scale';
import { palette } from './colors.js';

export interface ScatterPoint {
  x: number;
  y: number;
  label?: string;
  color?: string;
  /** Drawn larger with a ring (e.g. the answer of an analogy). */
  highlight?: boolean;
}

export interface ScatterOptions {
  points: readonly ScatterPoint[];
  width?: number;
  height?: number;
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Arrows between point indices, e.g. a − b + c. */
  arrows?: readonly { from: [number, number]; to: [number, number]; color?: string; label?: string }[];
  onClick?: (x: number, y: number) => void;
  xLabel?: string;
  yLabel?: string;
  title?: string;
  radius?: number;
  labelSize?: number;
}

function padded(values: number[]): [number, number] {
  if (!values.length) return [-1, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo || 1) * 0.08;
  return [lo - pad, hi + pad];
}

export function scatterPlot(o: ScatterOptions): TemplateResult {
  const width = o.width ?? 560;
  const height = o.height ?? 420;
  const m = { top: 12, right: 16, bottom: o.xLabel ? 40 : 16, left: o.yLabel ? 40 : 16 };
  const x = scaleLinear().domain(o.xDomain ?? padded(o.points.map((p) => p.x))).range([m.left, width - m.right]);
  const y = scaleLinear().domain(o.yDomain ?? padded(o.points.map((p) => p.y))).range([height - m.bottom, m.top]);
  const r = o.radius ?? 6;
  // Never under 17 viewBox units (16 px or more down to 94 % of the plot's own width).
  const labelSize = Math.max(17, o.labelSize ?? 17);
  const click = (event: MouseEvent) => {
    if (!o.onClick) return;
    const target = event.currentTarget as SVGSVGElement;
    const box = target.getBoundingClientRect();
    const px = ((event.clientX - box.left) / box.width) * width;
    const py = ((event.clientY - box.top) / box.height) * height;
    o.onClick(x.invert(px), y.invert(py));
  };
  return html`<svg class="chart scatter" part="scatter" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label=${o.title ?? 'scatter plot'} @click=${click}>
    <defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M0,0L10,5L0,10z" fill="context-stroke"></path></marker></defs>
    <rect x=${m.left} y=${m.top} width=${width - m.left - m.right} height=${height - m.top - m.bottom} fill="none" stroke="currentColor" opacity="0.2"></rect>
    ${o.xLabel ? svg`<text x=${(width + m.left) / 2} y=${height - 10} text-anchor="middle" font-size="17" fill="currentColor">${o.xLabel}</text>` : nothing}
    ${o.yLabel ? svg`<text transform="translate(16, ${height / 2}) rotate(-90)" text-anchor="middle" font-size="17" fill="currentColor">${o.yLabel}</text>` : nothing}
    ${(o.arrows ?? []).map((a) => svg`<g class="arrow"><line x1=${x(a.from[0])} y1=${y(a.from[1])} x2=${x(a.to[0])} y2=${y(a.to[1])}
      stroke=${a.color ?? palette.orange} stroke-width="3" marker-end="url(#arrowhead)"></line>
      ${a.label ? svg`<text x=${(x(a.from[0]) + x(a.to[0])) / 2} y=${(y(a.from[1]) + y(a.to[1])) / 2 - 6} font-size="17" fill=${a.color ?? palette.orange}>${a.label}</text>` : nothing}</g>`)}
    ${o.points.map((p) => svg`<g class="point">
      <circle cx=${x(p.x)} cy=${y(p.y)} r=${p.highlight ? r * 1.6 : r} fill=${p.color ?? palette.blue} stroke=${p.highlight ? '#111' : 'white'} stroke-width=${p.highlight ? 3 : 1.5}></circle>
      ${p.label ? svg`<text x=${x(p.x) + r + 3} y=${y(p.y)} dy="0.35em" font-size=${labelSize} fill="currentColor">${p.label}</text>` : nothing}
    </g>`)}
  </svg>`;
}
