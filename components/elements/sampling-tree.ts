import { css, html, svg, nothing } from 'lit';
import { linkHorizontal } from 'd3-shape';
import { palette } from '../charts/index.js';
import { BUILT_IN_TABLES, DEFAULT_PROMPT, DEFAULT_TABLE } from '../data/next-token-table.js';
import {
  lookup, parseTable, pathTree, samplePath, type NextTokenTable, type Path, type TreeNode,
} from '../models/sampling-tree.js';
import type { Rng } from '../runtime/rng.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

/** Runs kept on screen (older ones drop off the tree and the list). */
const KEEP = 8;

const PARAMS = {
  prompt: param.string({ fallback: DEFAULT_PROMPT, maxLength: 80 }),
  table: param.string({ fallback: '', maxLength: 20000 }),
  temperature: param.number({ fallback: 1, min: 0, max: 3 }),
  runs: param.int({ fallback: 3, min: 0, max: KEEP }),
  maxDepth: param.int({ fallback: 6, min: 1, max: 8, attribute: 'max-depth' }),
};

/** The tree's box at 1:1 scale (px): it grows, and shrinks its text no lower than MIN_FONT, when a tree needs more. */
const W = 820;
const H = 440;
/** Smallest text in the tree, px (readable from the back of the room). */
const MIN_FONT = 16;
/** Empty gap between columns, where the branches run. */
const GAP = 40;

interface Placed {
  node: TreeNode;
  depth: number;
  row: number;
  parent: Placed | null;
}

/**
 * `<sampling-tree>` — why every generation is different: from a prompt the
 * next token branches with its probabilities; sampling walks one branch at a
 * time, and a new run can take a different path.
 *
 * The tree shows every first candidate with its probability and, below, the
 * branches the sampled runs took (visit counts; the latest run in orange);
 * the list on the right shows the sentences with their probabilities. The
 * numbers come from a small next-token table: the built-in ones are
 * ILLUSTRATIVE, written by hand for "The cat sat on the" and "I love to eat"
 * (data/next-token-table.ts), not read out of a trained model. Each child shows
 * its probability in a pill just before the token; branches run only in the
 * gaps between columns, so no branch crosses a label, and no text is under 16 px. Temperature reshapes every branch point
 * (p^(1/T), renormalised, by the shared softmax); T = 0 always takes the favourite.
 *
 * @attr prompt - the starting text (default "The cat sat on the"); "The cat sat on the" and "I love to eat"
 *   have built-in tables, any other prompt needs a `table`
 * @attr table - JSON {"context": {"token": probability, …}, …}; a context matches the END of the
 *   text so far, the longest matching key wins; probabilities are rescaled to sum 1 per context;
 *   "." "!" "?" end a sentence. Write it in single quotes: table='{"mat": {".": 0.6, "and": 0.4}}'
 * @attr temperature - 0 to 3 (default 1; 0 = greedy)
 * @attr runs - paths sampled before the first draw, 0 to 8 (default 3; the PDF shows these)
 * @attr max-depth - at most this many generated tokens per path, 1 to 8 (default 6)
 * @attr seed - seed of the sampling (default 42): the same seed gives the same sequence of runs
 * @prop paths - {text, probability, tokens}[]: the runs shown, oldest first
 * @prop firstBranches - {token, p}[]: the first step's tempered probabilities
 * @method sample(n = 1) - samples n more paths; clear() - removes them
 * @fires sampling-tree-change - detail {temperature, paths} after a user change
 * @csspart frame - the box; tree - the tree; runs - the list of sentences; controls - buttons and slider
 * @cssprop --demo-accent - control colour
 */
