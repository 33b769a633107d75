/**
 * A labelled matrix heatmap (attention weights, bigram counts): viridis
 * colours, optional values in the cells, masked cells hatched, hover and click
 * callbacks so an element can show a readout or select a row.
 *
 * The cells are painted on a canvas (cell-canvas.ts: a thousand SVG rects cost
 * more than a frame to restyle); labels, titles, cell values and the selection
 * outlines are an SVG laid over it in the same viewBox, so they stay text.
 */
import { html, svg, nothing, type TemplateResult } from 'lit';
import { cellCanvas } from './cell-canvas.js';
import { scaleBand, scaleSequential } from 'd3-scale';
import { interpolateViridis } from 'd3-scale-chromatic';

export interface HeatmapOptions {
  matrix: readonly (readonly number[])[];
  rowLabels: readonly string[];
  colLabels: readonly string[];
  width?: number;
  height?: number;
  /** Colour domain (default [min, max] of the unmasked values). */
  domain?: [number, number];
  /** Text inside each cell; return '' to leave a cell empty. Omit for no text. */
  format?: (v: number, row: number, col: number) => string;
  /** true = masked: drawn hatched, not coloured. */
  masked?: readonly (readonly boolean[])[];
  selectedRow?: number | null;
  selectedCell?: [number, number] | null;
  onHover?: (row: number, col: number) => void;
  onLeave?: () => void;
  onSelect?: (row: number, col: number) => void;
  /** Title of the row axis and of the column axis. */
  rowTitle?: string;
  colTitle?: string;
  title?: string;
  labelSize?: number;
}

