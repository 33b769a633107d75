import { css, html, svg } from 'lit';
import { lineChart } from '../charts/line-chart.js';
import { palette } from '../charts/colors.js';
import {
  BOOK_70B, DEFAULT_DECODER, generateBoth, kvCacheSize, randomWeights, TinyDecoder, type DecoderShape, type TokenStep,
} from '../models/kv-cache.js';
import { formatBytes, formatInt } from '../models/model-calculator.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

/** K/V head counts of the real configuration's slider: the divisors of its 64 query heads. */
export const KV_STOPS = [64, 32, 16, 8, 4, 2, 1] as const;

const PARAMS = {
  tokens: param.int({ fallback: 128, min: 2, max: 256 }),
  dModel: param.int({ fallback: DEFAULT_DECODER.dModel, min: 8, max: 128, attribute: 'd-model' }),
  layers: param.int({ fallback: DEFAULT_DECODER.layers, min: 1, max: 4 }),
  kvHeads: param.oneOf(['64', '32', '16', '8', '4', '2', '1'] as const, '64', 'kv-heads'),
  context: param.int({ fallback: 8192, min: 1, max: 1_048_576 }),
};

/** The toy decoder's query heads (its d-model split in 4). */
const TOY_HEADS = 4;
const PROMPT = [1, 7, 3];
/** The chart shows each step's time as the median of this many neighbouring steps (single timings jump with GC and other tabs). */
export const SMOOTH = 9;

/** Running median over a centred window of SMOOTH steps (shorter at the ends). */
export function smooth(xs: readonly number[], window = SMOOTH): number[] {
  const half = window >> 1;
  return xs.map((_, i) => {
    const w = xs.slice(Math.max(0, i - half), i + half + 1).sort((a, b) => a - b);
    return w[w.length >> 1]!;
  });
}

type Kind = 'MHA' | 'GQA' | 'MQA';
export const kindOf = (kvHeads: number, heads: number): Kind => (kvHeads === heads ? 'MHA' : kvHeads === 1 ? 'MQA' : 'GQA');
/** The toy's K/V heads for the same kind of attention: 4 (MHA), 2 (GQA), 1 (MQA). */
const toyKvHeads = (k: Kind) => (k === 'MHA' ? TOY_HEADS : k === 'MQA' ? 1 : 2);

export interface KvCacheChangeDetail {
  kvHeads: number;
  bytesPerToken: number;
  bytesAtContext: number;
  steps: number;
  maxDiff: number;
}

/**
 * `<kv-cache>` — the KV cache (chapter 24) and grouped-query attention
 * (chapter 25), in a decoder that really runs.
 *
 * Left: a tiny decoder (seeded random weights, 16-token vocabulary, d-model
 * 32, 4 query heads, 2 layers of causal self-attention; `models/kv-cache.ts`)
 * generates greedily token by token on the page's backend, twice per step:
 * WITH a cache (only the new token's q, k, v; K and V appended) and WITHOUT
 * (the whole sequence recomputed). The chart plots the measured ms of each
 * step (each point the median of 9 neighbouring steps): recomputation grows
 * with the position, the cached step stays nearly flat. The readout gives the largest |Δ| between the two paths' logits over
 * every step (float32 rounding, about 10⁻⁶) and that every greedy choice
 * agreed; a bar shows the toy's cache growing one slot per token.
 *
 * Right: the cache of a real configuration, the book's 70 B (80 layers, 64
 * query heads of 128, bf16): bytes per token = 2 (K and V) · layers · h_kv ·
 * d_head · 2 bytes, computed by `<model-calculator>`'s formula, and at
 * `context` tokens. The kv-heads slider goes from MHA (64 K/V heads:
 * 1,310,720 B per token per direction, 2,621,440 B for K+V, 21.5 GB at
 * 8,192 tokens) through GQA (8, Llama-3-70B: 327,680 B, 2.68 GB) to MQA
 * (1: 40,960 B, 336 MB); the toy decoder switches to the same kind (4, 2 or
 * 1 K/V heads) and generates again.
 *
 * Generation starts when the demo's slide is first shown. Print and still
 * mode generate too (a few seconds; the logits and tokens are
 * deterministic, the timings are labelled as measured).
 *
 * @attr tokens - steps generated (prompt included), 2 to 256 (default 128)
 * @attr d-model - the toy's width, 8 to 128, a multiple of 4 (default 32)
 * @attr layers - the toy's layers, 1 to 4 (default 2)
 * @attr kv-heads - K/V heads of the real configuration: 64, 32, 16, 8, 4, 2 or 1 (default 64 = MHA)
 * @attr context - tokens for the real cache's size, 1 to 1,048,576 (default 8192)
 * @attr seed - the toy's weights (default 42)
 * @prop steps - [{position, input, next, cachedMs, fullMs, maxDiff, sameChoice}]; maxDiff; generating; currentKvHeads; toyKvHeads
 * @prop real - {perTokenPerDirection, perToken, total} of the real configuration now
 * @method generate() - generate again; setKvHeads(n)
 * @fires kv-cache-change - detail {kvHeads, bytesPerToken, bytesAtContext, steps, maxDiff} after a slider change or a finished generation
 * @csspart timing - the per-token chart; cache - the cache bars and sizes; controls - button and slider
 * @cssprop --demo-accent - buttons and slider
 */
