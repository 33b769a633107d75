import { css, html } from 'lit';
import { lineChart } from '../charts/line-chart.js';
import { palette } from '../charts/colors.js';
import { NAMES_EN } from '../data/names.js';
import { buildCorpus } from '../models/corpus.js';
import {
  DEFAULT_FINETUNE, FinetuneShift as Model, MAX_LENGTH, MIN_LENGTH, SEPARATOR, advance, answerFor, askable, record,
  type FinetuneConfig, type ShiftPoint,
} from '../models/finetune-shift.js';
import { RECORDED_RUN } from '../models/finetune-shift-recorded.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamSpec, type ParamValues } from '../runtime/params.js';

const MAX_PROMPTS = 5;

const promptsSpec: ParamSpec<string[]> = {
  attribute: 'prompts',
  fallback: [],
  expected: `comma-separated names of ${MIN_LENGTH}–${MAX_LENGTH} letters a–z (at most ${MAX_PROMPTS}), e.g. "emma, oscar"`,
  parse(raw) {
    const list = typeof raw === 'string' ? raw.split(',').map((s) => s.trim().toLowerCase()) : null;
    const fine = list && list.length <= MAX_PROMPTS && list.every((n) => /^[a-z]+$/.test(n) && askable(n));
    return fine ? { ok: true, value: list } : { ok: false, expected: this.expected };
  },
};

const PARAMS = {
  pretrainSteps: param.int({ fallback: 2000, min: 100, max: 10000, attribute: 'pretrain-steps' }),
  finetuneSteps: param.int({ fallback: 400, min: 20, max: 4000, attribute: 'finetune-steps' }),
  replay: param.number({ fallback: 0, min: 0, max: 0.9 }),
  prompts: promptsSpec,
};

/** Steps per animation frame while training live; a point is recorded every EVERY steps. */
const STEPS_PER_FRAME = 25;
const EVERY = 50;
const REPLAY_CHOICES = [0, 0.25, 0.5, 0.75];

interface View {
  history: ShiftPoint[];
  /** Held-out names loss when fine-tuning began. */
  pretrained: number | null;
  prompts: string[];
  base: string[] | null;
  tuned: string[] | null;
  baseAccuracy: number | null;
  tunedAccuracy: number | null;
  source: 'recorded' | 'trained' | 'live';
  config: FinetuneConfig;
  pretrainSteps: number;
  finetuneSteps: number;
}

/**
 * `<finetune-shift>` — supervised fine-tuning and what it costs. A character
 * MLP language model (context 9, embedding 10, 128 tanh units) is pretrained
 * in the page on 8,405 English first names, then fine-tuned on 2,000
 * question → answer demonstrations, "emma?" → "four" (the name's number of
 * letters, in words), with the loss masked to the answer. The base model
 * has never seen '?' and just carries on writing letters; after a few
 * hundred SFT steps it answers held-out questions. Meanwhile its loss on
 * held-out names climbs: narrow fine-tuning forgets. The replay slider mixes
 * a share of names into each fine-tuning batch, the usual remedy.
 *
 * Left: held-out names loss (nats per character) and the masked answer loss
 * against the step, a dashed line where fine-tuning begins. Right: each
 * prompt's greedy continuation from the base model and after SFT, the share
 * of 200 held-out questions answered exactly, and the forgetting delta.
 *
 * First screen and print: the default run as recorded from this element on
 * WebAssembly (RECORDED_RUN; the browser test retrains and compares). With
 * other attributes print trains the whole run at start-up and the screen
 * trains it live from step 0. "train live" reruns it step by step.
 *
 * @attr pretrain-steps - SGD steps on the names before fine-tuning, 100 to 10000 (default 2000, batch 64, η = 0.3)
 * @attr finetune-steps - SFT steps, 20 to 4000 (default 400, batch 64, η = 0.1)
 * @attr replay - share of each SFT batch drawn from the names, 0 to 0.9 (default 0; the slider offers 0, 25, 50, 75 %)
 * @attr prompts - up to 5 names of 3–8 letters to ask about (default: 4 held-out names)
 * @attr seed - seed of the split, the initial weights and the batches (default 42)
 * @prop history - ShiftPoint[] {step, heldOut, answer}; pretrained - held-out loss when SFT began; forgetting - rise since then
 * @prop base, tuned - continuations of the prompts before and after SFT; baseAccuracy, tunedAccuracy - share of held-out questions answered
 * @prop source - 'recorded' | 'trained' | 'live'; playing
 * @method trainLive() - rerun from step 0, live; train(n) - n steps now (tests); pause(); reset()
 * @fires finetune-shift-change - detail {step, heldOut, answer, phase} after each recorded point
 * @csspart curves - the loss chart; answers - the table of continuations; controls - buttons and slider
 * @cssprop --demo-accent - buttons and slider
 */
