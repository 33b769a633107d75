/**
 * The cells of a heatmap painted on one <canvas> (a Lit element directive),
 * with hover and click turned back into (row, column).
 *
 * Why a canvas: as SVG, a 32 × 32 attention grid is 1,024 elements whose fill
 * changes on every slider move, and the browser's style recalculation of them
 * alone took longer than a frame (≈10 ms of ≈25 ms on the benchmark machine).
 * Painted, the same update is a thousand fillRect calls (≈1 ms). Labels, cell
 * values and outlines stay in SVG above it (heatmap.ts), so text stays sharp.
 *
 * Geometry is in the heatmap's viewBox units; the canvas covers the box
 * [x0, x0 + w] × [y0, y0 + h] of that viewBox and is drawn at PIXELS_PER_UNIT
 * backing pixels per unit, so it stays crisp on a projector and in a PDF.
 */
import { nothing } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

export interface CellCanvasSpec {
  rows: number;
  cols: number;
  /** The heatmap's whole viewBox, and the canvas box inside it, in viewBox units. */
  viewWidth: number;
  viewHeight: number;
  x0: number;
  y0: number;
  w: number;
  h: number;
  /** Left edge of column j / top edge of row i, in viewBox units; cell size. */
  colX: (j: number) => number;
  rowY: (i: number) => number;
  cellW: number;
  cellH: number;
  /** CSS colour of cell (i, j); null = masked (drawn hatched). */
  fill: (i: number, j: number) => string | null;
  /**
   * What the fills are computed from (compared by identity) and a string of
   * everything else they depend on (colour domain, layout): the canvas is
   * repainted only when one of them changes, not on every render of the host.
   */
  data: readonly unknown[];
  layout: string;
  onHover?: (row: number, col: number) => void;
  onLeave?: () => void;
  onSelect?: (row: number, col: number) => void;
}

/** Backing pixels per viewBox unit: 2 keeps a 640-unit heatmap sharp up to 1,280 device pixels wide. */
const PIXELS_PER_UNIT = 2;
const HATCH_BACK = '#eceff3';
const HATCH_LINE = '#b6bec8';
const HOVER_STROKE = '#111';

/** What tests and the harness read: where cell (row, col) is on screen. */
export interface CellCanvasElement extends HTMLCanvasElement {
  cellCenter(row: number, col: number): { x: number; y: number };
}

