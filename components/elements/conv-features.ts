import { css, html, svg } from 'lit';
import { scaleSequential } from 'd3-scale';
import { interpolateGreys, interpolatePuOr, interpolateViridis } from 'd3-scale-chromatic';
import type * as tfTypes from '@tensorflow/tfjs-core';
import {
  HAND_CENTRE_INK,
  HAND_FILTERS,
  HAND_RATIO,
  handRules,
  handRulesBatch,
  ShapeTrainer,
  TinyCnn,
  type HandVerdict,
  type Inspection,
} from '../models/conv-features.js';
import { makeShapeSet, SHAPE_CLASSES, type ShapeSet } from '../models/shape-images.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  tilt: param.int({ fallback: 15, min: 0, max: 40 }),
  steps: param.int({ fallback: 60, min: 0, max: 500 }),
  learningRate: param.number({ fallback: 0.05, min: 0.001, max: 0.5, attribute: 'learning-rate' }),
  filters: param.int({ fallback: 4, min: 1, max: 8 }),
};

const SIZE = 16;
/** Training images per class and held-out test images per class. */
const TRAIN_PER_CLASS = 80;
const TEST_PER_CLASS = 30;
/** Training steps per animation frame while playing; every REFRESH steps the maps and accuracy are redrawn. */
const STEPS_PER_FRAME = 2;
const REFRESH = 10;
/** Training stops by itself after this many steps. */
const MAX_STEPS = 500;

interface Setup {
  key: string;
  model: TinyCnn;
  trainer: ShapeTrainer;
  test: ShapeSet;
  handAccuracy: number;
}

const pct = (v: number) => `${Math.round(v * 100)}%`;
const greys = scaleSequential(interpolateGreys).domain([0, 1]);

/** A size×size grid of squares, row-major values, coloured by `color`, `px` SVG units wide. */
function pixelGrid(values: ArrayLike<number>, size: number, px: number, color: (v: number) => string, label: string) {
  const c = px / size;
  const cells = [];
  for (let i = 0; i < size * size; i++) {
    cells.push(svg`<rect x=${(i % size) * c} y=${Math.floor(i / size) * c} width=${c + 0.3} height=${c + 0.3} fill=${color(values[i])}></rect>`);
  }
  return html`<svg class="grid" viewBox="0 0 ${px} ${px}" width=${px} height=${px} role="img" aria-label=${label}>${cells}
    <rect width=${px} height=${px} fill="none" stroke="#8a939e" stroke-width="1"></rect></svg>`;
}

/** Signed 3×3 filter colours: orange positive, purple negative, white zero. */
function filterColor(max: number) {
  return (v: number) => interpolatePuOr(0.5 - (0.5 * v) / (max || 1));
}

/**
 * `<conv-features>` — the vision section: hand-written detector rules next to
 * a tiny convolutional network that finds its own filters.
 *
 * Left, the hand-written way: two Sobel edge filters a person chose and four
 * readable rules on their summed responses, with the rules' accuracy on a
 * held-out set. Middle, a 16×16 drawing pad (draw with the mouse; "next
 * example" loads a test image) and the network's prediction. Right, the CNN
 * (conv 3×3 × F → ReLU → max-pool 2×2 → dense → softmax) trained in the
 * browser on seeded images of horizontal bars, vertical bars, rings and
 * crosses: its first-layer filters, its feature maps for the image on the
 * pad, its loss and held-out accuracy. Raise `tilt` and the hand rules break
 * while the network, retrained on the same images, keeps up.
 *
 * @attr tilt - how far bars and crosses may be tilted, 0 to 40 degrees (default 15). Past ~25° the hand rules fail.
 * @attr steps - training steps shown in print, 0 to 500 (default 60); live, the network starts untrained until ▶
 * @attr learning-rate - Adam step size, 0.001 to 0.5 (default 0.05)
 * @attr filters - number of 3×3 filters, 1 to 8 (default 4)
 * @attr seed - images, initial weights and batches (default 42)
 * @prop trainedSteps - steps done; loss - last batch loss; accuracy - held-out accuracy of the CNN
 * @prop handAccuracy - held-out accuracy of the hand-written rules
 * @prop prediction - CNN class probabilities for the pad, in the order horizontal bar, vertical bar, ring, cross
 * @prop hand - the hand rules' verdict for the pad {horizontal, vertical, centreInk, label, rule}
 * @prop image - the pad's 256 pixel values (0 = paper, 1 = ink)
 * @fires conv-features-change - detail {trainedSteps, accuracy, prediction} after each refresh
 * @csspart frame - the box; rules - hand-written column; pad - drawing pad; network - filters and maps; controls - buttons
 * @cssprop --demo-accent - buttons
 */