export class KvCache extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 600fr) minmax(0, 560fr); gap: 0 1em; align-items: start; }
      .side { font-size: max(16px, 0.85em); }
      .side h3 { margin: 0.1em 0; font-size: 1em; }
      svg.bars { display: block; width: 100%; height: auto; }
      svg.bars text { font-size: 17px; fill: currentColor; }
      .readout { margin: 0.1em 0; font-size: max(16px, 0.85em); }
      .controls input[type='range'] { width: 12em; }
      .controls button { min-height: 44px; }
      .same { color: var(--good); font-weight: 700; }
      .formula { font-variant-numeric: tabular-nums; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _steps: { state: true },
    _kv: { state: true },
    _generating: { state: true },
  };

  declare tokens: string | number | undefined;
  declare dModel: string | number | undefined;
  declare layers: string | number | undefined;
  declare kvHeads: string | number | undefined;
  declare context: string | number | undefined;
  declare _steps: TokenStep[];
  /** K/V heads chosen with the slider; null = the attribute. */
  declare _kv: number | null;
  declare _generating: boolean;

  private p!: ParamValues<typeof PARAMS>;
  private attrKey = '';
  private toyKey = '';
  private generation = 0;
  private done = false;

  constructor() {
    super();
    this._steps = [];
    this._kv = null;
    this._generating = false;
  }

  get currentKvHeads(): number {
    const p = this.p ?? this.readParams(PARAMS);
    return this._kv ?? Number(p.kvHeads);
  }
  get kind(): Kind { return kindOf(this.currentKvHeads, BOOK_70B.heads); }
  get toyKvHeads(): number { return toyKvHeads(this.kind); }
  get steps(): TokenStep[] { return [...this._steps]; }
  get maxDiff(): number { return this._steps.reduce((m, s) => Math.max(m, s.maxDiff), 0); }
  get generating(): boolean { return this._generating; }
  get real() { return kvCacheSize({ ...BOOK_70B, kvHeads: this.currentKvHeads, tokens: this.p.context }); }

  private toyShape(): DecoderShape {
    const d = Math.max(TOY_HEADS, Math.round(this.p.dModel / TOY_HEADS) * TOY_HEADS);
    return { ...DEFAULT_DECODER, dModel: d, heads: TOY_HEADS, kvHeads: this.toyKvHeads, headDim: d / TOY_HEADS, layers: this.p.layers, maxLength: Math.max(256, this.p.tokens) };
  }

  override willUpdate(): void {
    this.p = this.readParams(PARAMS);
    const key = JSON.stringify([this.p.tokens, this.p.dModel, this.p.layers, this.p.kvHeads, this.seed]);
    if (key !== this.attrKey) {
      this.attrKey = key;
      this._kv = null;
    }
    const toy = JSON.stringify([this.toyShape(), this.p.tokens, this.seed]);
    // Timed generation: only once the slide is shown (or printed), not at deck load.
    if (toy !== this.toyKey && (this.visible || this.still)) {
      this.toyKey = toy;
      void this.generate(false);
    }
  }

  override updated(): void {
    if (this.done && !this._generating) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.generation++;
  }

  /** Generates again with and without the cache. */
  async generate(announce = true): Promise<void> {
    const gen = ++this.generation;
    this.markBusy();
    this.done = false;
    this._generating = true;
    this._steps = [];
    await this.guard(async () => {
      await this.tf();
      if (gen !== this.generation) return;
      const shape = this.toyShape();
      const decoder = new TinyDecoder(shape, randomWeights(shape, this.rng('weights')));
      try {
        let batch: TokenStep[] = [];
        let last = performance.now();
        await generateBoth(decoder, PROMPT, this.p.tokens - PROMPT.length, (s) => {
          if (gen !== this.generation) return false;
          batch.push(s);
          if (performance.now() - last > 100) {
            this._steps = [...this._steps, ...batch];
            batch = [];
            last = performance.now();
          }
          return true;
        });
        if (gen === this.generation) this._steps = [...this._steps, ...batch];
      } finally {
        decoder.dispose();
      }
    });
    if (gen !== this.generation) return;
    this._generating = false;
    this.done = true;
    this.requestUpdate();
    if (announce) this.announce();
  }

  setKvHeads(n: number): void {
    if (!KV_STOPS.includes(n as (typeof KV_STOPS)[number])) return;
    this._kv = n;
    this.requestUpdate();
    this.publishState();
    this.announce();
  }

  private announce(): void {
    const r = this.real;
    this.dispatchEvent(new CustomEvent<KvCacheChangeDetail>('kv-cache-change', {
      detail: { kvHeads: this.currentKvHeads, bytesPerToken: r.perToken, bytesAtContext: r.total, steps: this._steps.length, maxDiff: this.maxDiff },
      bubbles: true, composed: true,
    }));
  }

  override getSyncState(): unknown {
    return { kvHeads: this._kv };
  }

  override applySyncState(state: unknown): void {
    const v = (state as { kvHeads?: unknown } | null)?.kvHeads;
    if (v === null || KV_STOPS.includes(v as (typeof KV_STOPS)[number])) {
      this._kv = v as number | null;
      this.requestUpdate();
    }
  }

  protected override renderDemo() {
    const steps = this._steps;
    const total = this.p.tokens;
    const full = smooth(steps.map((s) => s.fullMs));
    const cached = smooth(steps.map((s) => s.cachedMs));
    const chart = lineChart({
      series: [
        { name: 'without cache', points: full.map((v, i) => [i + 1, v] as const), color: palette.vermillion },
        { name: 'with cache', points: cached.map((v, i) => [i + 1, v] as const), color: palette.blue, dashed: true },
      ],
      width: 600,
      height: 330,
      xDomain: [0, total],
      yDomain: [0, Math.max(0.5, ...full, ...cached) * 1.15],
      xLabel: 'token position (sequence length)',
      yLabel: `ms per token (median of ${SMOOTH})`,
      formatY: (t) => `${t}`,
      title: 'measured time per generated token with and without the KV cache',
    });
    const sameAll = steps.length > 0 && steps.every((s) => s.sameChoice);
    const kv = this.currentKvHeads;
    const idx = KV_STOPS.indexOf(kv as (typeof KV_STOPS)[number]);
    const lastFull = full.at(-1) ?? 0;
    const lastCached = cached.at(-1) ?? 0;
    return html`
      <div class="layout">
        <div part="timing">${chart}
          <div class="readout logits-line">${steps.length
            ? html`max |Δ logits| over ${steps.length} steps: <span class="value max-diff">${this.maxDiff.toExponential(1)}</span>
              ${sameAll ? html` · <span class="same">same tokens ✓</span>` : html` · tokens differ`}`
            : html`generating…`}</div>
        </div>
        <div class="side" part="cache">${this.renderCache(steps.length)}</div>
      </div>
      <div class="controls" part="controls">
        <button class="generate" @click=${() => void this.generate()} ?disabled=${this._generating}>${this._generating ? 'generating…' : '↻ generate again'}</button>
        <label>K/V heads = <span class="value kv">${kv}</span> of 64 (${this.kind})
          <input class="kv" type="range" min="0" max=${KV_STOPS.length - 1} step="1" .value=${String(idx)} aria-label="K/V heads of the 70 B configuration"
            @input=${(e: Event) => this.setKvHeads(KV_STOPS[Number((e.target as HTMLInputElement).value)]!)} /></label>
        <span class="readout timing-line">${steps.length
          ? html`on <span class="value backend">${this.backend}</span>, near token ${steps.length}: <span class="value full-ms">${lastFull.toFixed(1)} ms</span> without,
            <span class="value cached-ms">${lastCached.toFixed(1)} ms</span> with the cache`
          : ''}</span>
      </div>`;
  }

  private renderCache(t: number) {
    const shape = this.toyShape();
    const toy = kvCacheSize({ layers: shape.layers, kvHeads: shape.kvHeads, headDim: shape.headDim, kvBytes: 4, tokens: Math.max(1, t) });
    const toyFull = kvCacheSize({ layers: shape.layers, kvHeads: TOY_HEADS, headDim: shape.headDim, kvBytes: 4, tokens: this.p.tokens });
    const r = this.real;
    const mha = kvCacheSize({ ...BOOK_70B, kvHeads: BOOK_70B.heads, tokens: this.p.context });
    const W = 560;
    const BAR = 340;
    const x0 = 200;
    const toyW = (BAR * (t ? toy.total : 0)) / toyFull.total;
    const realW = Math.max(2, (BAR * r.total) / mha.total);
    const kv = this.currentKvHeads;
    return html`
      <h3>Toy cache: ${shape.layers} layers × ${shape.kvHeads} K/V heads × ${shape.headDim} × 4 B</h3>
      ${svg`<svg class="bars" viewBox="0 0 ${W} 150" role="img" aria-label="cache sizes">
        <text x="0" y="24">toy, ${t} tokens</text>
        <rect x=${x0} y="6" width=${BAR} height="26" fill="none" stroke="currentColor" opacity="0.4"></rect>
        <rect class="toy-bar" x=${x0} y="6" width=${toyW} height="26" fill=${palette.green}></rect>
        <text x=${x0 + 8} y="56">${formatInt(toy.perToken)} B/token · ${t ? formatBytes(toy.total) : '0 B'}</text>
        <text x="0" y="98">70 B, MHA (64)</text>
        <rect x=${x0} y="80" width=${BAR} height="26" fill=${palette.grey} opacity="0.55"></rect>
        <text x=${x0 + BAR - 8} y="98" text-anchor="end">${formatBytes(mha.total)}</text>
        <text x="0" y="140">70 B, ${kv} K/V</text>
        <rect class="real-bar" x=${x0} y="122" width=${realW} height="26" fill=${palette.blue}></rect>
        <text x=${realW > 150 ? x0 + realW - 8 : x0 + realW + 8} y="140" text-anchor=${realW > 150 ? 'end' : 'start'}
          fill=${realW > 150 ? 'white' : 'currentColor'} font-weight="700">${formatBytes(r.total)}</text>
      </svg>`}
      <h3>Book's 70 B: 80 layers, 64 heads of 128, bf16</h3>
      <div class="readout formula">K or V per token: ${BOOK_70B.layers} × ${kv} × ${BOOK_70B.headDim} × ${BOOK_70B.kvBytes} B = <span class="value per-direction">${formatInt(r.perTokenPerDirection)} B</span></div>
      <div class="readout formula">K + V per token: <span class="value per-token">${formatInt(r.perToken)} B</span>;
        at ${formatInt(this.p.context)} tokens: <span class="value at-context">${formatBytes(r.total)}</span>
        ${kv < BOOK_70B.heads ? html` (÷ ${BOOK_70B.heads / kv} vs MHA)` : ''}</div>
      <div class="readout">Llama-3-70B (8 K/V): 327,680 B/token, 2.68 GB at 8K.</div>`;
  }
}
