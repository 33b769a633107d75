/**
 * Labelled vertical bars with their values, optionally with a second series
 * drawn as outlines over them (e.g. a histogram of samples over the
 * theoretical probabilities) and a per-bar highlight (kept vs removed tokens).
 */
import { svg, html, type TemplateResult } from 'lit';
import { scaleBand, scaleLinear } from 'd3-scale';
import { palette } from './colors.js';

export interface BarChartOptions {
  values: readonly number[];
  labels: readonly string[];
  width?: number;
  height?: number;
  /** Upper end of the value axis (default: max of values and overlay, at least 1e-9). */
  max?: number;
  /** Bars with false are drawn faded (e.g. tokens removed by top-k). */
  kept?: readonly boolean[];
  /** A second series drawn as outlined bars over the first. */
  overlay?: readonly number[];
  overlayLabel?: string;
  format?: (v: number) => string;
  color?: string;
  /** Accessible name of the chart. */
  title?: string;
}

export function barChart(o: BarChartOptions): TemplateResult {
  const width = o.width ?? 640;
  const height = o.height ?? 300;
  const margin = { top: 34, right: 8, bottom: 40, left: 8 };
  const fmt = o.format ?? ((v: number) => v.toFixed(2));
  const max = o.max ?? Math.max(1e-9, ...o.values, ...(o.overlay ?? []));
  const x = scaleBand<number>().domain(o.values.map((_, i) => i)).range([margin.left, width - margin.right]).padding(0.18);
  const y = scaleLinear().domain([0, max]).range([height - margin.bottom, margin.top]);
  const base = y(0);
  const color = o.color ?? palette.blue;
  // Never under 17 viewBox units: 16 px or more on screen down to 94 % of the chart's own width.
  const labelSize = Math.max(17, Math.min(22, x.bandwidth() * 0.4));
  return html`<svg class="chart bar-chart" part="chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label=${o.title ?? 'bar chart'}>
    ${o.values.map((v, i) => {
      const kept = o.kept ? o.kept[i] : true;
      const bx = x(i)!;
      const top = y(v);
      return svg`<g class="bar ${kept ? 'kept' : 'removed'}" opacity=${kept ? 1 : 0.3}>
        <rect x=${bx} y=${top} width=${x.bandwidth()} height=${Math.max(0, base - top)} fill=${color} rx="3"></rect>
        <text x=${bx + x.bandwidth() / 2} y=${top - 8} text-anchor="middle" font-size=${labelSize} font-weight="600" fill="currentColor">${fmt(v)}</text>
        <text x=${bx + x.bandwidth() / 2} y=${height - margin.bottom + labelSize + 6} text-anchor="middle" font-size=${labelSize} fill="currentColor">${o.labels[i] ?? ''}</text>
      </g>`;
    })}
    ${o.overlay?.map((v, i) => {
      const bx = x(i)! + x.bandwidth() * 0.12;
      const top = y(v);
      return svg`<rect class="overlay" x=${bx} y=${top} width=${x.bandwidth() * 0.76} height=${Math.max(0, base - top)} fill="none" stroke=${palette.orange} stroke-width="4" stroke-dasharray="6 3"></rect>`;
    })}
    <line x1=${margin.left} x2=${width - margin.right} y1=${base} y2=${base} stroke="currentColor" stroke-width="1.5"></line>
  </svg>`;
}