export class ConvFeatures extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: 340px 290px minmax(0, 1fr); gap: 0 1em; align-items: start; }
      h4 { margin: 0 0 0.25em; font-size: 0.85em; }
      .code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.68em; line-height: 1.4;
        background: var(--surface); border-radius: 6px; padding: 0.4em 0.6em; white-space: pre; }
      .code .fired { background: color-mix(in srgb, var(--accent) 22%, white); font-weight: 700; }
      .code .c { color: var(--muted); }
      .filters { display: flex; gap: 8px; align-items: flex-end; flex-wrap: wrap; }
      .filters figure { margin: 0; text-align: center; font-size: max(16px, 0.55em); color: var(--muted); }
      svg.grid { display: block; }
      svg.pad { touch-action: none; cursor: crosshair; border: 2px solid var(--border); border-radius: 4px; }
      .score { font-size: 0.72em; margin-top: 0.3em; font-variant-numeric: tabular-nums; }
      .bad { color: var(--bad); font-weight: 700; }
      .good { color: var(--good); font-weight: 700; }
      .preds { font-size: 0.68em; font-variant-numeric: tabular-nums; margin-top: 0.3em; }
      .pred { display: grid; grid-template-columns: 8.2em 1fr 3em; align-items: center; gap: 0.4em; }
      .pred.top { font-weight: 700; }
      .controls button { font-size: 0.75em; }
      .controls label { font-size: 0.75em; }
      input[type='range'] { width: 7em; }
      .small { font-size: max(16px, 0.65em); }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _view: { state: true },
    _image: { state: true },
    _tilt: { state: true },
  };

  declare tilt: string | number | undefined;
  declare steps: string | number | undefined;
  declare learningRate: string | number | undefined;
  declare filters: string | number | undefined;
  /** What is on screen, and for which setup key. */
  declare _view: { key: string; inspection: Inspection; hand: HandVerdict; accuracy: number; loss: number; steps: number } | null;
  declare _image: Float32Array;
  /** Tilt chosen on the slider; null = the attribute. */
  declare _tilt: number | null;

  private p!: ParamValues<typeof PARAMS>;
  private setup: Setup | null = null;
  private wantedKey = '';
  private exampleIndex = 3;
  private drawing = false;
  private lastLoss = NaN;
  private readonly loop = new LoopController(this, () => this.trainFrame());

  constructor() {
    super();
    this._view = null;
    this._image = new Float32Array(SIZE * SIZE);
    this._tilt = null;
  }

  get currentTilt(): number {
    return this._tilt ?? this.p.tilt;
  }
  get trainedSteps(): number {
    return this.setup?.trainer.steps ?? 0;
  }
  get loss(): number {
    return this._view?.loss ?? NaN;
  }
  get accuracy(): number | null {
    return this._view?.accuracy ?? null;
  }
  get handAccuracy(): number | null {
    return this.setup?.handAccuracy ?? null;
  }
  get prediction(): number[] {
    return this._view?.inspection.probs ?? [];
  }
  get hand(): HandVerdict | null {
    return this._view?.hand ?? null;
  }
  get image(): number[] {
    return Array.from(this._image);
  }

  /** Trains `count` more steps at once (e.g. for tests), then refreshes the view. */
  async train(count: number): Promise<void> {
    const s = this.setup;
    if (!s) return;
    this.markBusy();
    this.lastLoss = await s.trainer.run(count);
    await this.refresh(true);
  }

  /** Puts an image (size² values in [0, 1]) on the pad and shows what both ways make of it. */
  async showImage(values: ArrayLike<number>): Promise<void> {
    this._image = Float32Array.from(values, (v) => Math.max(0, Math.min(1, v)));
    await this.refresh(false);
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('tilt')) this._tilt = null;
    const key = JSON.stringify([this.currentTilt, this.p.learningRate, this.p.filters, this.seed, this.still ? this.p.steps : 0]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.build(key));
    }
  }

  /** New data, new network; trained for `steps` in print. */
  private async build(key: string): Promise<void> {
    this.loop.pause();
    await this.tf();
    if (key !== this.wantedKey) return;
    const tilt = this.currentTilt;
    const train = makeShapeSet(this.rng('train'), TRAIN_PER_CLASS, SIZE, tilt);
    const test = makeShapeSet(this.rng('test'), TEST_PER_CLASS, SIZE, tilt);
    const verdicts = await handRulesBatch(test.pixels, test.labels.length, SIZE);
    // A newer build may have started while the rules ran: only the latest one makes (and keeps) a network.
    if (key !== this.wantedKey) return;
    this.dispose();
    const model = new TinyCnn({ size: SIZE, filters: this.p.filters, learningRate: this.p.learningRate, seed: this.seed });
    const trainer = new ShapeTrainer(model, train, this.rng('batches'));
    const handAccuracy = verdicts.filter((v, i) => v.label === test.labels[i]).length / test.labels.length;
    this.setup = { key, model, trainer, test, handAccuracy };
    this.lastLoss = NaN;
    if (this.still && this.p.steps > 0) this.lastLoss = await trainer.run(this.p.steps);
    this.loadExample(this.exampleIndex, false);
    await this.refresh(true);
  }

  /** Copies test image i onto the pad. */
  private loadExample(i: number, refresh = true): void {
    const s = this.setup;
    if (!s) return;
    const n = s.test.labels.length;
    this.exampleIndex = ((i % n) + n) % n;
    this._image = s.test.pixels.slice(this.exampleIndex * SIZE * SIZE, (this.exampleIndex + 1) * SIZE * SIZE);
    if (refresh) void this.guard(() => this.refresh(false));
  }

  /** Reads back the CNN's view of the pad (and, if asked, its held-out accuracy). */
  private async refresh(withAccuracy: boolean): Promise<void> {
    const s = this.setup;
    if (!s) return;
    const image = this._image;
    const [inspection, hand] = await Promise.all([s.model.inspect(image), handRules(image, SIZE)]);
    const accuracy = withAccuracy || this._view?.key !== s.key ? await s.model.accuracy(s.test) : this._view.accuracy;
    if (s !== this.setup) return;
    this._view = { key: s.key, inspection, hand, accuracy, loss: this.lastLoss, steps: s.trainer.steps };
    this.dispatchEvent(new CustomEvent('conv-features-change', {
      detail: { trainedSteps: s.trainer.steps, accuracy, prediction: inspection.probs },
      bubbles: true,
      composed: true,
    }));
  }

  /** One frame of training: a few steps and at most one read-back. */
  private async trainFrame(): Promise<void> {
    const s = this.setup;
    if (!s) return;
    if (s.trainer.steps >= MAX_STEPS) {
      this.loop.pause();
      return;
    }
    if (s.trainer.steps % REFRESH === 0 && this._view?.steps !== s.trainer.steps) {
      await this.refresh(s.trainer.steps % (REFRESH * 3) === 0);
      return;
    }
    // Up to STEPS_PER_FRAME steps, stopping early at a refresh boundary; one read-back of the last loss.
    let loss: tfTypes.Scalar = s.trainer.step();
    for (let done = 1; done < STEPS_PER_FRAME && s.trainer.steps % REFRESH !== 0; done++) {
      loss.dispose();
      loss = s.trainer.step();
    }
    this.lastLoss = (await loss.data())[0];
    loss.dispose();
  }

  override updated(): void {
    if (this._view && this._view.key === this.wantedKey && this.setup?.key === this.wantedKey) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loop.pause();
    this.dispose();
    this.wantedKey = '';
  }

  private dispose(): void {
    this.setup?.trainer.dispose();
    this.setup?.model.dispose();
    this.setup = null;
  }

  override getSyncState(): unknown {
    return { tilt: this._tilt, image: Array.from(this._image, (v) => Math.round(v * 100) / 100) };
  }

  override applySyncState(state: unknown): void {
    const s = state as { tilt?: unknown; image?: unknown } | null;
    if (typeof s?.tilt === 'number' && s.tilt >= 0 && s.tilt <= 40) this._tilt = s.tilt;
    if (Array.isArray(s?.image) && s.image.length === SIZE * SIZE) void this.guard(() => this.showImage(s.image as number[]));
  }

  /* ----------------------------- drawing pad ----------------------------- */

  private paint(event: PointerEvent): void {
    const el = event.currentTarget as SVGSVGElement;
    const box = el.getBoundingClientRect();
    const cx = ((event.clientX - box.left) / box.width) * SIZE;
    const cy = ((event.clientY - box.top) / box.height) * SIZE;
    const img = Float32Array.from(this._image);
    // A soft round brush about 1.5 pixels wide.
    for (let y = Math.floor(cy) - 2; y <= Math.floor(cy) + 2; y++) {
      for (let x = Math.floor(cx) - 2; x <= Math.floor(cx) + 2; x++) {
        if (x < 0 || y < 0 || x >= SIZE || y >= SIZE) continue;
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        img[y * SIZE + x] = Math.max(img[y * SIZE + x], Math.max(0, Math.min(1, 1.6 - d)));
      }
    }
    this._image = img;
  }

  private onDown(event: PointerEvent): void {
    this.drawing = true;
    (event.currentTarget as Element).setPointerCapture?.(event.pointerId);
    this.paint(event);
  }

  private onMove(event: PointerEvent): void {
    if (this.drawing) this.paint(event);
  }

  private onUp(): void {
    if (!this.drawing) return;
    this.drawing = false;
    this.publishState();
    void this.guard(() => this.refresh(false));
  }

  private clearPad(): void {
    this._image = new Float32Array(SIZE * SIZE);
    this.publishState();
    void this.guard(() => this.refresh(false));
  }

  /* ----------------------------- rendering ----------------------------- */

  protected override renderDemo() {
    const v = this._view;
    const s = this.setup;
    if (!v || !s) return html`<div class="muted">drawing the shapes…</div>`;
    return html`<div class="layout">
      ${this.renderRules(v.hand, s.handAccuracy)}
      ${this.renderPad(v.inspection)}
      ${this.renderNetwork(v, s)}
    </div>`;
  }

  private renderRules(h: HandVerdict, accuracy: number) {
    const line = (label: number, text: string) => html`<span class=${h.label === label ? 'fired' : ''}>${text}</span>`;
    const f = (x: number) => x.toFixed(1).padStart(5);
    return html`<div part="rules">
      <h4>The hand-written way</h4>
      <div class="filters">
        <figure>${pixelGrid(HAND_FILTERS.horizontalEdges, 3, 44, filterColor(2), 'horizontal-edge filter')}<figcaption>horizontal edges</figcaption></figure>
        <figure>${pixelGrid(HAND_FILTERS.verticalEdges, 3, 44, filterColor(2), 'vertical-edge filter')}<figcaption>vertical edges</figcaption></figure>
        <span class="small muted">filters chosen by a person</span>
      </div>
      <div class="code"><span class="c"># rules a person wrote</span>
H = Σ|horizontal edges|  = ${f(h.horizontal)}
V = Σ|vertical edges|    = ${f(h.vertical)}
m = ink in the middle    = ${h.centreInk.toFixed(2).padStart(5)}
${line(0, `if H > ${HAND_RATIO}·V: horizontal bar`)}
${line(1, `elif V > ${HAND_RATIO}·H: vertical bar`)}
${line(3, `elif m > ${HAND_CENTRE_INK}: cross`)}
${line(2, `else: ring`)}</div>
      <div class="score">Rules on ${this.setup?.test.labels.length ?? ''} held-out shapes (tilt ≤ ${this.currentTilt}°):
        <span class=${accuracy < 0.9 ? 'bad' : 'good'}>${pct(accuracy)}</span></div>
    </div>`;
  }

  private renderPad(inspection: Inspection) {
    const probs = inspection.probs;
    const top = probs.indexOf(Math.max(...probs));
    const c = 260 / SIZE;
    const cells = [];
    for (let i = 0; i < SIZE * SIZE; i++) {
      cells.push(svg`<rect x=${(i % SIZE) * c} y=${Math.floor(i / SIZE) * c} width=${c + 0.3} height=${c + 0.3} fill=${greys(this._image[i])}></rect>`);
    }
    return html`<div part="pad">
      <h4>Draw here (16 × 16)</h4>
      <svg class="pad grid" viewBox="0 0 260 260" width="260" height="260" role="img" aria-label="drawing pad"
        @pointerdown=${this.onDown} @pointermove=${this.onMove} @pointerup=${this.onUp} @pointerleave=${this.onUp}>${cells}</svg>
      <div class="controls">
        <button @click=${this.clearPad}>clear</button>
        <button @click=${() => (this.loadExample(this.exampleIndex + 1), this.publishState())}>next example</button>
      </div>
      <div class="preds">CNN says:
        ${SHAPE_CLASSES.map((name, i) => html`<div class="pred ${i === top ? 'top' : ''}">
          <span>${name}</span><span>${this.barSvg(probs[i])}</span><span>${pct(probs[i])}</span></div>`)}
      </div>
    </div>`;
  }

  /** A probability bar as SVG (no inline styles: the deck's CSP forbids them). */
  private barSvg(p: number) {
    return html`<svg viewBox="0 0 100 10" width="100%" height="12" preserveAspectRatio="none" aria-hidden="true">
      <rect width="100" height="10" fill="#e6e9ee"></rect><rect width=${Math.max(0, Math.min(1, p)) * 100} height="10" fill="#0072b2"></rect></svg>`;
  }

  private renderNetwork(v: NonNullable<ConvFeatures['_view']>, s: Setup) {
    const { filters, maps } = v.inspection;
    const fmax = Math.max(1e-6, ...filters.flat().map(Math.abs));
    const mmax = Math.max(1e-6, ...maps.flatMap((m) => Array.from(m)));
    const viridis = (x: number) => interpolateViridis(x / mmax);
    const trained = s.trainer.steps;
    return html`<div part="network">
      <h4>A tiny CNN learns its own filters</h4>
      <div class="filters">
        ${filters.map((f, i) => html`<figure>${pixelGrid(f, 3, 52, filterColor(fmax), `learned filter ${i + 1}`)}<figcaption>filter ${i + 1}</figcaption></figure>`)}
      </div>
      <div class="filters">
        ${maps.map((m, i) => html`<figure>${pixelGrid(m, SIZE, maps.length > 4 ? 60 : 112, viridis, `feature map ${i + 1}`)}<figcaption>map ${i + 1}</figcaption></figure>`)}
      </div>
      <div class="score">${trained} training steps · loss ${Number.isFinite(v.loss) ? v.loss.toFixed(3) : '—'} ·
        held-out accuracy <span class=${v.accuracy >= 0.9 ? 'good' : ''}>${pct(v.accuracy)}</span></div>
      <div class="controls" part="controls">
        <button class="primary" @click=${() => this.loop.toggle()} ?disabled=${this.still}>${this.loop.playing ? '❚❚ pause' : '▶ train'}</button>
        <button @click=${() => this.guard(() => this.train(10))}>+10 steps</button>
        <button @click=${() => ((this._tilt = this.currentTilt), (this.wantedKey = ''), this.requestUpdate())}>restart</button>
        <label>tilt ≤ <input type="range" min="0" max="40" step="5" .value=${String(this.currentTilt)}
          @change=${(e: Event) => ((this._tilt = Number((e.target as HTMLInputElement).value)), this.publishState())} aria-label="maximum tilt" />
          <span class="value">${this.currentTilt}°</span></label>
      </div>
    </div>`;
  }
}
