import { css, html, svg, nothing } from 'lit';
import { linkHorizontal } from 'd3-shape';
import { palette } from '../charts/index.js';
import { DEFAULT_PROMPT, DEFAULT_TABLE } from '../data/next-token-table.js';
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

const W = 760;
const H = 440;

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
 * numbers come from a small next-token table: the built-in one is
 * ILLUSTRATIVE, written by hand for "The cat sat on the" (data/next-token-table.ts),
 * not read out of a trained model. Temperature reshapes every branch point
 * (p^(1/T), renormalised, by the shared softmax); T = 0 always takes the favourite.
 *
 * @attr prompt - the starting text (default "The cat sat on the")
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
      .layout { display: grid; grid-template-columns: ${W}px 1fr; gap: 0 1em; align-items: start; }
      ol { margin: 0; padding-left: 1.4em; font-size: 0.85em; }
      ol li { margin: 0.12em 0; }
      ol li.latest { color: #a15c00; font-weight: 600; }
      .prob { color: var(--muted); font-size: 0.85em; font-variant-numeric: tabular-nums; }
      h4 { margin: 0.1em 0 0.2em; font-size: 0.8em; color: var(--muted); font-weight: 600; }
      .greedy { color: var(--bad); font-weight: 600; }
      .note { font-size: 0.7em; color: var(--muted); margin-top: 0.4em; }
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
    if (changed.has('table') || !this.parsed) this.parseTableAttr();
    const key = JSON.stringify([this.v.prompt, this.v.table, this.v.runs, this.v.maxDepth, this.seed, this.currentTemperature]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      this.enqueue(() => this.reset(key, this.v.runs));
    }
  }

  private parseTableAttr(): void {
    this.tableError = null;
    try {
      this.parsed = parseTable(this.v.table.trim() ? this.v.table : DEFAULT_TABLE);
    } catch (e) {
      this.tableError = `table: ${(e as Error).message}. Using the built-in table instead.`;
      this.parsed = parseTable(DEFAULT_TABLE);
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
        <div part="tree">${this._tree ? this.renderTree(this._tree) : html`<span class="muted">…</span>`}</div>
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
    const rows = Math.max(1, ...placed.map((p) => p.row + 1));
    const depth = Math.max(1, ...placed.map((p) => p.depth));
    const rowH = Math.min(46, (H - 20) / rows);
    let font = Math.max(14, Math.min(20, rowH * 0.55));
    let rootFont = Math.max(font, 18);
    // the prompt's width, so a long prompt is not cut off on the left (bold text ≈ 0.6 em a character)
    const rootWidth = (f: number) => Math.min(320, Math.max(80, root.text.length * f * 0.6)) + 6;
    // each column as wide as its longest token (+ visit count and edge gap); shrink the text if the row is too long
    const widths = (f: number) => Array.from({ length: depth + 1 }, (_, d) =>
      Math.max(0, ...placed.filter((p) => p.depth === d).map((p) => tokenWidth(p.node.token, f) + 40)));
    const total = (f: number, rf: number) => rootWidth(rf) + 30 + widths(f).slice(1).reduce((a, b) => a + b, 0);
    const shrink = Math.min(1, W / total(font, rootFont));
    font *= shrink;
    rootFont *= shrink;
    const ROOT_W = rootWidth(rootFont);
    const colX = [ROOT_W, ROOT_W + 30];
    widths(font).slice(1).forEach((w, i) => colX.push(colX[i + 1]! + w));
    const y = (p: Placed) => 10 + (p.row + 0.5) * rowH;
    const x = (p: Placed) => colX[p.depth]!;
    const latest = new Set<TreeNode>();
    const last = this._paths[this._paths.length - 1];
    if (last) {
      let node = root;
      for (const s of last.steps) {
        node = node.children.find((c) => c.token === s.token)!;
        latest.add(node);
      }
    }
    const link = linkHorizontal<unknown, [number, number]>().source((d: any) => d[0]).target((d: any) => d[1]);
    return html`<svg class="chart tree" viewBox="0 0 ${W} ${Math.max(H, rows * rowH + 20)}" width="100%" role="img" aria-label="sampling tree">
      ${placed.filter((p) => p.parent).map((p) => {
        const from: [number, number] = [x(p.parent!) + (p.parent!.depth === 0 ? 8 : tokenWidth(p.parent!.node.token, font) + 6), y(p.parent!)];
        const to: [number, number] = [x(p) - 4, y(p)];
        const hot = latest.has(p.node);
        return svg`<path d=${link([from, to] as never) ?? ''} fill="none" stroke=${hot ? palette.orange : p.node.visits ? palette.blue : palette.grey}
            stroke-width=${hot ? 4 : p.node.visits ? 1.5 + Math.min(4, p.node.visits) : 1.2} opacity=${p.node.visits ? 1 : 0.55}></path>
          ${p.depth === 1 || p.node.visits ? svg`<text x=${to[0] - 6} y=${to[1] - 5} text-anchor="end" font-size=${font * 0.66} fill="currentColor" opacity="0.8">${p.node.pT.toFixed(2)}</text>` : nothing}`;
      })}
      ${placed.map((p) => p.depth === 0
        ? svg`<text x=${ROOT_W} y=${y(p)} dy="0.35em" text-anchor="end" font-size=${rootFont} font-weight="700" fill="currentColor">${p.node.text}</text>`
        : svg`<text x=${x(p)} y=${y(p)} dy="0.35em" font-size=${font} font-weight=${p.node.visits ? 700 : 400}
            fill=${latest.has(p.node) ? '#a15c00' : 'currentColor'} opacity=${p.node.visits ? 1 : 0.6}>${p.node.token}${p.node.visits ? svg`<tspan font-size=${font * 0.62} font-weight="400" dx="3">×${p.node.visits}</tspan>` : nothing}</text>`)}
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

/** Rough text width, for starting an edge just right of a token. */
function tokenWidth(token: string, font: number): number {
  return token.length * font * 0.58 + 22;
}

function formatP(p: number): string {
  return p >= 0.001 ? `p = ${p.toFixed(3)}` : `p = ${p.toExponential(1)}`;
}
