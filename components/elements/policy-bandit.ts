import { css, html, nothing, svg } from 'lit';
import { scaleLinear } from 'd3-scale';
import { palette } from '../charts/colors.js';
import {
  grpoTarget, initialState, klOptimal, MODES, PPO_BATCH, DPO_PAIRS, INNER_EPOCHS, softmaxOf, summarise, UPDATE_RULES,
  type BanditKnobs, type BanditProblem, type BanditState, type ModeId, type PolicySummary,
} from '../models/policy-bandit.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamError, type ParamValues } from '../runtime/params.js';

/** Ten candidate answers to one prompt, their rewards and the SFT model's (π_ref's) probabilities. */
export const DEFAULT_PROMPT = '17 × 24 = ?';
export const DEFAULT_RESPONSES = [
  '408', '17·24 = 340 + 68 = 408', 'about 400', '418', '398',
  '408!!! Great question!', "I can't do arithmetic", '24 × 17', '4,080', 'Let me think… 408',
];
export const DEFAULT_REWARDS = [0.8, 1, 0.1, -0.5, -0.5, 0.5, -0.8, -0.3, -0.7, 0.7];
export const DEFAULT_REFERENCE = [0.14, 0.04, 0.2, 0.14, 0.1, 0.04, 0.08, 0.08, 0.08, 0.1];

const MAX_RESPONSES = 12;
const MAX_LABEL = 32;
const MAX_REWARD = 10;

const PARAMS = {
  mode: param.oneOf(MODES, 'ppo'),
  responses: param.strings({ fallback: DEFAULT_RESPONSES, maxLength: MAX_RESPONSES }),
  // Ranges are checked with the lengths in readProblem, so the message can say what fits.
  rewards: param.numbers({ fallback: DEFAULT_REWARDS, minLength: 2, maxLength: MAX_RESPONSES }),
  reference: param.numbers({ fallback: DEFAULT_REFERENCE, minLength: 2, maxLength: MAX_RESPONSES }),
  epsilon: param.number({ fallback: 0.2, min: 0.01, max: 0.9 }),
  beta: param.number({ fallback: 0.3, min: 0.01, max: 10 }),
  learningRate: param.number({ fallback: 0, min: 0.001, max: 50, attribute: 'learning-rate' }),
  groupSize: param.int({ fallback: 8, min: 2, max: 64, attribute: 'group-size' }),
  normalizeStd: param.boolean(true, 'normalize-std'),
};

/** Seeded steps of the first screen and the still state (print, previews). */
export const STILL_STEPS = 200;
/** Updates per animation frame while training live. */
const STEPS_PER_FRAME = 1;
/** A live run pauses by itself after this many steps (it only hovers by then). */
const AUTO_PAUSE = 800;

const SLIDERS = {
  epsilon: { min: 0.05, max: 0.5, step: 0.01 },
  beta: { min: 0.05, max: 2, step: 0.05 },
  groupSize: { min: 2, max: 32, step: 1 },
} as const;
/** The learning-rate slider is logarithmic: log10 η from −2 to log10 20. */
const LOG_LR: [number, number] = [-2, Math.log10(20)];

export interface PolicyBanditChangeDetail {
  mode: ModeId;
  step: number;
  expectedReward: number;
  kl: number;
  distance: number;
}

interface Sync {
  mode: ModeId;
  knobs: BanditKnobs;
  lr: Record<ModeId, number>;
  state: BanditState;
}

