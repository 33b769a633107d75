import { css, html } from 'lit';
import { lineChart } from '../charts/line-chart.js';
import { palette } from '../charts/colors.js';
import {
  IndexerTrainer,
  makeContext,
  SparseIndexer,
  workSaved,
  type Context,
  type Scored,
} from '../models/sparse-indexer.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  context: param.int({ fallback: 64, min: 8, max: 256 }),
  k: param.int({ fallback: 8, min: 1, max: 256 }),
  steps: param.int({ fallback: 100, min: 0, max: 1000 }),
  learningRate: param.number({ fallback: 0.02, min: 0.001, max: 0.5, attribute: 'learning-rate' }),
};

/** Held-out contexts for the recall curve; evaluated every EVAL_EVERY steps. */
const HELD_OUT = 24;
const EVAL_EVERY = 5;
/** Training stops by itself after this many steps. */
const MAX_STEPS = 400;

interface Setup {
  key: string;
  model: SparseIndexer;
  trainer: IndexerTrainer;
  heldOut: Context[];
  /** [step, loss] and [step, mean recall@k on the held-out contexts]. */
  losses: [number, number][];
  recalls: [number, number][];
}

/**
 * `<sparse-attention-indexer>` — a learned indexer picks which past tokens a
 * token attends to (the idea behind DeepSeek's sparse attention).
 *
 * A long context of words; the last one is the current token. A small
 * indexer scores every past word, score = (x·W_Q)·(x_past·W_K), and only the
 * top-k are kept (filled chips), so attention compares with k tokens instead
 * of n: the share of work saved is 1 − k/n. The task hides a topic behind
 * every word (fruit, weather, tools, …); the relevant past words are the ones
 * sharing the current word's topic (marked with an orange bar). W_Q and W_K
 * start random and are trained by gradient descent; the score shown is
 * hits@k ÷ min(k, relevant): relevant words kept, out of as many as k allows.
 * It is not recall (hits ÷ relevant), which cannot reach 1 when more words are
 * relevant than k keeps; it climbs from chance to ~1.
 *
 * @attr context - number of past tokens n, 8 to 256 (default 64)
 * @attr k - tokens kept, 1 to 256 (default 8); the slider changes it live
 * @attr steps - training steps shown in print, 0 to 1000 (default 100); live, training starts at 0 until ▶
 * @attr learning-rate - Adam step size, 0.001 to 0.5 (default 0.02)
 * @attr seed - embeddings, initial weights and contexts (default 42)
 * @prop kept - positions kept (best first); scores - index score of every past position
 * @prop recall - hits@k ÷ min(k, relevant) on the context shown (named recall for history; not hits ÷ relevant);
 *   heldOutRecall - its mean on 24 held-out contexts
 * @prop saved - 1 − k/n; trainedSteps - training steps done; tokens - the past words; current - the current word
 * @fires sparse-indexer-change - detail {k, recall, heldOutRecall, saved, trainedSteps} after each refresh
 * @csspart frame - the box; context - the word chips; side - formula, numbers, chart and controls
 * @cssprop --demo-accent - kept chips and buttons
 */