class CellCanvas extends Directive {
  private canvas: HTMLCanvasElement | null = null;
  private spec: CellCanvasSpec | null = null;
  private painted: { data: readonly unknown[]; layout: string; hover: string } | null = null;
  private hover: [number, number] | null = null;
  private hatch: CanvasPattern | null = null;

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('cellCanvas() goes on a <canvas> element');
  }

  render(_spec: CellCanvasSpec) {
    return nothing;
  }

  override update(part: ElementPart, [spec]: [CellCanvasSpec]) {
    const canvas = part.element as HTMLCanvasElement;
    if (canvas !== this.canvas) this.attach(canvas);
    this.spec = spec;
    this.place(canvas, spec);
    if (this.hover && (this.hover[0] >= spec.rows || this.hover[1] >= spec.cols)) this.hover = null;
    const p = this.painted;
    const same = p && p.layout === spec.layout && p.hover === String(this.hover) &&
      p.data.length === spec.data.length && p.data.every((d, k) => d === spec.data[k]);
    if (!same) this.paint();
    return nothing;
  }

  /**
   * Positions the canvas over its box, in percentages of the heatmap so it
   * scales with the SVG. Set through the CSSOM: the pages' Content-Security-
   * Policy blocks style attributes written into markup.
   */
  private place(canvas: HTMLCanvasElement, s: CellCanvasSpec): void {
    const pct = (v: number, of: number) => `${(v / of) * 100}%`;
    canvas.style.setProperty('left', pct(s.x0, s.viewWidth));
    canvas.style.setProperty('top', pct(s.y0, s.viewHeight));
    canvas.style.setProperty('width', pct(s.w, s.viewWidth));
    canvas.style.setProperty('height', pct(s.h, s.viewHeight));
  }

  private attach(canvas: HTMLCanvasElement): void {
    this.canvas = canvas;
    canvas.addEventListener('pointermove', (e) => this.moved(this.cellAt(e)));
    canvas.addEventListener('pointerleave', () => this.moved(null));
    canvas.addEventListener('click', (e) => {
      const cell = this.cellAt(e);
      if (cell) this.spec?.onSelect?.(cell[0], cell[1]);
    });
    (canvas as CellCanvasElement).cellCenter = (row, col) => {
      const s = this.spec!;
      const r = canvas.getBoundingClientRect();
      return {
        x: r.left + ((s.colX(col) + s.cellW / 2 - s.x0) / s.w) * r.width,
        y: r.top + ((s.rowY(row) + s.cellH / 2 - s.y0) / s.h) * r.height,
      };
    };
  }

  /** The cell under a pointer event, or null in a gap or outside. */
  private cellAt(e: MouseEvent): [number, number] | null {
    const s = this.spec;
    const c = this.canvas;
    if (!s || !c || !c.clientWidth || !c.clientHeight) return null;
    // offsetX/Y and clientWidth/Height are both untransformed CSS pixels, so
    // the ratio holds inside Marp's scaled slides too.
    const u = s.x0 + (e.offsetX / c.clientWidth) * s.w;
    const v = s.y0 + (e.offsetY / c.clientHeight) * s.h;
    const find = (n: number, edge: (k: number) => number, size: number, at: number) => {
      for (let k = 0; k < n; k++) if (at >= edge(k) && at < edge(k) + size) return k;
      return -1;
    };
    const i = find(s.rows, s.rowY, s.cellH, v);
    const j = find(s.cols, s.colX, s.cellW, u);
    return i < 0 || j < 0 ? null : [i, j];
  }

  private moved(cell: [number, number] | null): void {
    const same = cell && this.hover && cell[0] === this.hover[0] && cell[1] === this.hover[1];
    if (same || (!cell && !this.hover)) return;
    this.hover = cell;
    if (cell) this.spec?.onHover?.(cell[0], cell[1]);
    else this.spec?.onLeave?.();
    this.paint();
  }

  private paint(): void {
    const s = this.spec;
    const canvas = this.canvas;
    if (!s || !canvas) return;
    const width = Math.max(1, Math.round(s.w * PIXELS_PER_UNIT));
    const height = Math.max(1, Math.round(s.h * PIXELS_PER_UNIT));
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(PIXELS_PER_UNIT, 0, 0, PIXELS_PER_UNIT, -s.x0 * PIXELS_PER_UNIT, -s.y0 * PIXELS_PER_UNIT);
    ctx.clearRect(s.x0, s.y0, s.w, s.h);
    const hatch = (this.hatch ??= hatchPattern(ctx));
    for (let i = 0; i < s.rows; i++) {
      const y = s.rowY(i);
      for (let j = 0; j < s.cols; j++) {
        ctx.fillStyle = s.fill(i, j) ?? hatch ?? HATCH_BACK;
        ctx.fillRect(s.colX(j), y, s.cellW, s.cellH);
      }
    }
    if (this.hover) {
      ctx.strokeStyle = HOVER_STROKE;
      ctx.lineWidth = 2;
      ctx.strokeRect(s.colX(this.hover[1]) + 1, s.rowY(this.hover[0]) + 1, s.cellW - 2, s.cellH - 2);
    }
    this.painted = { data: s.data, layout: s.layout, hover: String(this.hover) };
  }
}

/** Diagonal hatching for masked cells (the same look as the SVG pattern it replaces). */
function hatchPattern(ctx: CanvasRenderingContext2D): CanvasPattern | null {
  const tile = document.createElement('canvas');
  tile.width = tile.height = 8 * PIXELS_PER_UNIT;
  const t = tile.getContext('2d');
  if (!t) return null;
  t.scale(PIXELS_PER_UNIT, PIXELS_PER_UNIT);
  t.fillStyle = HATCH_BACK;
  t.fillRect(0, 0, 8, 8);
  t.strokeStyle = HATCH_LINE;
  t.lineWidth = 2;
  t.beginPath();
  // Three strokes so the diagonal continues across tile edges.
  for (const o of [-8, 0, 8]) {
    t.moveTo(o, 8);
    t.lineTo(o + 8, 0);
  }
  t.stroke();
  const pattern = ctx.createPattern(tile, 'repeat');
  pattern?.setTransform(new DOMMatrix().scale(1 / PIXELS_PER_UNIT));
  return pattern;
}

export const cellCanvas = directive(CellCanvas);
