import { css, html, svg, nothing, unsafeCSS } from 'lit';
import { scaleLinear } from 'd3-scale';
import { palette, scatterPlot, type ScatterPoint } from '../charts/index.js';
import { ANALOGIES, AXES, WORD_ENTRIES } from '../data/word-vectors.js';
import {
  buildWordSpace, EmbeddingSpace, pca, view2d, type Neighbour,
} from '../models/embedding-arithmetic.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  a: param.string({ fallback: 'king', maxLength: 40 }),
  b: param.string({ fallback: 'man', maxLength: 40 }),
  c: param.string({ fallback: 'woman', maxLength: 40 }),
  words: param.strings({ fallback: [], maxLength: 40 }),
  noise: param.number({ fallback: 0.05, min: 0, max: 0.5 }),
  top: param.int({ fallback: 5, min: 1, max: 10 }),
};

const GROUP_COLOURS: Record<string, string> = {
  people: palette.blue, places: palette.green, animals: palette.orange,
  colours: palette.purple, comparison: palette.vermillion, verbs: palette.sky,
};

interface Shown {
  key: string;
  a: string;
  b: string;
  c: string;
  neighbours: Neighbour[];
  /** Drawn words and their 2-D positions; target = a − b + c. */
  points: { word: string; group: string; x: number; y: number }[];
  target: [number, number];
}

/**
 * `<embedding-arithmetic>` — word-vector analogies: pick a − b + c and see the
 * nearest word by cosine similarity (a, b and c themselves excluded).
 *
 * The vectors are a small HAND-SET space (data/word-vectors.ts): 36 words on
 * 22 interpretable axes (royalty, gender, youth, capital city, country, …)
 * plus seeded Gaussian noise; they are NOT learned from text. The plot is a
 * linear 2-D view (PCA via TensorFlow.js, third component tilted in) of the
 * words in the same clusters as a, b and c, with the two parallel arrows
 * b → a and c → a − b + c.
 *
 * @attr a, b, c - the words of a − b + c (defaults king, man, woman; any case)
 * @attr words - comma-separated words to draw (default: the clusters of a, b, c and the answer)
 * @attr noise - standard deviation of the noise added to the hand-set vectors, 0 to 0.5 (default 0.05)
 * @attr top - how many nearest words to list, 1 to 10 (default 5)
 * @attr seed - seed of the noise (default 42)
 * @prop answer - string: the nearest word
 * @prop neighbours - {word, cosine}[]: nearest words, best first
 * @prop analogy - [a, b, c] as shown
 * @fires embedding-arithmetic-change - detail {a, b, c, answer, cosine} after a user change
 * @csspart frame - the box; scatter - the plot; controls - the word pickers; neighbours - the list
 * @cssprop --demo-accent - control colour
 */
