/**
 * Line chart for curves that grow while a demo runs (loss curves, epidemic
 * curves), with optional data points drawn as dots (e.g. observed cases).
 */
import { html, svg, nothing, type TemplateResult } from 'lit';
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { series as seriesColors } from './colors.js';

export interface LineSeries {
  name: string;
  points: readonly (readonly [number, number])[];
  color?: string;
  /** 'line' (default) or 'dots'. */
  style?: 'line' | 'dots';
  dashed?: boolean;
}

export interface LineChartOptions {
  series: readonly LineSeries[];
  width?: number;
  height?: number;
  xDomain?: [number, number];
  yDomain?: [number, number];
  yLog?: boolean;
  xLabel?: string;
  yLabel?: string;
  title?: string;
  /** Horizontal reference lines, e.g. a target loss: dashed, labelled at the right end (above the line, or below). */
  marks?: readonly { y: number; label: string; color?: string; below?: boolean }[];
  formatX?: (v: number) => string;
  formatY?: (v: number) => string;
}

function extent(values: number[], fallback: [number, number]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return fallback;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

/**
 * Chart text in viewBox units: a chart laid out at its own width draws it at
 * this many px; one a few per cent narrower than its viewBox still draws
 * every label at 16 px or more (the lecture's smallest readable size).
 */
const TEXT = 17;
/** Approximate width of a label in the system sans-serif at TEXT (a generous average). */
const labelWidth = (s: string) => [...s].length * 0.6 * TEXT;

export function lineChart(o: LineChartOptions): TemplateResult {
  const width = o.width ?? 640;
  const height = o.height ?? 320;
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = o.series.flatMap((s) => s.points.map((p) => p[1]));
  const xDomain = o.xDomain ?? extent(xs, [0, 1]);
  const yDomain = o.yDomain ?? extent(ys, [0, 1]);
  const bottom = o.xLabel ? 58 : 34;
  const top = 14;
  const y = (o.yLog ? scaleLog().clamp(true) : scaleLinear()).domain(yDomain).range([height - bottom, top]).nice();
  const fy = o.formatY ?? y.tickFormat(5);
  const yTicks = y.ticks(5);
  // The left margin fits the longest y tick label (and the rotated axis title).
  const left = Math.max(40, ...yTicks.map((t) => labelWidth(fy(t)) + 14)) + (o.yLabel ? TEXT + 12 : 0);
  const m = { top, right: 16, bottom, left };
  const x = scaleLinear().domain(xDomain).range([m.left, width - m.right]);
  const path = line<readonly [number, number]>().x((p) => x(p[0])).y((p) => y(p[1])).defined((p) => Number.isFinite(p[1]));
  const fx = o.formatX ?? x.tickFormat(6);
  // Legend entries laid end to end, each as wide as its name.
  const legendX: number[] = [];
  o.series.reduce((at, s) => (legendX.push(at), at + 22 + labelWidth(s.name) + 22), m.left + 12);
  return html`<svg class="chart line-chart" part="line-chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label=${o.title ?? 'line chart'}>
    <g class="axis">
      ${x.ticks(6).map((t) => svg`<line x1=${x(t)} x2=${x(t)} y1=${height - m.bottom} y2=${height - m.bottom + 5}></line>
        <text x=${x(t)} y=${height - m.bottom + 22} text-anchor="middle">${fx(t)}</text>`)}
      ${yTicks.map((t) => svg`<line x1=${m.left} x2=${width - m.right} y1=${y(t)} y2=${y(t)} opacity="0.15"></line>
        <text x=${m.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${fy(t)}</text>`)}
      <path d="M${m.left},${m.top}V${height - m.bottom}H${width - m.right}" fill="none"></path>
      ${o.xLabel ? svg`<text x=${(m.left + width - m.right) / 2} y=${height - 8} text-anchor="middle">${o.xLabel}</text>` : nothing}
      ${o.yLabel ? svg`<text transform="translate(${TEXT + 2}, ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${o.yLabel}</text>` : nothing}
    </g>
    ${(o.marks ?? []).map((mk) => svg`<g class="mark"><line x1=${m.left} x2=${width - m.right} y1=${y(mk.y)} y2=${y(mk.y)} stroke=${mk.color ?? '#d55e00'} stroke-dasharray="6 4" stroke-width="2"></line>
      <text x=${width - m.right} y=${y(mk.y) + (mk.below ? TEXT + 4 : -6)} text-anchor="end" font-size=${TEXT} fill=${mk.color ?? '#d55e00'}>${mk.label}</text></g>`)}
    ${o.series.map((s, i) => {
      const color = s.color ?? seriesColors[i % seriesColors.length];
      return s.style === 'dots'
        ? svg`<g class="series dots" fill=${color} opacity="0.75">${s.points.map((p) => svg`<circle cx=${x(p[0])} cy=${y(p[1])} r="3"></circle>`)}</g>`
        : svg`<path class="series" d=${path(s.points) ?? ''} fill="none" stroke=${color} stroke-width="3" stroke-dasharray=${s.dashed ? '8 5' : 'none'}></path>`;
    })}
    <g class="legend">${o.series.map((s, i) => svg`<g transform="translate(${legendX[i]}, ${m.top + 8})">
      <rect width="16" height="5" y="-3" fill=${s.color ?? seriesColors[i % seriesColors.length]}></rect>
      <text x="22" dy="0.35em" font-size=${TEXT} fill="currentColor">${s.name}</text></g>`)}</g>
  </svg>`;
}