export class SamplingTree extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      /* the tree's column is as wide as its drawing (at least W px, more for a deep tree); the runs keep at least 240 px */
      .layout { display: grid; grid-template-columns: minmax(0, max-content) minmax(240px, 1fr); gap: 0 1em; align-items: start; }
      ol { margin: 0; padding-left: 1.4em; font-size: 0.85em; }
      ol li { margin: 0.12em 0; }
      ol li.latest { color: #a15c00; font-weight: 600; }
      .prob { color: var(--muted); font-size: 0.95em; font-variant-numeric: tabular-nums; }
      h4 { margin: 0.1em 0 0.2em; font-size: 0.8em; color: var(--muted); font-weight: 600; }
      .greedy { color: var(--bad); font-weight: 600; }
      .note { font-size: 0.75em; color: var(--muted); margin-top: 0.4em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _temperature: { state: true },
    _paths: { state: true },
    _tree: { state: true },
  };

  declare prompt: string | undefined;
  declare table: string | undefined;
  declare temperature: string | number | undefined;
  declare runs: string | number | undefined;
  declare maxDepth: string | number | undefined;
  declare _temperature: number | null;
  declare _paths: Path[];
  declare _tree: TreeNode | null;

  private v!: ParamValues<typeof PARAMS>;
  private parsed: NextTokenTable | null = null;
  private tableError: string | null = null;
  private rngState: Rng | null = null;
  /** Runs sampled since the last reset (may exceed KEEP); the rng has advanced this far. */
  private drawn = 0;
  private wantedKey = '';
  private shownKey = '';
  /** Serialises sampling: a click while a path is being drawn waits its turn. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor() {
    super();
    this._temperature = null;
    this._paths = [];
    this._tree = null;
  }

  get currentTemperature(): number {
    return this._temperature ?? this.v?.temperature ?? 1;
  }

  get paths(): { text: string; probability: number; tokens: string[] }[] {
    return this._paths.map((p) => ({ text: p.text, probability: p.probability, tokens: p.steps.map((s) => s.token) }));
  }

  get firstBranches(): { token: string; p: number }[] {
    return (this._tree?.children ?? []).map((c) => ({ token: c.token, p: c.pT }));
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.v = this.readParams(PARAMS);
    if (changed.has('temperature')) this._temperature = null;
    if (changed.has('table') || changed.has('prompt') || !this.parsed) this.parseTableAttr();
    const key = JSON.stringify([this.v.prompt, this.v.table, this.v.runs, this.v.maxDepth, this.seed, this.currentTemperature]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      this.enqueue(() => this.reset(key, this.v.runs));
    }
  }

  private parseTableAttr(): void {
    this.tableError = null;
    const builtIn = BUILT_IN_TABLES[this.v.prompt.trim()] ?? DEFAULT_TABLE;
    try {
      this.parsed = parseTable(this.v.table.trim() ? this.v.table : builtIn);
    } catch (e) {
      this.tableError = `table: ${(e as Error).message}. Using the built-in table instead.`;
      this.parsed = parseTable(builtIn);
    }
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(() => this.guard(work));
    this.queue = next;
    return next as Promise<void>;
  }

  /** Fresh generator, then `count` runs: the same seed always replays the same runs. */
  private async reset(key: string, count: number): Promise<void> {
    if (key !== this.wantedKey) return; // superseded while queued (e.g. a slider drag)
    await this.tf();
    this.rngState = this.rng('sampling-tree');
    this.drawn = 0;
    this._paths = [];
    await this.drawMore(count);
    this.shownKey = key;
    this.requestUpdate(); // shownKey is a plain field: redraw so updated() can mark the demo ready
  }

  private async drawMore(n: number): Promise<void> {
    const paths = [...this._paths];
    for (let i = 0; i < n; i++) {
      paths.push(await samplePath(this.parsed!, this.v.prompt, { temperature: this.currentTemperature, maxDepth: this.v.maxDepth }, this.rngState!));
      this.drawn++;
    }
    this._paths = paths.slice(-KEEP);
    this._tree = await pathTree(this.parsed!, this.v.prompt, this._paths, this.currentTemperature);
  }

  /** Samples n more paths (each continues the seeded sequence, so runs differ). */
  async sample(n = 1): Promise<string[]> {
    await this.enqueue(() => this.drawMore(n));
    await this.updateComplete;
    return this._paths.slice(-n).map((p) => p.text);
  }

  async clear(): Promise<void> {
    await this.enqueue(async () => {
      this._paths = [];
      this._tree = await pathTree(this.parsed!, this.v.prompt, [], this.currentTemperature);
    });
  }

  override updated(): void {
    if (this._tree && this.shownKey === this.wantedKey) this.markReady();
  }

  private userAction(work: () => Promise<unknown>): void {
    this.markBusy();
    void work().then(() => {
      this.publishState();
      this.markReady();
      this.dispatchEvent(new CustomEvent('sampling-tree-change', {
        detail: { temperature: this.currentTemperature, paths: this.paths }, bubbles: true, composed: true,
      }));
    });
  }

  private onTemperature(e: Event): void {
    // Runs drawn at another temperature would mislabel the tree: start over at the new T.
    this._temperature = Number((e.target as HTMLInputElement).value);
    this.publishState();
  }

  override getSyncState(): unknown {
    return { temperature: this.currentTemperature, drawn: this.drawn, cleared: this._paths.length === 0 };
  }

  override applySyncState(state: unknown): void {
    const s = state as { temperature?: unknown; drawn?: unknown; cleared?: unknown } | null;
    if (typeof s?.temperature === 'number') this._temperature = s.temperature;
    if (typeof s?.drawn !== 'number') return;
    const drawn = s.drawn;
    const cleared = s.cleared === true;
    // Replay the same seeded sequence up to the other window's count.
    void this.updateComplete.then(() => this.enqueue(async () => {
      if (drawn < this.drawn) {
        this.rngState = this.rng('sampling-tree');
        this.drawn = 0;
        this._paths = [];
      }
      await this.drawMore(drawn - this.drawn);
      if (cleared) this._paths = [];
      this._tree = await pathTree(this.parsed!, this.v.prompt, this._paths, this.currentTemperature);
    }));
  }

  protected override renderDemo() {
    const t = this.currentTemperature;
    const tree = this._tree ? this.renderTree(this._tree) : html`<span class="muted">…</span>`;
    const promptKnown = this.parsed ? lookup(this.parsed, this.v.prompt).length > 0 : true;
    return html`
      ${this.tableError || !promptKnown
        ? html`<ul class="messages" role="alert">
            ${this.tableError ? html`<li class="error">${this.tableError}</li>` : nothing}
            ${!promptKnown ? html`<li class="error">prompt="${this.v.prompt}": no table entry matches its last words, so nothing can follow it. Add a key such as "${this.v.prompt.trim().split(/\s+/).pop()}" to the table.</li>` : nothing}
          </ul>`
        : nothing}
      <div class="controls" part="controls">
        <button class="primary" @click=${() => this.userAction(() => this.sample(1))}>sample a path</button>
        <button @click=${() => this.userAction(() => this.sample(5))}>sample 5</button>
        <button @click=${() => this.userAction(() => this.clear())}>clear</button>
        <label>temperature <input type="range" min="0" max="2" step="0.05" .value=${String(t)} aria-label="temperature" @input=${this.onTemperature} /></label>
        <span class="value">T = ${t.toFixed(2)}</span>
        ${t === 0 ? html`<span class="greedy">greedy: every run is the same</span>` : nothing}
      </div>
      <div class="layout">
        <div part="tree">${tree}</div>
        <div part="runs">
          <h4>runs (latest in orange; probability of the whole path)</h4>
          ${this._paths.length
            ? html`<ol>${this._paths.map((p, i) => html`<li class=${i === this._paths.length - 1 ? 'latest' : ''}>
                ${p.text}${p.end === 'sentence' ? '' : ' …'} <span class="prob">${formatP(p.probability)}</span></li>`)}</ol>`
            : html`<span class="muted">no runs yet: press “sample a path”</span>`}
          <div class="note">Probabilities from a small hand-written table (illustrative numbers, not a trained model),
            reshaped by temperature at every branch. Seeded: reload and the same runs come back.</div>
        </div>
      </div>
    `;
  }

  private renderTree(root: TreeNode) {
    const placed = layout(root);
    const family = getComputedStyle(this).fontFamily || 'sans-serif';
    const textWidth = (text: string, font: number, bold: boolean) => measure(text, font, bold, family);
    const rows = Math.max(1, ...placed.map((p) => p.row + 1));
    const depth = Math.max(1, ...placed.map((p) => p.depth));
    // Rows as tall as the box allows (34–60 px); fonts follow, never under 16 px at 1:1 scale.
    const rowH = Math.max(34, Math.min(60, (H - 20) / rows));
    const fit = (scale: number) => {
      const font = Math.max(MIN_FONT, Math.min(24, rowH * 0.46) * scale);
      const pFont = Math.max(MIN_FONT, font * 0.82);
      const vFont = Math.max(MIN_FONT, font * 0.75);
      const rootFont = Math.max(font, 22 * scale, MIN_FONT);
      const pillW = 4 * pFont * 0.62 + 12;
      // a node: [probability pill] token ×visits
      const nodeW = (p: Placed) => pillW + 6 + textWidth(p.node.token, font, p.node.visits > 0)
        + (p.node.visits ? 6 + textWidth(`×${p.node.visits}`, vFont, false) : 0);
      const rootW = textWidth(root.text, rootFont, true);
      const colW = Array.from({ length: depth + 1 }, (_, d) => (d === 0 ? rootW : Math.max(0, ...placed.filter((p) => p.depth === d).map(nodeW))));
      const total = colW.reduce((a, b) => a + b, 0) + GAP * depth + 8;
      return { font, pFont, vFont, rootFont, pillW, nodeW, colW, total };
    };
    let f = fit(1);
    if (f.total > W) f = fit(W / f.total);
    const width = Math.ceil(Math.max(W, f.total));
    // column d starts at colX[d]; edges run in the gaps between columns, so no branch crosses a label
    const colX = [4];
    f.colW.forEach((w, d) => colX.push(colX[d]! + w + GAP));
    const y = (p: Placed) => 10 + (p.row + 0.5) * rowH;
    const height = Math.max(H, rows * rowH + 20);
    const latest = new Set<TreeNode>();
    const last = this._paths[this._paths.length - 1];
    if (last) {
      // The latest path, as far as the tree shown holds it (a path drawn before a change of table may leave it).
      let node: TreeNode | undefined = root;
      for (const s of last.steps) {
        node = node.children.find((c) => c.token === s.token);
        if (!node) break;
        latest.add(node);
      }
    }
    const link = linkHorizontal<unknown, [number, number]>().source((d: any) => d[0]).target((d: any) => d[1]);
    const edgeColour = (p: Placed) => (latest.has(p.node) ? palette.orange : p.node.visits ? palette.blue : palette.grey);
    const edgeWidth = (p: Placed) => (latest.has(p.node) ? 4 : p.node.visits ? 1.5 + Math.min(4, p.node.visits) : 1.2);
    return html`<svg class="chart tree" viewBox="0 0 ${width} ${height}" width=${width} height=${height} role="img" aria-label="sampling tree">
      ${placed.filter((p) => p.parent).map((p) => {
        const parent = p.parent!;
        const ownEnd = parent.depth === 0 ? colX[0]! + f.colW[0]! + 6 : colX[parent.depth]! + f.nodeW(parent) + 8;
        const colEnd = Math.max(ownEnd, colX[parent.depth]! + f.colW[parent.depth]! + 8);
        const to: [number, number] = [colX[p.depth]! - 2, y(p)];
        const stroke = edgeColour(p);
        const sw = edgeWidth(p);
        const op = p.node.visits ? 1 : 0.55;
        // a straight run inside the parent's own row, then the curve in the empty gap
        return svg`${colEnd > ownEnd ? svg`<line x1=${ownEnd} y1=${y(parent)} x2=${colEnd} y2=${y(parent)} stroke=${stroke} stroke-width=${sw} opacity=${op}></line>` : nothing}
          <path d=${link([[colEnd, y(parent)], to] as never) ?? ''} fill="none" stroke=${stroke} stroke-width=${sw} opacity=${op}></path>`;
      })}
      ${placed.map((p) => {
        if (p.depth === 0) {
          return svg`<text x=${colX[0]! + f.colW[0]!} y=${y(p)} dy="0.35em" text-anchor="end" font-size=${f.rootFont} font-weight="700" fill="currentColor">${p.node.text}</text>`;
        }
        const x0 = colX[p.depth]!;
        const hot = latest.has(p.node);
        const seen = p.node.visits > 0;
        const pillH = f.pFont * 1.35;
        return svg`<g class="node" opacity=${seen ? 1 : 0.7}>
          <rect x=${x0} y=${y(p) - pillH / 2} width=${f.pillW} height=${pillH} rx=${pillH / 2} fill="var(--bg, #fff)" stroke=${hot ? palette.orange : seen ? palette.blue : palette.grey} stroke-width="1.5"></rect>
          <text class="p" x=${x0 + f.pillW / 2} y=${y(p)} dy="0.35em" text-anchor="middle" font-size=${f.pFont} fill="currentColor">${p.node.pT.toFixed(2)}</text>
          <text class="token" x=${x0 + f.pillW + 6} y=${y(p)} dy="0.35em" font-size=${f.font} font-weight=${seen ? 700 : 400}
            fill=${hot ? '#a15c00' : 'currentColor'}>${p.node.token}${seen ? svg`<tspan font-size=${f.vFont} font-weight="400" dx="4">×${p.node.visits}</tspan>` : nothing}</text>
        </g>`;
      })}
    </svg>`;
  }
}

/** Leaves take consecutive rows in depth-first order; a parent sits midway between its first and last child. */
function layout(root: TreeNode): Placed[] {
  const out: Placed[] = [];
  let next = 0;
  const visit = (node: TreeNode, depth: number, parent: Placed | null): Placed => {
    const me: Placed = { node, depth, row: 0, parent };
    out.push(me);
    const kids = node.children.map((c) => visit(c, depth + 1, me));
    me.row = kids.length ? (kids[0]!.row + kids[kids.length - 1]!.row) / 2 : next++;
    return me;
  };
  visit(root, 0, null);
  return out;
}

let measureCtx: CanvasRenderingContext2D | null | undefined;

/** Rendered width of a label in the tree's font (canvas measureText; a rough estimate where no canvas exists). */
function measure(text: string, font: number, bold: boolean, family: string): number {
  if (measureCtx === undefined) measureCtx = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  if (!measureCtx) return [...text].length * font * (bold ? 0.68 : 0.6);
  measureCtx.font = `${bold ? 700 : 400} ${font}px ${family}`;
  return measureCtx.measureText(text).width;
}

function formatP(p: number): string {
  return p >= 0.001 ? `p = ${p.toFixed(3)}` : `p = ${p.toExponential(1)}`;
}