export class FinetuneShift extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: 1.15fr 1fr; gap: 0 1em; align-items: start; }
      table { border-collapse: collapse; width: 100%; font-size: max(16px, 0.9em); }
      th, td { text-align: left; padding: 0.15em 0.4em; border-bottom: 1px solid var(--border); }
      th { font-weight: 600; }
      td.text { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
      .right { color: var(--good); font-weight: 700; }
      .wrong { color: var(--bad); }
      .summary { margin: 0.4em 0 0; font-size: max(16px, 0.9em); line-height: 1.35; }
      .forgot { color: var(--bad); font-weight: 700; }
      label.replay { display: inline-flex; align-items: center; gap: 0.5em; font-size: max(16px, 0.85em); }
      label.replay input { width: 9em; min-height: 44px; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _view: { state: true },
    _replay: { state: true },
  };

  declare pretrainSteps: string | number | undefined;
  declare finetuneSteps: string | number | undefined;
  declare replay: string | number | undefined;
  declare prompts: string | undefined;
  declare _view: View | null;
  declare _replay: number | null;

  private p!: ParamValues<typeof PARAMS>;
  private model: Model | null = null;
  private attrKey = '';
  private generation = 0;
  private busy = false;
  private readonly loop = new LoopController(this, () => this.frame());
  /** The animation frame's steps in progress, so scripted steps never run beside them. */
  private inFlight: Promise<void> = Promise.resolve();

  constructor() {
    super();
    this._view = null;
    this._replay = null;
  }

  get history(): ShiftPoint[] { return this._view?.history ?? []; }
  get pretrained(): number | null { return this._view?.pretrained ?? null; }
  get forgetting(): number | null {
    const last = this.history.at(-1);
    return this.pretrained === null || !last || last.step <= this._view!.pretrainSteps ? null : last.heldOut - this.pretrained;
  }
  get base(): string[] | null { return this._view?.base ?? null; }
  get tuned(): string[] | null { return this._view?.tuned ?? null; }
  get baseAccuracy(): number | null { return this._view?.baseAccuracy ?? null; }
  get tunedAccuracy(): number | null { return this._view?.tunedAccuracy ?? null; }
  get source(): View['source'] | null { return this._view?.source ?? null; }
  get playing(): boolean { return this.loop.playing; }

  private replayNow(): number {
    return this._replay ?? (this.p ?? this.readParams(PARAMS)).replay;
  }

  private configNow(): FinetuneConfig {
    return { ...DEFAULT_FINETUNE, replay: this.replayNow(), seed: Number.isFinite(this.seed) ? this.seed : DEFAULT_FINETUNE.seed };
  }

  override willUpdate(): void {
    this.p = this.readParams(PARAMS);
    const key = JSON.stringify([this.p, this.seed]);
    if (key !== this.attrKey) {
      this.attrKey = key;
      this._replay = null;
      void this.guard(() => this.firstScreen());
    }
  }

  override updated(): void {
    if (this._view && !this.busy) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  private stop(): void {
    this.loop.pause();
    this.generation++;
    this.model?.dispose();
    this.model = null;
  }

  /**
   * A fresh model and an empty view for the current settings, or null when
   * a newer call (new attributes, reset, train live) took over meanwhile.
   */
  private async fresh(source: View['source']): Promise<Model | null> {
    this.stop();
    const gen = this.generation;
    await this.tf();
    if (gen !== this.generation) return null;
    const config = this.configNow();
    const model = new Model(buildCorpus([...NAMES_EN]), config, this.rng('batches'));
    this.model = model;
    const prompts = this.p.prompts.length ? this.p.prompts : pickPrompts(model.questions);
    const first = await record(model);
    if (!first || gen !== this.generation) return null;
    this._view = {
      history: [first], pretrained: null, prompts, base: null, tuned: null, baseAccuracy: null, tunedAccuracy: null,
      source, config, pretrainSteps: this.p.pretrainSteps, finetuneSteps: this.p.finetuneSteps,
    };
    return model;
  }

  private isRecorded(): boolean {
    const r = RECORDED_RUN;
    return this.configNow().seed === r.seed && this.replayNow() === r.replay && this.p.pretrainSteps === r.pretrainSteps
      && this.p.finetuneSteps === r.finetuneSteps && (!this.p.prompts.length || this.p.prompts.join() === r.prompts.join());
  }

  /**
   * The first screen: the recorded default run; otherwise, in print and
   * previews, the whole run trained now (in chunks that yield to the page);
   * otherwise the run trains live from step 0, playing while the slide shows.
   */
  private async firstScreen(): Promise<void> {
    this.markBusy();
    if (this.isRecorded()) {
      this.stop();
      const r = RECORDED_RUN;
      this._view = {
        history: r.history.map(([step, heldOut, answer]) => ({ step, heldOut, answer })), pretrained: r.pretrained, prompts: [...r.prompts],
        base: [...r.base], tuned: [...r.tuned], baseAccuracy: r.baseAccuracy, tunedAccuracy: r.tunedAccuracy,
        source: 'recorded', config: this.configNow(), pretrainSteps: r.pretrainSteps, finetuneSteps: r.finetuneSteps,
      };
      return;
    }
    if (!this.still) {
      if (await this.fresh('live')) this.loop.play();
      return;
    }
    this.busy = true;
    const model = await this.fresh('trained');
    if (!model) return; // the newer call owns `busy`
    const gen = this.generation;
    try {
      const total = this.p.pretrainSteps + this.p.finetuneSteps;
      while (model.step < total) {
        await this.advanceBy(model, Math.min(100, total - model.step));
        if (gen !== this.generation) return;
        await new Promise((r) => setTimeout(r, 0));
      }
    } finally {
      if (gen === this.generation) this.busy = false;
    }
    this.requestUpdate();
  }

  /**
   * `count` steps, then whatever the view needs next: the base model's
   * answers when pretraining ends, the tuned answers while fine-tuning.
   */
  private async advanceBy(model: Model, count: number): Promise<void> {
    const v = this._view!;
    const P = v.pretrainSteps;
    const history = [...v.history];
    const n = model.step < P ? Math.min(count, P - model.step) : Math.min(count, P + v.finetuneSteps - model.step);
    await advance(model, n, P, EVERY, history);
    if (model.disposed) return; // a newer run took over while this one awaited
    const next: View = { ...v, history };
    if (model.step === P && v.base === null) {
      next.pretrained = history.at(-1)!.heldOut;
      next.base = await model.complete(v.prompts);
      next.baseAccuracy = await model.accuracy();
    }
    if (model.step > P) {
      next.tuned = await model.complete(v.prompts);
      if (model.step === P + v.finetuneSteps) next.tunedAccuracy = await model.accuracy();
    }
    if (model.disposed) return;
    this._view = next;
    const last = history.at(-1)!;
    this.dispatchEvent(new CustomEvent('finetune-shift-change', {
      detail: { step: last.step, heldOut: last.heldOut, answer: last.answer, phase: model.step <= P ? 'pretrain' : 'finetune' }, bubbles: true, composed: true,
    }));
  }

  trainLive(): void {
    void this.guard(async () => {
      this.busy = false;
      if (!(await this.fresh('live'))) return;
      this.loop.play();
      this.publishState();
    });
  }

  pause(): void {
    this.loop.pause();
  }

  async reset(): Promise<void> {
    this._replay = null;
    await this.guard(() => this.firstScreen());
    await this.updateComplete;
    this.publishState();
  }

  /** n steps now (tests, scripted use): continues the live run, or starts one. */
  async train(n: number): Promise<number> {
    this.loop.pause();
    await this.inFlight;
    this.busy = false;
    if ((!this.model || this._view?.source !== 'live') && !(await this.fresh('live'))) return 0;
    const model = this.model!;
    await this.guard(async () => {
      let left = Math.max(1, Math.floor(n));
      while (left > 0 && model.step < this._view!.pretrainSteps + this._view!.finetuneSteps) {
        const before = model.step;
        await this.advanceBy(model, left);
        left -= model.step - before;
      }
    });
    await this.updateComplete;
    return model.step;
  }

  private frame(): Promise<void> {
    this.inFlight = this.runFrame();
    return this.inFlight;
  }

  private async runFrame(): Promise<void> {
    const model = this.model;
    const v = this._view;
    if (!model || !v || this.busy) return;
    this.busy = true;
    const gen = this.generation;
    try {
      await this.advanceBy(model, STEPS_PER_FRAME);
      if (gen !== this.generation) return;
      if (model.step >= v.pretrainSteps + v.finetuneSteps) this.loop.pause();
    } finally {
      if (gen === this.generation) this.busy = false;
    }
  }

  private setReplay(share: number): void {
    this._replay = share;
    this.trainLive();
  }

  override getSyncState(): unknown {
    return { replay: this._replay };
  }

  override applySyncState(state: unknown): void {
    const r = (state as { replay?: unknown } | null)?.replay;
    if (typeof r === 'number' && r >= 0 && r <= 0.9) this._replay = r;
  }

  protected override renderDemo() {
    const v = this._view;
    if (!v) return html`<div class="muted">pretraining the base model…</div>`;
    const P = v.pretrainSteps;
    const total = P + v.finetuneSteps;
    const losses = v.history.flatMap((h) => [h.heldOut, h.answer ?? h.heldOut]);
    const yMax = Math.max(3.5, ...losses);
    const chart = lineChart({
      series: [
        { name: 'held-out names', points: v.history.map((h) => [h.step, h.heldOut] as const), color: palette.blue },
        { name: 'answer loss (masked)', points: v.history.filter((h) => h.answer !== null).map((h) => [h.step, h.answer!] as const), color: palette.vermillion },
        { name: 'SFT starts', points: [[P, 0], [P, yMax]], color: palette.grey, dashed: true },
      ],
      width: 640,
      height: 360,
      xDomain: [0, total],
      yDomain: [0, yMax],
      xLabel: 'step (pretraining, then SFT)',
      yLabel: 'loss (nats / character)',
      title: 'held-out names loss and the masked answer loss against the step',
    });
    const delta = this.forgetting;
    const replay = this.replayNow();
    return html`
      <div class="layout">
        <div part="curves">${chart}</div>
        <div part="answers">
          <table>
            <thead><tr><th scope="col">question</th><th scope="col">base model</th><th scope="col">after SFT</th></tr></thead>
            <tbody>${v.prompts.map((q, i) => html`<tr>
              <td class="text">${q}${SEPARATOR}</td>
              ${this.renderAnswer(q, v.base?.[i])}
              ${this.renderAnswer(q, v.tuned?.[i])}
            </tr>`)}</tbody>
          </table>
          <p class="summary">held-out questions answered:
            <span class="value base-acc">${pct(v.baseAccuracy)}</span> → <span class="value tuned-acc">${pct(v.tunedAccuracy)}</span>
            <span class="muted">(200 names never trained on)</span></p>
          <p class="summary">held-out names loss: <span class="value">${v.pretrained?.toFixed(2) ?? v.history.at(-1)!.heldOut.toFixed(2)}</span>
            ${delta === null ? html`<span class="muted">(nats per character)</span>` : html` → <span class="value">${v.history.at(-1)!.heldOut.toFixed(2)}</span>
              <span class="muted">nats per character:</span> <span class="forgot">${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(2)}, forgetting</span>`}</p>
        </div>
      </div>
      <div class="controls" part="controls">
        <button class="primary live" @click=${() => (this.loop.playing ? this.pause() : this.trainLive())} ?disabled=${this.still}>${this.loop.playing ? '❚❚ pause' : '▶ train live'}</button>
        <button class="reset" @click=${() => void this.reset()}>reset</button>
        <label class="replay">mix in names: <span class="value">${(100 * replay).toFixed(0)} %</span>
          <input type="range" min="0" max=${REPLAY_CHOICES.length - 1} step="1" aria-label="share of names mixed into fine-tuning"
            .value=${String(nearestIndex(REPLAY_CHOICES, replay))}
            @change=${(e: Event) => this.setReplay(REPLAY_CHOICES[Number((e.target as HTMLInputElement).value)]!)} /></label>
        <span class="status">step <span class="value step">${v.history.at(-1)!.step}</span> / ${total}
          ${v.history.at(-1)!.step <= P ? '· pretraining' : '· fine-tuning'}</span>
      </div>`;
  }

  private renderAnswer(question: string, got: string | undefined) {
    if (got === undefined) return html`<td class="muted">not yet</td>`;
    const right = got === answerFor(question);
    return html`<td class="text ${right ? 'right' : 'wrong'}">${got || '(stops)'} ${right ? '✓' : '✗'}</td>`;
  }
}

const pct = (x: number | null) => (x === null ? 'not yet' : `${(100 * x).toFixed(0)} %`);

function nearestIndex(choices: readonly number[], x: number): number {
  let best = 0;
  choices.forEach((c, i) => { if (Math.abs(c - x) < Math.abs(choices[best]! - x)) best = i; });
  return best;
}

/** Four held-out names of different lengths, the first of each length in the shuffled split. */
function pickPrompts(questions: readonly string[]): string[] {
  const out: string[] = [];
  for (const len of [4, 5, 6, 7]) {
    const q = questions.find((n) => n.length === len);
    if (q) out.push(q);
  }
  return out;
}