export function heatmap(o: HeatmapOptions): TemplateResult {
  const rows = o.matrix.length;
  const cols = o.matrix[0]?.length ?? 0;
  const width = o.width ?? 640;
  const height = o.height ?? 640;
  const labelSize = o.labelSize ?? Math.max(11, Math.min(22, (Math.min(width, height) / Math.max(rows, cols)) * 0.55));
  const longest = Math.max(1, ...o.rowLabels.map((l) => l.length));
  const left = Math.min(width * 0.35, longest * labelSize * 0.62 + 12) + (o.rowTitle ? labelSize + 6 : 0);
  const top = labelSize * 1.6 + (o.colTitle ? labelSize + 6 : 0);
  const x = scaleBand<number>().domain([...Array(cols).keys()]).range([left, width]).padding(0.04);
  const y = scaleBand<number>().domain([...Array(rows).keys()]).range([top, height]).padding(0.04);
  const values = o.matrix.flatMap((r, i) => r.filter((_, j) => !o.masked?.[i]?.[j]));
  const domain = o.domain ?? [Math.min(0, ...values), Math.max(1e-9, ...values)];
  const color = scaleSequential(interpolateViridis).domain(domain);
  const span = domain[1] - domain[0] || 1;
  const cellText = Math.min(labelSize * 0.85, x.bandwidth() * 0.32);

  const texts = o.format
    ? o.matrix.flatMap((row, i) =>
        row.map((v, j) => {
          const text = o.masked?.[i]?.[j] ? '' : o.format!(v, i, j);
          const t = (v - domain[0]) / span;
          return text
            ? svg`<text x=${x(j)! + x.bandwidth() / 2} y=${y(i)! + y.bandwidth() / 2} dy="0.35em" text-anchor="middle"
                font-size=${cellText} fill=${t > 0.55 ? '#111' : '#fff'}>${text}</text>`
            : nothing;
        }),
      )
    : nothing;
  const maskedCount = o.masked ? o.masked.reduce((n, row) => n + row.filter(Boolean).length, 0) : 0;
  // The canvas covers the band range exactly.
  const [x0, x1] = x.range();
  const [y0, y1] = y.range();
  const spec = {
    rows, cols, viewWidth: width, viewHeight: height, x0, y0, w: x1 - x0, h: y1 - y0,
    colX: (j: number) => x(j)!, rowY: (i: number) => y(i)!, cellW: x.bandwidth(), cellH: y.bandwidth(),
    fill: (i: number, j: number) => (o.masked?.[i]?.[j] ? null : color(o.matrix[i]![j]!)),
    data: [o.matrix, o.masked] as const,
    layout: `${domain}|${width}|${height}|${left}|${top}|${rows}x${cols}`,
    onHover: o.onHover, onLeave: o.onLeave, onSelect: o.onSelect,
  };
  const selected = o.selectedCell;

  return html`<div class="heatmap-frame" part="heatmap">
    <canvas class="cells" role="img" data-rows=${rows} data-cols=${cols} data-masked=${maskedCount}
      aria-label=${`${rows} × ${cols} cells${maskedCount ? `, ${maskedCount} masked` : ''}`}
      ${cellCanvas(spec)}></canvas>
    <svg class="chart heatmap" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label=${o.title ?? 'heatmap'}>
    ${o.colTitle ? svg`<text x=${(left + width) / 2} y=${labelSize} text-anchor="middle" font-size=${labelSize} fill="currentColor" opacity="0.75">${o.colTitle}</text>` : nothing}
    ${o.rowTitle ? svg`<text transform="translate(${labelSize}, ${(top + height) / 2}) rotate(-90)" text-anchor="middle" font-size=${labelSize} fill="currentColor" opacity="0.75">${o.rowTitle}</text>` : nothing}
    ${o.colLabels.map((l, j) => svg`<text x=${x(j)! + x.bandwidth() / 2} y=${top - labelSize * 0.45} text-anchor="middle" font-size=${labelSize} fill="currentColor">${l}</text>`)}
    ${o.rowLabels.map((l, i) => svg`<text x=${left - 8} y=${y(i)! + y.bandwidth() / 2} dy="0.35em" text-anchor="end" font-size=${labelSize}
      fill="currentColor" font-weight=${o.selectedRow === i ? 700 : 400} class="row-label" data-row=${i} @click=${() => o.onSelect?.(i, -1)}>${l}</text>`)}
    ${texts}
    ${o.selectedRow != null && o.selectedRow >= 0 && o.selectedRow < rows
      ? svg`<rect x=${left - 2} y=${y(o.selectedRow)! - 2} width=${width - left + 2} height=${y.bandwidth() + 4} fill="none" stroke="#e69f00" stroke-width="3"></rect>`
      : nothing}
    ${selected && selected[0] < rows && selected[1] < cols
      ? svg`<rect x=${x(selected[1])!} y=${y(selected[0])!} width=${x.bandwidth()} height=${y.bandwidth()} fill="none" stroke="#e69f00" stroke-width="4"></rect>`
      : nothing}
  </svg></div>`;
}

/** A horizontal colour legend for a heatmap's domain. */
export function colorLegend(domain: [number, number], { width = 240, label = '' } = {}): TemplateResult {
  const stops = [0, 0.25, 0.5, 0.75, 1];
  const id = `legend-${Math.round(domain[0] * 1e3)}-${Math.round(domain[1] * 1e3)}`;
  return html`<svg class="chart legend" viewBox="0 0 ${width} 40" width=${width} role="img" aria-label="colour scale">
    <defs><linearGradient id=${id}>${stops.map((s) => svg`<stop offset=${s} stop-color=${interpolateViridis(s)}></stop>`)}</linearGradient></defs>
    <rect x="0" y="4" width=${width} height="14" fill="url(#${id})"></rect>
    <text x="0" y="36" font-size="14" fill="currentColor">${domain[0].toPrecision(2)}</text>
    <text x=${width / 2} y="36" font-size="14" text-anchor="middle" fill="currentColor">${label}</text>
    <text x=${width} y="36" font-size="14" text-anchor="end" fill="currentColor">${domain[1].toPrecision(2)}</text>
  </svg>`;
}