export class SparseAttentionIndexer extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 1fr) 400px; gap: 0 1em; align-items: start; }
      .chips { display: flex; flex-wrap: wrap; gap: 5px; font-size: max(16px, 0.76em); line-height: 1.1; }
      .chip { padding: 0.18em 0.35em 0.28em; border-radius: 5px; border: 2px solid transparent; color: #6b7480; background: #f1f3f6; position: relative; }
      .chip.kept { background: var(--accent); color: white; border-color: var(--accent); font-weight: 600; }
      .chip.rel::after { content: ''; position: absolute; left: 3px; right: 3px; bottom: 1px; height: 3px; border-radius: 2px; background: #e69f00; }
      .chip.current { background: #111; color: white; font-weight: 700; }
      .legend { font-size: max(16px, 0.7em); color: var(--muted); margin-top: 0.5em; display: flex; gap: 1.2em; flex-wrap: wrap; align-items: center; }
      .legend .chip { font-size: 0.95em; }
      .saved { margin-bottom: 0.15em; font-size: 0.9em; }
      .note { font-size: max(16px, 0.62em); color: var(--muted); margin-bottom: 0.2em; }
      .big { font-size: 1.35em; font-weight: 700; color: var(--accent); font-variant-numeric: tabular-nums; }
      .nums { display: grid; grid-template-columns: auto auto; gap: 0 0.8em; font-size: max(16px, 0.66em); align-items: baseline; margin: 0.2em 0 0.3em; }
      .nums .v { font-variant-numeric: tabular-nums; font-weight: 600; text-align: right; }
      .controls { margin: 0.15em 0; }
      .controls button, .controls label { font-size: max(16px, 0.68em); }
      input[type='range'] { width: 8em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _shown: { state: true },
    _k: { state: true },
    _contextIndex: { state: true },
  };

  declare context: string | number | undefined;
  declare k: string | number | undefined;
  declare steps: string | number | undefined;
  declare learningRate: string | number | undefined;
  /** What is on screen: the context, its scores and the held-out recall, for a setup key and k. */
  declare _shown: { key: string; k: number; ctx: Context; scored: Scored; heldOut: number; steps: number } | null;
  declare _k: number | null;
  declare _contextIndex: number;

  private p!: ParamValues<typeof PARAMS>;
  private setup: Setup | null = null;
  private wantedKey = '';
  private readonly loop = new LoopController(this, () => this.trainFrame());

  constructor() {
    super();
    this._shown = null;
    this._k = null;
    this._contextIndex = 0;
  }

  get currentK(): number {
    return Math.min(this._k ?? this.p.k, this.p.context);
  }
  get kept(): number[] {
    return this._shown?.scored.kept ?? [];
  }
  get scores(): number[] {
    return this._shown?.scored.scores ?? [];
  }
  get recall(): number | null {
    return this._shown?.scored.recall ?? null;
  }
  get heldOutRecall(): number | null {
    return this._shown?.heldOut ?? null;
  }
  get saved(): number {
    return workSaved(this.currentK, this.p.context);
  }
  get trainedSteps(): number {
    return this.setup?.trainer.model.steps ?? 0;
  }
  get tokens(): string[] {
    return this._shown ? this._shown.ctx.past.map((w) => this.setup!.model.vocab.words[w]) : [];
  }
  get current(): string | null {
    return this._shown ? this.setup!.model.vocab.words[this._shown.ctx.current] : null;
  }

  /** Trains `count` more steps at once (tests, "+10"), then redraws. */
  async train(count: number): Promise<void> {
    const s = this.setup;
    if (!s) return;
    this.markBusy();
    const loss = await s.trainer.run(count);
    s.losses = [...s.losses, [s.model.steps, loss]];
    await this.refresh(true);
  }

  /** Sets k (the slider does this). */
  setK(k: number): void {
    this._k = Math.max(1, Math.min(this.p.context, Math.round(k)));
    this.publishState();
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('k') || changed.has('context')) this._k = null;
    const key = JSON.stringify([this.p.context, this.p.learningRate, this.seed, this.still ? this.p.steps : 0]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.build(key));
    } else if (this.setup && this._shown && (this._shown.k !== this.currentK || this._shown.ctx !== this.contextFor(this._contextIndex))) {
      this.markBusy();
      void this.guard(() => this.refresh(true));
    }
  }

  private contexts: Context[] = [];
  /** The i-th shown context (seeded, cached so the same index is the same object). */
  private contextFor(i: number): Context {
    const s = this.setup;
    if (!s) throw new Error('no setup');
    while (this.contexts.length <= i) this.contexts.push(makeContext(this.rng(`shown-${this.contexts.length}`), s.model.vocab, this.p.context));
    return this.contexts[i];
  }

  private async build(key: string): Promise<void> {
    this.loop.pause();
    await this.tf();
    if (key !== this.wantedKey) return;
    this.dispose();
    const model = new SparseIndexer({ seed: this.seed, learningRate: this.p.learningRate });
    const trainer = new IndexerTrainer(model, this.rng('train'), Math.max(16, this.p.context));
    const heldOut = Array.from({ length: HELD_OUT }, (_, i) => makeContext(this.rng(`held-out-${i}`), model.vocab, this.p.context));
    this.setup = { key, model, trainer, heldOut, losses: [], recalls: [] };
    this.contexts = [];
    if (this.still && this.p.steps > 0) {
      // Print: the same seeded steps every time, the curve sampled at about ten points.
      const every = Math.max(EVAL_EVERY, Math.ceil(this.p.steps / 10));
      this.setup.recalls.push([0, await model.meanRecall(heldOut, this.currentK)]);
      for (let done = 0; done < this.p.steps; done += every) {
        const n = Math.min(every, this.p.steps - done);
        this.setup.losses.push([done + n, await trainer.run(n)]);
        this.setup.recalls.push([done + n, await model.meanRecall(heldOut, this.currentK)]);
      }
    }
    await this.refresh(true);
  }

  /** Scores the shown context (and, if asked, the held-out set). At most two read-backs. */
  private async refresh(withHeldOut: boolean): Promise<void> {
    const s = this.setup;
    if (!s) return;
    const k = this.currentK;
    const ctx = this.contextFor(this._contextIndex);
    const scored = await s.model.score(ctx, k);
    let heldOut = this._shown?.key === s.key && this._shown.k === k ? this._shown.heldOut : NaN;
    if (withHeldOut || !Number.isFinite(heldOut)) {
      heldOut = await s.model.meanRecall(s.heldOut, k);
      const last = s.recalls[s.recalls.length - 1];
      if (!last || last[0] !== s.model.steps) s.recalls = [...s.recalls, [s.model.steps, heldOut]];
    }
    if (s !== this.setup) return;
    this._shown = { key: s.key, k, ctx, scored, heldOut, steps: s.model.steps };
    this.dispatchEvent(new CustomEvent('sparse-indexer-change', {
      detail: { k, recall: scored.recall, heldOutRecall: heldOut, saved: this.saved, trainedSteps: s.model.steps },
      bubbles: true,
      composed: true,
    }));
  }

  /** One frame: a training step with one read-back, or (every EVAL_EVERY steps) a redraw. */
  private async trainFrame(): Promise<void> {
    const s = this.setup;
    if (!s) return;
    if (s.model.steps >= MAX_STEPS) {
      this.loop.pause();
      return;
    }
    if (s.model.steps % EVAL_EVERY === 0 && this._shown?.steps !== s.model.steps) {
      await this.refresh(true);
      return;
    }
    const loss = s.trainer.step();
    const value = (await loss.data())[0];
    loss.dispose();
    s.losses = [...s.losses, [s.model.steps, value]];
  }

  override updated(): void {
    const v = this._shown;
    if (v && v.key === this.wantedKey && v.k === this.currentK && this.setup?.key === this.wantedKey) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loop.pause();
    this.dispose();
    this.wantedKey = '';
  }

  private dispose(): void {
    this.setup?.model.dispose();
    this.setup = null;
  }

  override getSyncState(): unknown {
    return { k: this._k, context: this._contextIndex };
  }

  override applySyncState(state: unknown): void {
    const s = state as { k?: unknown; context?: unknown } | null;
    if (s?.k === null || (typeof s?.k === 'number' && Number.isInteger(s.k) && s.k >= 1)) this._k = s.k as number | null;
    if (typeof s?.context === 'number' && Number.isInteger(s.context) && s.context >= 0 && s.context < 1000) this._contextIndex = s.context;
  }

  /* ----------------------------- rendering ----------------------------- */

  protected override renderDemo() {
    const v = this._shown;
    const s = this.setup;
    if (!v || !s) return html`<div class="muted">building the context…</div>`;
    const words = s.model.vocab.words;
    const kept = new Set(v.scored.kept);
    const rank = new Map(v.scored.kept.map((p, i) => [p, i + 1]));
    const relevant = v.ctx.relevant.filter(Boolean).length;
    const hits = v.scored.kept.filter((i) => v.ctx.relevant[i]).length;
    return html`<div class="layout">
      <div part="context">
        <div class="chips" role="list" aria-label="past tokens, kept ones highlighted">
          ${v.ctx.past.map((w, i) => html`<span role="listitem" class="chip ${kept.has(i) ? 'kept' : ''} ${v.ctx.relevant[i] ? 'rel' : ''}"
            title=${`position ${i + 1}: score ${v.scored.scores[i].toFixed(2)}${rank.has(i) ? `, rank ${rank.get(i)}` : ''}`}>${words[w]}</span>`)}
          <span class="chip current" title="the current token">${words[v.ctx.current]} ◀ now</span>
        </div>
        <div class="legend">
          <span><span class="chip kept">word</span> kept (top-${v.k})</span>
          <span><span class="chip rel">word</span> same hidden topic as “${words[v.ctx.current]}” (${s.model.vocab.topics[s.model.vocab.topicOf[v.ctx.current]]})</span>
          <span>hits@${v.k} ÷ min(${v.k}, relevant) here: ${hits} ÷ ${Math.min(v.k, relevant)} = <strong>${v.scored.recall.toFixed(2)}</strong>
            <span class="muted">(${relevant} relevant)</span></span>
        </div>
      </div>
      ${this.renderSide(v, s)}
    </div>`;
  }

  private renderSide(v: NonNullable<SparseAttentionIndexer['_shown']>, s: Setup) {
    const n = this.p.context;
    return html`<div part="side">
      <div class="saved"><span class="big">${Math.round(this.saved * 100)}%</span> of the attention work saved</div>
      <div class="note">1 − k/n = 1 − ${v.k}/${n}: attention reads ${v.k} past tokens, not ${n}; the small indexer still scores all ${n}.</div>
      <div class="nums">
        <span>training steps</span><span class="v">${s.model.steps}</span>
        <span>hits@${v.k} ÷ min(${v.k}, relevant), ${HELD_OUT} held-out contexts</span><span class="v">${v.heldOut.toFixed(2)}</span>
        <span>chance level (k/n)</span><span class="v">${(v.k / n).toFixed(2)}</span>
        <span>training loss (cross-entropy)</span><span class="v">${s.losses.length ? s.losses[s.losses.length - 1][1].toFixed(2) : '—'}</span>
      </div>
      ${s.recalls.length > 1
        ? lineChart({
            series: [{ name: `held-out hits@${v.k} ÷ min(${v.k}, relevant)`, points: s.recalls, color: palette.blue }],
            marks: [{ y: v.k / n, label: 'chance' }],
            width: 400,
            height: 170,
            yDomain: [0, 1.3], // headroom so the legend sits above the curve
            xLabel: 'training step',
            title: 'held-out hits@k ÷ min(k, relevant) while training',
          })
        : html`<div class="note">Press ▶ train: gradient descent on the indexer's W<sub>Q</sub> and W<sub>K</sub>; the held-out curve appears here.</div>`}
      <div class="controls">
        <button class="primary" @click=${() => this.loop.toggle()} ?disabled=${this.still}>${this.loop.playing ? '❚❚ pause' : '▶ train'}</button>
        <button @click=${() => this.guard(() => this.train(10))}>+10</button>
        <button @click=${() => ((this._contextIndex += 1), this.publishState())}>new context</button>
      </div>
      <div class="controls">
        <label>k <input type="range" min="1" max=${Math.min(n, 64)} step="1" .value=${String(v.k)}
          @input=${(e: Event) => this.setK(Number((e.target as HTMLInputElement).value))} aria-label="tokens kept, k" /></label>
        <span class="value">k = ${v.k}</span>
        <button @click=${() => ((this.wantedKey = ''), this.requestUpdate())}>reset training</button>
      </div>
    </div>`;
  }
}