export class EmbeddingArithmetic extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .equation { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35em; font-size: 1.05em; }
      .equation select { font-size: 1em; }
      .op { font-weight: 700; font-size: 1.2em; }
      .answer { font-weight: 700; color: var(--good); font-size: 1.15em; }
      .layout { display: grid; grid-template-columns: 700px 1fr; gap: 0.2em 1.2em; align-items: start; }
      .presets { display: flex; flex-wrap: wrap; gap: 0.3em; margin: 0.2em 0; }
      .presets button { font-size: max(16px, 0.72em); padding: 0.1em 0.5em; }
      h4 { margin: 0.2em 0 0.1em; font-size: max(16px, 0.85em); color: var(--muted); font-weight: 600; }
      .note { font-size: max(16px, 0.72em); color: var(--muted); margin-top: 0.3em; }
      .legend { font-size: max(16px, 0.8em); margin-top: 0.2em; }
      .swatch { display: inline-block; width: 0.7em; height: 0.7em; border-radius: 50%; vertical-align: middle; }
      .swatch.target { background: ${unsafeCSS(palette.vermillion)}; }
      .swatch.ring { border: 3px solid #111; width: 0.9em; height: 0.9em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _words: { state: true },
    _shown: { state: true },
  };

  declare a: string | undefined;
  declare b: string | undefined;
  declare c: string | undefined;
  declare words: string | string[] | undefined;
  declare noise: string | number | undefined;
  declare top: string | number | undefined;
  /** The user's picks (null until the first pick: the attributes rule). */
  declare _words: [string, string, string] | null;
  declare _shown: Shown | null;

  private v!: ParamValues<typeof PARAMS>;
  private space: EmbeddingSpace | null = null;
  private spaceKey = '';
  private wantedKey = '';
  /** The words currently chosen (the menus show these even while the answer is still computing). */
  private picks: [string, string, string] = ['king', 'man', 'woman'];
  /** Messages for words outside the vocabulary (shown like attribute errors). */
  private wordErrors: string[] = [];

  constructor() {
    super();
    this._words = null;
    this._shown = null;
  }

  get analogy(): [string, string, string] {
    return this._shown ? [this._shown.a, this._shown.b, this._shown.c] : ['', '', ''];
  }

  get answer(): string {
    return this._shown?.neighbours[0]?.word ?? '';
  }

  get neighbours(): Neighbour[] {
    return this._shown ? this._shown.neighbours.map((n) => ({ ...n })) : [];
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.v = this.readParams(PARAMS);
    if (changed.has('a') || changed.has('b') || changed.has('c')) this._words = null;
    const spaceKey = JSON.stringify([this.v.noise, this.seed]);
    if (spaceKey !== this.spaceKey) {
      this.space?.dispose();
      this.space = null;
      this.spaceKey = spaceKey;
    }
    const picks = this.resolvePicks();
    this.picks = picks;
    const key = JSON.stringify([spaceKey, picks, this.v.words, this.v.top]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.compute(key, picks));
    }
  }

  /** a, b, c spelled as in the vocabulary; unknown words fall back to king/man/woman with a message. */
  private resolvePicks(): [string, string, string] {
    const vocab = new Map(WORD_ENTRIES.map((e) => [e.word.toLowerCase(), e.word]));
    const raw = this._words ?? [this.v.a, this.v.b, this.v.c];
    const fallback = ['king', 'man', 'woman'];
    this.wordErrors = [];
    return raw.map((w, i) => {
      const found = vocab.get(w.trim().toLowerCase());
      if (found) return found;
      this.wordErrors.push(`${'abc'[i]}="${w}" is not valid: expected a word of the vocabulary (${WORD_ENTRIES.map((e) => e.word).join(', ')}). Using "${fallback[i]}" instead.`);
      return fallback[i]!;
    }) as [string, string, string];
  }

  private async compute(key: string, [a, b, c]: [string, string, string]): Promise<void> {
    await this.tf();
    if (!this.space) {
      this.space = new EmbeddingSpace(buildWordSpace(WORD_ENTRIES, AXES, { noise: this.v.noise, seed: this.seed }));
    }
    const space = this.space;
    const result = await space.analogy(a, b, c, this.v.top);
    const drawn = this.drawnWords([a, b, c, result.neighbours[0]?.word ?? a]);
    const rows = drawn.map((w) => space.vector(w));
    const p = await pca(rows, 3);
    if (key !== this.wantedKey) return;
    const groupOf = new Map(WORD_ENTRIES.map((e) => [e.word, e.group as string]));
    this._shown = {
      key, a, b, c,
      neighbours: result.neighbours,
      points: drawn.map((word, i) => {
        const [x, y] = view2d(p, rows[i]!);
        return { word, group: groupOf.get(word) ?? '', x, y };
      }),
      target: view2d(p, result.target),
    };
  }

  /** The `words` attribute (known words only), else every word in the clusters of the given words. */
  private drawnWords(core: string[]): string[] {
    const known = new Map(WORD_ENTRIES.map((e) => [e.word.toLowerCase(), e.word]));
    const listed = this.v.words.map((w) => known.get(w.toLowerCase())).filter((w): w is string => !!w);
    if (listed.length) return [...new Set([...core, ...listed])];
    const groups = new Set(WORD_ENTRIES.filter((e) => core.includes(e.word)).map((e) => e.group));
    return WORD_ENTRIES.filter((e) => groups.has(e.group)).map((e) => e.word);
  }

  override updated(): void {
    if (this._shown && this._shown.key === this.wantedKey) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.space?.dispose();
    this.space = null;
    this.spaceKey = '';
    this.wantedKey = '';
  }

  private pick(words: [string, string, string]): void {
    this._words = words;
    this.publishState();
    this.updateComplete.then(() => this.dispatchEvent(new CustomEvent('embedding-arithmetic-change', {
      detail: { a: words[0], b: words[1], c: words[2], answer: this.answer, cosine: this._shown?.neighbours[0]?.cosine },
      bubbles: true, composed: true,
    })));
  }

  override getSyncState(): unknown {
    return { words: this._words };
  }

  override applySyncState(state: unknown): void {
    const w = (state as { words?: unknown } | null)?.words;
    if (Array.isArray(w) && w.length === 3 && w.every((x) => typeof x === 'string')) this._words = w as [string, string, string];
  }

  private select(index: number, current: [string, string, string]) {
    return html`<select aria-label=${`word ${'abc'[index]}`} @change=${(e: Event) => {
      const next = [...current] as [string, string, string];
      next[index] = (e.target as HTMLSelectElement).value;
      this.pick(next);
    }}>
      ${WORD_ENTRIES.map((e) => html`<option value=${e.word} ?selected=${e.word === current[index]}>${e.word}</option>`)}
    </select>`;
  }

  protected override renderDemo() {
    const s = this._shown;
    const picks = this.picks;
    return html`
      ${this.wordErrors.length ? html`<ul class="messages" role="alert">${this.wordErrors.map((m) => html`<li class="error">${m}</li>`)}</ul>` : nothing}
      <div class="equation" part="controls">
        ${this.select(0, picks)} <span class="op">−</span> ${this.select(1, picks)} <span class="op">+</span> ${this.select(2, picks)}
        <span class="op">≈</span> <span class="answer" part="answer">${s?.neighbours[0]?.word ?? '…'}</span>
        <span class="muted">cos = ${s?.neighbours[0]?.cosine.toFixed(3) ?? '…'}</span>
      </div>
      <div class="presets">
        ${ANALOGIES.map((q) => html`<button @click=${() => this.pick([q.a, q.b, q.c])}>${q.a} − ${q.b} + ${q.c}</button>`)}
      </div>
      ${s ? this.renderResult(s) : html`<div class="muted">computing…</div>`}
    `;
  }

  private renderResult(s: Shown) {
    const index = new Map(s.points.map((p, i) => [p.word, i]));
    const answer = s.neighbours[0]?.word;
    const points: ScatterPoint[] = s.points.map((p) => ({
      x: p.x, y: p.y, label: p.word,
      color: [s.a, s.b, s.c].includes(p.word) ? '#111' : GROUP_COLOURS[p.group] ?? palette.grey,
      highlight: p.word === answer,
    }));
    points.push({ x: s.target[0], y: s.target[1], color: palette.vermillion }); // unlabelled: it sits on the answer's label
    const at = (w: string): [number, number] => {
      const p = s.points[index.get(w)!]!;
      return [p.x, p.y];
    };
    // Room on the right for the labels, which are drawn to the right of their points.
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const xPad = (x1 - x0 || 1);
    const yPad = (y1 - y0 || 1) * 0.08;
    return html`
      <div class="layout">
        ${scatterPlot({
          points,
          xDomain: [x0 - 0.06 * xPad, x1 + 0.28 * xPad],
          yDomain: [y0 - yPad, y1 + yPad],
          width: 700, height: 400, radius: 7, labelSize: 19,
          arrows: [
            { from: at(s.b), to: at(s.a), color: palette.orange, label: `${s.a} − ${s.b}` },
            { from: at(s.c), to: s.target, color: palette.orange },
          ],
          title: 'word vectors in 2-D',
        })}
        <div part="neighbours">
          <h4>nearest to ${s.a} − ${s.b} + ${s.c} (cosine)</h4>
          ${this.renderNeighbours(s.neighbours)}
          <div class="legend"><span class="swatch target"></span> the computed point a − b + c
            &nbsp;<span class="swatch ring"></span> nearest word</div>
          <div class="note">Hand-set toy space: each word was given values on ${AXES.length} readable axes
            (royalty, gender, youth, capital city, country, …) plus seeded noise (σ = ${this.v.noise}).
            Real embeddings learn hundreds of unnamed axes from text. Plot: a linear 2-D view of the top
            three principal directions, so the arrows stay parallel.</div>
        </div>
      </div>
    `;
  }

  private renderNeighbours(list: readonly Neighbour[]) {
    const w = 420;
    const rowH = 36;
    const x = scaleLinear().domain([Math.min(0, ...list.map((n) => n.cosine)), 1]).range([0, w - 190]);
    return html`<svg class="chart" viewBox="0 0 ${w} ${list.length * rowH}" width="100%" role="img" aria-label="nearest words">
      ${list.map((n, i) => svg`<g transform="translate(0, ${i * rowH})">
        <text x="110" y=${rowH / 2} dy="0.35em" text-anchor="end" font-size="19" font-weight=${i === 0 ? 700 : 400} fill="currentColor">${n.word}</text>
        <rect x=${120 + x(Math.min(0, n.cosine))} y="6" width=${Math.abs(x(n.cosine) - x(0))} height=${rowH - 12} rx="3"
          fill=${i === 0 ? palette.green : palette.grey}></rect>
        <text x=${120 + x(Math.max(0, n.cosine)) + 6} y=${rowH / 2} dy="0.35em" font-size="17" fill="currentColor">${n.cosine.toFixed(3)}</text>
      </g>`)}
    </svg>`;
  }
}