const fmt = (v: number, d = 2) => (Math.abs(v) < 0.5 * 10 ** -d ? (0).toFixed(d) : v.toFixed(d));
const signed = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(1)}`;

/**
 * `<policy-bandit>` — RLHF on one prompt with ten answers: a policy
 * π_θ = softmax(θ) (one logit per answer), a reward per answer and a frozen
 * reference π_ref (the SFT model; training starts at π_θ = π_ref), trained by
 * PPO, DPO or GRPO (`models/policy-bandit.ts`: the modes are a table of
 * update rules). Bars: π_θ (filled), π_ref (dashed outline) and the
 * KL-optimal target π* = π_ref·e^{r/β}/Z (diamond), each answer's reward
 * beside its label; readouts of the step, E[r] and KL(π‖π_ref) for π_ref,
 * π_θ and π*, and the distance ½Σ|π_θ − π*|.
 *
 * PPO: 16 samples per batch, 4 inner epochs on
 * min(ρA, clip(ρ, 1 ± ε)A) − β·KL(π‖π_ref) (the KL an exact penalty in the
 * loss, not reward shaping), A = r − V with a one-number critic V. DPO: 256
 * Bradley–Terry pairs per step, −log σ(β·log π(w)/π_ref(w) − β·log π(l)/π_ref(l)).
 * GRPO: a group of G, A = (r − mean)/std over the group (÷std can be
 * switched off), the same clipped objective and KL. PPO and DPO head to π*;
 * GRPO with ÷std ends sharper (each group's rewards rescaled by 1/std), and
 * without it heads to π_ref·e^{(1−1/G)r/β}/Z.
 *
 * First screen and still state: STILL_STEPS (200) seeded updates from π_ref.
 * "▶ train" continues from there (one update per frame, pausing by itself
 * after 800), "step" is one update (also the clicker's step), "↺ reset"
 * returns to π_ref at step 0; a mode button starts that rule from π_ref and
 * trains. Sliders: ε, β, η (log), and G and the ÷std toggle in GRPO; they act
 * on the run in progress.
 *
 * @attr mode - "ppo" | "dpo" | "grpo" (default ppo)
 * @attr responses - 2–12 comma-separated answer labels of at most 32 characters (default: ten answers to "17 × 24 = ?")
 * @attr rewards - one reward per response, −10 to 10 (default 0.8, 1, 0.1, −0.5, −0.5, 0.5, −0.8, −0.3, −0.7, 0.7)
 * @attr reference - π_ref as probabilities (positive, one per response, rescaled to sum to 1; default 0.14, 0.04, 0.2, 0.14, 0.1, 0.04, 0.08, 0.08, 0.08, 0.1; uniform when responses are given without it)
 * @attr epsilon - PPO/GRPO clip range ε, 0.01 to 0.9 (default 0.2)
 * @attr beta - KL strength β, 0.01 to 10 (default 0.3)
 * @attr learning-rate - η for every mode, 0.001 to 50 (default per mode: PPO 0.3, DPO 4, GRPO 0.3)
 * @attr group-size - GRPO's G, 2 to 64 (default 8; the slider goes 2–32)
 * @attr normalize-std - GRPO divides by the group's std (default true)
 * @attr seed - seed of the sampled responses and pairs (default 42)
 * @prop currentMode - the mode shown; step; policy - π_θ; referencePolicy - π_ref; target - π*; expectedReward; kl - KL(π‖π_ref); distance - ½Σ|π − π*|
 * @prop knobs - {epsilon, beta, learningRate, groupSize, normalizeStd}; playing; responseLabels; rewardValues; targetSummary - {expectedReward, kl} of π*
 * @method train(n) - n updates now (tests); play(); pause(); reset() - to π_ref, step 0; setMode(m); setKnob(name, value)
 * @fires policy-bandit-change - detail {mode, step, expectedReward, kl, distance} after each update and each change
 * @csspart bars - the policy chart; controls - mode and run buttons; knobs - the sliders; readout - the numbers
 * @cssprop --demo-accent - buttons and sliders
 */
export class PolicyBandit extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .top { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3em 0.6em; margin: 0 0 0.2em; }
      .top button { min-height: 44px; }
      .modes { display: inline-flex; gap: 0.3em; margin-right: 0.6em; }
      .modes button { min-width: 4.6em; font-weight: 600; }
      .main { display: grid; grid-template-columns: minmax(0, 1fr) 370px; gap: 0 1em; align-items: start; }
      svg.bars { display: block; width: 100%; height: auto; }
      svg.bars text { font-size: 17px; fill: currentColor; }
      .side { display: flex; flex-direction: column; gap: 0.15em; font-size: max(16px, 0.85em); }
      .side label { display: flex; flex-direction: column; align-items: stretch; gap: 0; }
      .side input[type='range'] { width: 100%; min-height: 28px; }
      .side button { min-height: 40px; align-self: flex-start; }
      table.readout { border-collapse: collapse; font-variant-numeric: tabular-nums; margin-bottom: 0.2em; }
      table.readout th, table.readout td { padding: 0 0.45em; text-align: right; font-weight: 400; }
      table.readout th:first-child { text-align: left; }
      table.readout thead th { font-weight: 600; border-bottom: 2px solid var(--border); }
      .note { font-size: max(16px, 0.85em); margin: 0.15em 0 0; }
      .status { font-size: max(16px, 0.85em); }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _state: { state: true },
    _summary: { state: true },
    _mode: { state: true },
    _knobs: { state: true },
  };

  declare mode: string | undefined;
  declare responses: string | string[] | undefined;
  declare rewards: string | number[] | undefined;
  declare reference: string | number[] | undefined;
  declare epsilon: string | number | undefined;
  declare beta: string | number | undefined;
  declare learningRate: string | number | undefined;
  declare groupSize: string | number | undefined;
  declare normalizeStd: string | boolean | undefined;
  declare _state: BanditState | null;
  declare _summary: PolicySummary | null;
  declare _mode: ModeId;
  declare _knobs: BanditKnobs;

  private p!: ParamValues<typeof PARAMS>;
  private problem: BanditProblem = { rewards: DEFAULT_REWARDS, reference: DEFAULT_REFERENCE };
  private labels: string[] = DEFAULT_RESPONSES;
  private lr: Record<ModeId, number> = { ppo: UPDATE_RULES.ppo.learningRate, dpo: UPDATE_RULES.dpo.learningRate, grpo: UPDATE_RULES.grpo.learningRate };
  private attrKey = '';
  private generation = 0;
  private busy = false;
  /** The generation whose first-screen run holds `busy`. */
  private busyOwner = -1;
  private targetCache: { key: string; value: number[] } | null = null;
  private playedFrom = 0;
  private frames = 0;
  private readonly loop = new LoopController(this, () => this.frame());

  constructor() {
    super();
    this._state = null;
    this._summary = null;
    this._mode = 'ppo';
    this._knobs = { epsilon: 0.2, beta: 0.3, learningRate: UPDATE_RULES.ppo.learningRate, groupSize: 8, normalizeStd: true };
  }

  get step(): number { return this._state?.step ?? 0; }
  get policy(): number[] { return this._summary?.policy ?? []; }
  get referencePolicy(): number[] { return [...this.problem.reference]; }
  get target(): number[] {
    const key = JSON.stringify([this.problem, this._knobs.beta]);
    if (this.targetCache?.key !== key) this.targetCache = { key, value: klOptimal(this.problem, this._knobs.beta) };
    return [...this.targetCache.value];
  }
  get expectedReward(): number | null { return this._summary?.expectedReward ?? null; }
  get kl(): number | null { return this._summary?.kl ?? null; }
  get distance(): number | null { return this._summary?.distance ?? null; }
  get knobs(): BanditKnobs { return { ...this._knobs }; }
  get playing(): boolean { return this.loop.playing; }
  get responseLabels(): string[] { return [...this.labels]; }
  get rewardValues(): number[] { return [...this.problem.rewards]; }
  get targetSummary(): { expectedReward: number; kl: number } { return this.describe(this.target); }
  /** `mode` is also the attribute; this is the mode on screen. */
  get currentMode(): ModeId { return this._mode; }

  private describe(p: readonly number[]) {
    const { rewards, reference } = this.problem;
    return {
      expectedReward: p.reduce((s, v, i) => s + v * rewards[i]!, 0),
      kl: p.reduce((s, v, i) => s + (v > 0 ? v * Math.log(v / reference[i]!) : 0), 0),
    };
  }

  /**
   * Checks that the lists fit each other. A list of the wrong length is named
   * in the box; rewards that do not fit the responses bring back the whole
   * default problem, a reference that does not fit becomes the default one
   * (uniform for other responses).
   */
  private readProblem(): void {
    const p = this.p;
    const errors: ParamError[] = [];
    const given = (v: unknown) => v !== undefined && v !== null;
    let labels = p.responses;
    if (given(this.responses) && (labels.length < 2 || labels.some((l) => l.length === 0 || l.length > MAX_LABEL))) {
      errors.push({ attribute: 'responses', got: labels.join(', ').slice(0, 80), expected: `2 to ${MAX_RESPONSES} comma-separated answers, each 1 to ${MAX_LABEL} characters`, kind: 'error' });
      labels = DEFAULT_RESPONSES;
    }
    let rewards = p.rewards;
    let reference = p.reference;
    if (rewards.some((r) => Math.abs(r) > MAX_REWARD)) {
      errors.push({ attribute: 'rewards', got: rewards.join(', '), expected: `one reward per response, each from −${MAX_REWARD} to ${MAX_REWARD}`, kind: 'error' });
      rewards = [];
    }
    if (reference.some((v) => !(v > 0))) {
      errors.push({ attribute: 'reference', got: reference.join(', '), expected: 'one probability per response, each above 0 (they are rescaled to sum to 1)', kind: 'error' });
      reference = [];
    }
    if (rewards.length !== labels.length) {
      if (rewards.length) errors.push({ attribute: 'rewards', got: given(this.rewards) ? rewards.join(', ') : '', expected: `one reward per response (${labels.length} numbers)`, kind: 'error' });
      labels = DEFAULT_RESPONSES;
      rewards = DEFAULT_REWARDS;
      reference = DEFAULT_REFERENCE;
    }
    const defaultProblem = labels === DEFAULT_RESPONSES || (!given(this.responses) && labels.length === DEFAULT_REFERENCE.length);
    if (reference.length !== labels.length || (!given(this.reference) && !defaultProblem)) {
      if (given(this.reference) && reference.length && reference.length !== labels.length) {
        errors.push({ attribute: 'reference', got: reference.join(', '), expected: `one probability per response (${labels.length} positive numbers)`, kind: 'error' });
      }
      reference = defaultProblem ? DEFAULT_REFERENCE : new Array<number>(labels.length).fill(1);
    }
    const total = reference.reduce((sum, v) => sum + v, 0);
    this.labels = labels;
    this.problem = { rewards: [...rewards], reference: reference.map((v) => v / total) };
    // readParams has just set _paramErrors to the parse errors alone.
    if (errors.length) this._paramErrors = [...this._paramErrors, ...errors];
  }

  override willUpdate(): void {
    this.p = this.readParams(PARAMS);
    this.readProblem();
    const key = JSON.stringify([this.p, this.problem, this.labels, this.seed]);
    if (key !== this.attrKey) {
      this.attrKey = key;
      this._mode = this.p.mode;
      const fromAttr = this.learningRate !== undefined ? this.p.learningRate : 0;
      this.lr = {
        ppo: fromAttr || UPDATE_RULES.ppo.learningRate,
        dpo: fromAttr || UPDATE_RULES.dpo.learningRate,
        grpo: fromAttr || UPDATE_RULES.grpo.learningRate,
      };
      this._knobs = { epsilon: this.p.epsilon, beta: this.p.beta, learningRate: this.lr[this._mode], groupSize: this.p.groupSize, normalizeStd: this.p.normalizeStd };
      void this.guard(() => this.firstScreen());
    }
  }

  override updated(): void {
    if (this._summary && !this.busy) this.markReady();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the page while its first screen was still training: train it again.
    if (!this._summary && !this.attrKey) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loop.pause();
    this.generation++;
    if (!this._summary) this.attrKey = '';
  }

  private rngFor(mode: ModeId, step: number) {
    return this.rng(`policy-bandit:${mode}:${step}`);
  }

  /** STILL_STEPS seeded updates from π_ref, in chunks that yield to the page. */
  private async firstScreen(): Promise<void> {
    this.loop.pause();
    const gen = ++this.generation;
    this.markBusy();
    this.busy = true;
    this.busyOwner = gen;
    try {
      await this.tf();
      let state = initialState(this.problem);
      while (state.step < STILL_STEPS) {
        for (let i = 0; i < 25 && state.step < STILL_STEPS; i++) {
          state = (await UPDATE_RULES[this._mode].step(state, this.problem, this._knobs, this.rngFor(this._mode, state.step))).state;
        }
        if (gen !== this.generation) return;
        await new Promise((r) => setTimeout(r, 0));
      }
      if (gen !== this.generation) return;
      await this.show(state);
    } finally {
      // A newer first screen owns `busy` now; a reset or a synced state only stopped this one.
      if (this.busyOwner === gen) this.busy = false;
    }
    this.requestUpdate();
  }

  private async show(state: BanditState): Promise<void> {
    const summary = await summarise(state.theta, this.problem, this.target);
    this._state = state;
    this._summary = summary;
  }

  private announce(): void {
    const s = this._summary;
    if (!s) return;
    this.dispatchEvent(new CustomEvent<PolicyBanditChangeDetail>('policy-bandit-change', {
      detail: { mode: this._mode, step: this.step, expectedReward: s.expectedReward, kl: s.kl, distance: s.distance },
      bubbles: true,
      composed: true,
    }));
  }

  /** One update of the current rule (the clicker's step and the "step" button). */
  private async advance(n: number): Promise<void> {
    let state = this._state;
    if (!state) return;
    const gen = this.generation;
    for (let i = 0; i < n; i++) {
      state = (await UPDATE_RULES[this._mode].step(state, this.problem, this._knobs, this.rngFor(this._mode, state.step))).state;
      if (gen !== this.generation) return;
    }
    await this.show(state);
    this.announce();
  }

  /** n updates now (tests, scripted use); pauses a running loop first. */
  async train(n: number): Promise<number> {
    this.loop.pause();
    await this.whenIdle();
    await this.guard(async () => {
      this.busy = true;
      try {
        await this.tf();
        await this.advance(Math.max(1, Math.floor(n)));
      } finally {
        this.busy = false;
      }
    });
    await this.updateComplete;
    this.publishState();
    return this.step;
  }

  private async whenIdle(): Promise<void> {
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
  }

  play(): void {
    if (this.still || !this._state) return;
    this.playedFrom = this.step;
    this.loop.play();
    this.publishState();
  }

  pause(): void {
    this.loop.pause();
    this.publishState();
  }

  /** Back to π_θ = π_ref at step 0 (V = 0). */
  async reset(): Promise<void> {
    this.loop.pause();
    this.generation++;
    await this.whenIdle();
    await this.guard(async () => {
      await this.tf();
      await this.show(initialState(this.problem));
    });
    await this.updateComplete;
    this.announce();
    this.publishState();
  }

  /** Switches the rule, back to π_ref at step 0, and trains (not in still mode). */
  async setMode(mode: ModeId): Promise<void> {
    if (!(MODES as readonly string[]).includes(mode)) return;
    this._mode = mode;
    this._knobs = { ...this._knobs, learningRate: this.lr[mode] };
    await this.reset();
    this.play();
  }

  /** Sets a knob of the run in progress (β also moves π*). */
  setKnob<K extends keyof BanditKnobs>(name: K, value: BanditKnobs[K]): void {
    if (typeof value === 'number' && !Number.isFinite(value)) return;
    this._knobs = { ...this._knobs, [name]: value };
    if (name === 'learningRate') this.lr = { ...this.lr, [this._mode]: value as number };
    if (name === 'beta' && this._state) {
      const state = this._state;
      void this.guard(async () => {
        this._summary = await summarise(state.theta, this.problem, this.target);
        this.announce();
      });
    }
    this.publishState();
  }

  private async frame(): Promise<void> {
    if (this.busy || !this._state) return;
    this.busy = true;
    try {
      await this.advance(STEPS_PER_FRAME);
      if (++this.frames % 15 === 0) this.publishState();
      if (this.step - this.playedFrom >= AUTO_PAUSE) this.pause();
    } finally {
      this.busy = false;
    }
  }

  protected override clickerStep(): boolean {
    if (!this._state) return false;
    this.loop.pause();
    void this.train(1);
    return true;
  }

  override getSyncState(): unknown {
    if (!this._state) return null;
    return { mode: this._mode, knobs: { ...this._knobs }, lr: { ...this.lr }, state: { ...this._state, theta: [...this._state.theta] } } satisfies Sync;
  }

  override applySyncState(raw: unknown): void {
    const s = raw as Partial<Sync> | null;
    if (!s || !s.state || !s.knobs || !(MODES as readonly string[]).includes(s.mode as string)) return;
    const { theta, value, step } = s.state;
    if (!Array.isArray(theta) || theta.length !== this.problem.rewards.length || !theta.every(Number.isFinite) || !Number.isFinite(value) || !Number.isInteger(step)) return;
    const k = s.knobs;
    if (![k.epsilon, k.beta, k.learningRate, k.groupSize].every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) return;
    this.loop.pause();
    this.generation++;
    this._mode = s.mode as ModeId;
    this._knobs = { epsilon: k.epsilon, beta: k.beta, learningRate: k.learningRate, groupSize: Math.round(k.groupSize), normalizeStd: !!k.normalizeStd };
    if (s.lr) this.lr = { ...this.lr, ...s.lr };
    const state: BanditState = { theta: [...theta], value, step };
    this._state = state;
    // The readouts follow from θ; until they are computed, show π from θ directly.
    const policy = softmaxOf(theta);
    const star = this.target;
    this._summary = { policy, ...this.describe(policy), distance: 0.5 * policy.reduce((acc, v, i) => acc + Math.abs(v - star[i]!), 0) };
    void this.guard(() => this.show(state));
  }

  protected override renderDemo() {
    const s = this._summary;
    if (!s || !this._state) return html`<div class="muted">training ${STILL_STEPS} steps…</div>`;
    const mode = this._mode;
    const rule = UPDATE_RULES[mode];
    const k = this._knobs;
    const star = this.target;
    const starSummary = this.describe(star);
    const ref = this.describe(this.problem.reference);
    const uses = (name: keyof BanditKnobs) => rule.knobs.includes(name);
    const lrPos = Math.min(LOG_LR[1], Math.max(LOG_LR[0], Math.log10(k.learningRate)));
    return html`
      <div class="top" part="controls">
        <span class="modes" role="group" aria-label="update rule">
          ${MODES.map((m) => html`<button class="mode mode-${m}" aria-pressed=${m === mode ? 'true' : 'false'} ?disabled=${this.still}
            @click=${() => void this.setMode(m)}>${UPDATE_RULES[m].label}</button>`)}
        </span>
        <button class="primary play" ?disabled=${this.still} @click=${() => (this.loop.playing ? this.pause() : this.play())}>${this.loop.playing ? '❚❚ pause' : '▶ train'}</button>
        <button class="step" ?disabled=${this.still} @click=${() => void this.train(1)}>step</button>
        <button class="reset" ?disabled=${this.still} @click=${() => void this.reset()}>↺ reset to π<sub>ref</sub></button>
        <span class="status">step <span class="value step-count">${this.step}</span></span>
        ${uses('normalizeStd') ? html`<button class="std" aria-pressed=${k.normalizeStd ? 'true' : 'false'} @click=${() => this.setKnob('normalizeStd', !k.normalizeStd)}>÷ std: ${k.normalizeStd ? 'on' : 'off'}</button>` : nothing}
      </div>
      <div class="main">
        <div part="bars">${this.renderBars(s.policy, star)}</div>
        <div class="side">
          <table class="readout" part="readout">
            <thead><tr><th></th><th>π<sub>ref</sub></th><th>π<sub>θ</sub></th><th>π*</th></tr></thead>
            <tbody>
              <tr><th>E[r]</th><td>${fmt(ref.expectedReward)}</td><td class="value expected-reward">${fmt(s.expectedReward)}</td><td class="target-reward">${fmt(starSummary.expectedReward)}</td></tr>
              <tr><th>KL(·‖π<sub>ref</sub>)</th><td>0.00</td><td class="value kl">${fmt(s.kl)}</td><td class="target-kl">${fmt(starSummary.kl)}</td></tr>
            </tbody>
          </table>
          <div>½Σ|π<sub>θ</sub> − π*| = <span class="value distance">${fmt(s.distance)}</span></div>
          <div part="knobs" class="side">
            ${uses('epsilon') ? html`<label><span>clip ε = <span class="value">${k.epsilon.toFixed(2)}</span></span>
              <input class="epsilon" type="range" min=${SLIDERS.epsilon.min} max=${SLIDERS.epsilon.max} step=${SLIDERS.epsilon.step} .value=${String(k.epsilon)} aria-label="clip range epsilon"
                @input=${(e: Event) => this.setKnob('epsilon', Number((e.target as HTMLInputElement).value))} /></label>` : nothing}
            <label><span>KL strength β = <span class="value">${k.beta.toFixed(2)}</span></span>
              <input class="beta" type="range" min=${SLIDERS.beta.min} max=${SLIDERS.beta.max} step=${SLIDERS.beta.step} .value=${String(k.beta)} aria-label="KL strength beta"
                @input=${(e: Event) => this.setKnob('beta', Number((e.target as HTMLInputElement).value))} /></label>
            <label><span>learning rate η = <span class="value">${k.learningRate >= 1 ? k.learningRate.toFixed(1) : k.learningRate.toPrecision(2)}</span></span>
              <input class="learning-rate" type="range" min=${LOG_LR[0]} max=${LOG_LR[1]} step="0.01" .value=${String(lrPos)} aria-label="learning rate (log scale)"
                @input=${(e: Event) => this.setKnob('learningRate', +(10 ** Number((e.target as HTMLInputElement).value)).toPrecision(2))} /></label>
            ${uses('groupSize') ? html`<label><span>group size G = <span class="value">${k.groupSize}</span></span>
              <input class="group-size" type="range" min=${SLIDERS.groupSize.min} max=${SLIDERS.groupSize.max} step="1" .value=${String(Math.min(32, k.groupSize))} aria-label="group size G"
                @input=${(e: Event) => this.setKnob('groupSize', Number((e.target as HTMLInputElement).value))} /></label>` : nothing}
          </div>
        </div>
      </div>
      <p class="note">${this.renderNote(mode, k)}</p>`;
  }

  private renderNote(mode: ModeId, k: BanditKnobs) {
    if (mode === 'ppo') {
      return html`<strong>PPO</strong>: ${PPO_BATCH} samples a batch, ${INNER_EPOCHS} epochs of min(ρA, clip(ρ, 1±ε)A) − β·KL(π‖π<sub>ref</sub>); A = r − V, critic V = <span class="value critic">${fmt(this._state?.value ?? 0)}</span>.`;
    }
    if (mode === 'dpo') {
      return html`<strong>DPO</strong>: ${DPO_PAIRS} Bradley–Terry pairs a step, −log σ(β·log π(w)/π<sub>ref</sub>(w) − β·log π(l)/π<sub>ref</sub>(l)); no sampling, no critic.`;
    }
    if (k.normalizeStd) {
      return html`<strong>GRPO</strong>: groups of ${k.groupSize}, A = (r − mean)/std, ${INNER_EPOCHS} epochs, clipped ratio − β·KL, no critic; ÷ std makes it overshoot π*.`;
    }
    const own = grpoTarget(this.problem, k.beta, k.groupSize);
    return html`<strong>GRPO</strong>, no ÷ std: A = r − group mean (it includes the sample), so it heads to π<sub>ref</sub>·e<sup>(1−1/G)r/β</sup>/Z, E[r] <span class="value">${fmt(this.describe(own).expectedReward)}</span>.`;
  }

  private renderBars(policy: readonly number[], star: readonly number[]) {
    const n = this.labels.length;
    const W = 760;
    const rowH = Math.max(24, Math.min(28, Math.floor(280 / n)));
    const top = 34;
    const H = top + n * rowH + 30;
    const longest = Math.max(...this.labels.map((l) => [...l].length));
    const labelW = Math.min(330, Math.max(120, longest * 9.4 + 12));
    const rewardX = labelW + 52;
    const x0 = rewardX + 16;
    const x = scaleLinear().domain([0, 1]).range([x0, W - 60]);
    const ref = this.problem.reference;
    const rows = this.labels.map((label, i) => {
      const y = top + i * rowH;
      const mid = y + rowH / 2;
      const p = policy[i] ?? 0;
      const reach = Math.max(x(p), x(ref[i]!), x(star[i]!) + 8);
      return svg`<g class="row" data-index=${i}>
        <text x="0" y=${mid} dy="0.35em">${label}</text>
        <text class="reward" x=${rewardX} y=${mid} dy="0.35em" text-anchor="end" font-weight="600">${signed(this.problem.rewards[i]!)}</text>
        <rect class="policy-bar" x=${x0} y=${mid - 8} width=${Math.max(0, x(p) - x0)} height="16" fill=${palette.blue} rx="2"></rect>
        <rect class="reference-bar" x=${x0} y=${mid - rowH / 2 + 3} width=${Math.max(0, x(ref[i]!) - x0)} height=${rowH - 6} fill="none" stroke="currentColor" stroke-width="2" stroke-dasharray="5 3" opacity="0.8"></rect>
        <path class="target-mark" d="M${x(star[i]!)},${mid - 8}l7,8l-7,8l-7,-8z" fill=${palette.vermillion} stroke="currentColor" stroke-width="1"></path>
        <text class="prob" x=${reach + 6} y=${mid} dy="0.35em">${fmt(p)}</text>
      </g>`;
    });
    const legendY = 18;
    return svg`<svg class="bars" viewBox="0 0 ${W} ${H}" role="img" aria-label="policy, reference and KL-optimal target for each response">
      <text x="0" y=${legendY} font-weight="600">${this.labels === DEFAULT_RESPONSES ? `answer to ${DEFAULT_PROMPT}` : 'response'}</text>
      <text x=${rewardX} y=${legendY} text-anchor="end" font-weight="600">r</text>
      <rect x=${x0} y=${legendY - 12} width="26" height="14" fill=${palette.blue} rx="2"></rect>
      <text x=${x0 + 32} y=${legendY}>π<tspan dy="4" font-size="17">θ</tspan></text>
      <rect x=${x0 + 80} y=${legendY - 14} width="30" height="18" fill="none" stroke="currentColor" stroke-width="2" stroke-dasharray="5 3"></rect>
      <text x=${x0 + 116} y=${legendY}>π<tspan dy="4" font-size="17">ref</tspan></text>
      <path d="M${x0 + 178},${legendY - 13}l7,8l-7,8l-7,-8z" fill=${palette.vermillion} stroke="currentColor" stroke-width="1"></path>
      <text x=${x0 + 192} y=${legendY}>π* = π<tspan dy="4" font-size="17">ref</tspan><tspan dy="-4">·e</tspan><tspan dy="-6" font-size="17">r/β</tspan><tspan dy="6">/Z</tspan></text>
      ${rows}
      <g class="axis">
        <line x1=${x0} x2=${x(1)} y1=${top + n * rowH + 2} y2=${top + n * rowH + 2} stroke="currentColor" opacity="0.5"></line>
        ${[0, 0.25, 0.5, 0.75, 1].map((t) => svg`<line x1=${x(t)} x2=${x(t)} y1=${top} y2=${top + n * rowH + 6} stroke="currentColor" opacity="0.12"></line>
          <text x=${x(t)} y=${top + n * rowH + 24} text-anchor="middle">${t}</text>`)}
        <text x=${x0 - 8} y=${top + n * rowH + 24} text-anchor="end">probability</text>
      </g>
    </svg>`;
  }
}
