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
  /** Size of the viewBox; lay the chart out at about this many CSS px so its text keeps its size. */
  width?: number;
  height?: number;
  /**
   * Colour domain (default [min(0, values), max of the unmasked values]). Pass a
   * fixed domain, e.g. [0, 1] for attention weights, so the same colour means
   * the same value on every heatmap and every slide.
   */
  domain?: [number, number];
  /** Text inside each cell; return '' to leave a cell empty. Omit for no text. Values that do not fit at MIN_TEXT are left out. */
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
  /** Label size in viewBox units; never below MIN_TEXT. */
  labelSize?: number;
}

/** The smallest text the charts draw, in viewBox units (= CSS px when a chart is shown at its own width). */
export const MIN_TEXT = 16;
/** Width of a label in the system sans-serif, per character, as a share of the font size (a generous average). */
const CHAR_WIDTH = 0.6;
const textWidth = (label: string, size: number) => [...label].length * CHAR_WIDTH * size;

/**
 * How the column labels sit over their columns: level when the longest fits
 * its column, else rotated −45° (or −90° where even the slant would touch the
 * next label), always whole: a label is never shortened.
 */
export function columnLabelLayout(labels: readonly string[], step: number, size: number): { angle: 0 | -45 | -90; extent: number; reach: number } {
  // extent: height above the grid the labels take; reach: how far right of its column's centre a label runs.
  const longest = Math.max(0, ...labels.map((l) => textWidth(l, size)));
  // Sparse labels (every 8th column, the rest '') have the columns between them to spread into.
  const shown = labels.flatMap((l, j) => (l ? [j] : []));
  const gap = shown.length > 1 ? Math.min(...shown.slice(1).map((j, k) => j - shown[k]!)) : Math.max(1, labels.length);
  if (longest <= step * Math.min(gap, 3) * 0.92) return { angle: 0, extent: size * 1.2, reach: 0 };
  // Parallel slanted labels are step·gap·sin 45° apart; they need about one line height.
  if (step * gap * Math.SQRT1_2 >= size * 1.05) return { angle: -45, extent: longest * Math.SQRT1_2 + size, reach: longest * Math.SQRT1_2 };
  return { angle: -90, extent: longest + size * 0.6, reach: 0 };
}

export function heatmap(o: HeatmapOptions): TemplateResult {
  const rows = o.matrix.length;
  const cols = o.matrix[0]?.length ?? 0;
  const width = o.width ?? 640;
  const height = o.height ?? 640;
  const labelSize = Math.max(MIN_TEXT, o.labelSize ?? Math.min(22, (Math.min(width, height) / Math.max(rows, cols)) * 0.55));
  const titleRoom = labelSize + 6;
  const rowLabelWidth = Math.max(0, ...o.rowLabels.map((l) => textWidth(l, labelSize))) + 12;
  /**
   * The margins around the grid. The row title runs up the left side when it
   * fits along the grid, else it sits level on a line of its own above it.
   */
  const margins = (flatRowTitle: boolean) => {
    // Row labels are never cut: the grid starts after the longest, capped at 45% of the width.
    const left = Math.min(width * 0.45, rowLabelWidth) + (o.rowTitle && !flatRowTitle ? titleRoom : 0);
    let colStep = (width - left) / Math.max(1, cols);
    let layout = columnLabelLayout(o.colLabels, colStep, labelSize);
    if (layout.angle === -45) {
      // The right margin narrows the columns; settle the layout on the narrower step.
      colStep = (width - left - Math.max(0, layout.reach - colStep / 2 + 4)) / Math.max(1, cols);
      layout = columnLabelLayout(o.colLabels, colStep, labelSize);
    }
    // A slanted label runs up and to the right of its column: the last one needs room on the right.
    const right = Math.max(0, layout.reach - colStep / 2 + 4);
    const titles = (o.colTitle ? titleRoom : 0) + (o.rowTitle && flatRowTitle ? titleRoom : 0);
    const top = layout.extent + labelSize * 0.4 + titles;
    return { left, right, top, layout, flatRowTitle };
  };
  let m = margins(false);
  if (o.rowTitle && textWidth(o.rowTitle, labelSize) > height - m.top) m = margins(true);
  const { left, right, top, layout } = m;
  const x = scaleBand<number>().domain([...Array(cols).keys()]).range([left, width - right]).padding(0.04);
  const y = scaleBand<number>().domain([...Array(rows).keys()]).range([top, height]).padding(0.04);
  const values = o.matrix.flatMap((r, i) => r.filter((_, j) => !o.masked?.[i]?.[j]));
  const domain = o.domain ?? [Math.min(0, ...values), Math.max(1e-9, ...values)];
  const color = scaleSequential(interpolateViridis).domain(domain);
  const span = domain[1] - domain[0] || 1;
  const cellText = Math.max(MIN_TEXT, Math.min(labelSize * 0.85, x.bandwidth() * 0.32));
  const fitsCell = (text: string) => textWidth(text, cellText) <= x.bandwidth() * 0.94 && cellText <= y.bandwidth() * 0.8;

  const texts = o.format
    ? o.matrix.flatMap((row, i) =>
        row.map((v, j) => {
          const text = o.masked?.[i]?.[j] ? '' : o.format!(v, i, j);
          const t = Math.min(1, Math.max(0, (v - domain[0]) / span));
          return text && fitsCell(text)
            ? svg`<text class="cell-value" x=${x(j)! + x.bandwidth() / 2} y=${y(i)! + y.bandwidth() / 2} dy="0.35em" text-anchor="middle"
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
  const labelY = top - labelSize * 0.4;
  const colLabel = (l: string, j: number) => {
    const cx = x(j)! + x.bandwidth() / 2;
    return layout.angle === 0
      ? svg`<text class="col-label" x=${cx} y=${labelY} text-anchor="middle" font-size=${labelSize} fill="currentColor">${l}</text>`
      : svg`<text class="col-label" transform="translate(${cx + (layout.angle === -90 ? labelSize * 0.35 : 0)}, ${labelY}) rotate(${layout.angle})" text-anchor="start"
          font-size=${labelSize} fill="currentColor">${l}</text>`;
  };

  return html`<div class="heatmap-frame" part="heatmap">
    <canvas class="cells" role="img" data-rows=${rows} data-cols=${cols} data-masked=${maskedCount}
      aria-label=${`${rows} × ${cols} cells${maskedCount ? `, ${maskedCount} masked` : ''}`}
      ${cellCanvas(spec)}></canvas>
    <svg class="chart heatmap" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label=${o.title ?? 'heatmap'}>
    ${o.colTitle ? svg`<text class="col-title" x=${(left + width - right) / 2} y=${labelSize + (m.flatRowTitle ? titleRoom : 0)} text-anchor="middle" font-size=${labelSize} fill="currentColor" opacity="0.75">${o.colTitle}</text>` : nothing}
    ${o.rowTitle
      ? m.flatRowTitle
        ? svg`<text class="row-title" x="0" y=${labelSize} font-size=${labelSize} fill="currentColor" opacity="0.75">${o.rowTitle} ↓</text>`
        : svg`<text class="row-title" transform="translate(${labelSize}, ${(top + height) / 2}) rotate(-90)" text-anchor="middle" font-size=${labelSize} fill="currentColor" opacity="0.75">${o.rowTitle}</text>`
      : nothing}
    ${o.colLabels.map(colLabel)}
    ${o.rowLabels.map((l, i) => svg`<text x=${left - 8} y=${y(i)! + y.bandwidth() / 2} dy="0.35em" text-anchor="end" font-size=${labelSize}
      fill="currentColor" font-weight=${o.selectedRow === i ? 700 : 400} class="row-label" data-row=${i} @click=${() => o.onSelect?.(i, -1)}>${l}</text>`)}
    ${texts}
    ${o.selectedRow != null && o.selectedRow >= 0 && o.selectedRow < rows
      ? svg`<rect x=${left - 2} y=${y(o.selectedRow)! - 2} width=${width - right - left + 2} height=${y.bandwidth() + 4} fill="none" stroke="#e69f00" stroke-width="3"></rect>`
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
  return html`<svg class="chart legend" viewBox="0 0 ${width} 42" width=${width} role="img" aria-label="colour scale">
    <defs><linearGradient id=${id}>${stops.map((s) => svg`<stop offset=${s} stop-color=${interpolateViridis(s)}></stop>`)}</linearGradient></defs>
    <rect x="0" y="4" width=${width} height="14" fill="url(#${id})"></rect>
    <text x="0" y="38" font-size="16" fill="currentColor">${domain[0].toPrecision(2)}</text>
    <text x=${width / 2} y="38" font-size="16" text-anchor="middle" fill="currentColor">${label}</text>
    <text x=${width} y="38" font-size="16" text-anchor="end" fill="currentColor">${domain[1].toPrecision(2)}</text>
  </svg>`;
}
