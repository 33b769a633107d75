import { css, html, nothing, svg, type TemplateResult } from 'lit';
import { barChart } from '../charts/bar-chart.js';
import { palette, sequential } from '../charts/colors.js';
import { DIGIT_GLYPHS, TEST_VARIANT } from '../data/digit-strokes.js';
import { PIXELS, SIDE, makeDigitSet, rasterise } from '../models/digit-images.js';
import { DigitNetwork, PARAMETERS } from '../models/digit-network.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  activation: param.oneOf(['relu', 'sigmoid'] as const, 'relu'),
  learningRate: param.number({ fallback: 0.01, min: 0.0001, max: 0.5, attribute: 'learning-rate' }),
  batchSize: param.int({ fallback: 32, min: 1, cap: 512, attribute: 'batch-size' }),
};

/** Seeded steps behind the still state (print, PDF, previews). */
export const STILL_STEPS = 150;
/** Optimiser steps per animation frame (one read-back per frame). */
const STEPS_PER_FRAME = 4;
/** Training images per digit (styles 0–2) and held-out test images per digit (style 3). */
const TRAIN_PER_DIGIT = 150;
const TEST_PER_DIGIT = 30;
/** Pad pixels per image pixel. */
const PAD_SCALE = 10;

/**
 * `<digit-trainer>` — the 784-16-16-10 network (13,002 parameters) trained
 * live on digit images the project draws itself: a small stroke font
 * (data/digit-strokes.ts, four hand-written styles per digit) rasterised at
 * 28×28 with seeded rotation, scale, shear, shift, stroke width and blur
 * (models/digit-images.ts). Style 3 of every digit never appears in training:
 * the accuracy shown is on those held-out styles. (Handwriting fonts from npm
 * would add variety; they were out of scope for the time given.)
 * Adam on minibatches, several steps per frame, one read-back per frame.
 * A 28×28 pad: draw a digit with the mouse/pen and see the ten softmax
 * outputs and the 16 + 16 hidden activations. Still state: 150 seeded steps.
 *
 * @attr activation - hidden activation: "relu" (default) or "sigmoid"
 * @attr learning-rate - Adam learning rate (default 0.01)
 * @attr batch-size - minibatch size, 1 to 512 (default 32)
 * @attr seed - seeds the images, the initial weights and the batches (default 42)
 * @prop step - optimiser steps taken; accuracy - held-out accuracy; loss - last batch loss
 * @prop outputs - number[10]: softmax of the pad image; activations - [h1[16], h2[16]]; pad - Float32Array(784)
 * @prop playing - boolean
 * @method train(steps) - Promise<number>: runs steps now, returns the held-out accuracy
 * @method play() / pause() / clear() / drawLine(x0, y0, x1, y1) (pad pixel coordinates)
 * @fires digit-trainer-change - detail {step, accuracy} after a user action
 * @csspart controls - the buttons; pad - the drawing canvas; outputs - the ten bars; hidden - the hidden cells
 */
export class DigitTrainer extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .panels { display: grid; grid-template-columns: 290px 1fr; gap: 0 28px; align-items: start; }
      canvas { width: 280px; height: 280px; border: 1px solid var(--border); border-radius: 4px; touch-action: none; cursor: crosshair; image-rendering: pixelated; background: #000; }
      .panel-title { font-size: 0.8em; color: var(--muted); margin: 0 0 2px; }
      .stats { font-size: 0.9em; display: flex; flex-wrap: wrap; gap: 0 1.1em; }
      .stats .value { color: var(--accent); }
      .hidden-cells { display: block; }
    `,
  ];

  static override properties = { ...DemoElement.properties, ...propertiesOf(PARAMS), _view: { state: true } };
  declare activation: string | undefined;
  declare learningRate: string | number | undefined;
  declare batchSize: string | number | undefined;
  declare _view: number;

  private p!: ParamValues<typeof PARAMS>;
  private readonly loop = new LoopController(this, () => this.frame());
  private net: DigitNetwork | null = null;
  private wantedKey = '';
  private shownKey = '';
  private work: Promise<unknown> = Promise.resolve();
  private busy = false;
  private padImage: Float32Array = new Float32Array(PIXELS);
  private probe: Float32Array = new Float32Array(42);
  private _accuracy = NaN;
  private _loss = NaN;
  private drawing: { x: number; y: number } | null = null;
  private probing = false;

  constructor() {
    super();
    this._view = 0;
  }

  get step(): number { return this.net?.stepCount ?? 0; }
  get accuracy(): number { return this._accuracy; }
  get loss(): number { return this._loss; }
  get outputs(): number[] { return Array.from(this.probe.subarray(0, 10)); }
  get activations(): number[][] { return [Array.from(this.probe.subarray(10, 26)), Array.from(this.probe.subarray(26, 42))]; }
  get pad(): Float32Array { return this.padImage.slice(); }
  get playing(): boolean { return this.loop.playing; }
  get parameters(): number { return PARAMETERS; }

  play(): void { this.loop.play(); }
  pause(): void { this.loop.pause(); }

  async train(steps: number): Promise<number> {
    this.loop.pause();
    await this.work;
    if (!this.net) throw new Error('the model is not ready (see the message in the box)');
    await this.advance(Math.max(0, Math.floor(steps)));
    return this._accuracy;
  }

  clear(): void {
    this.padImage = new Float32Array(PIXELS);
    this.drawPad();
    void this.refreshProbe();
  }

  /** Draws a soft round brush line on the pad between two points in pixel units (0–28). */
  drawLine(x0: number, y0: number, x1: number, y1: number): Promise<void> {
    const img = rasterise([[[x0 / 20 - 0.2, y0 / 20 - 0.2], [x1 / 20 - 0.2, y1 / 20 - 0.2]]], { rotation: 0, scale: 1, shear: 0, dx: 0, dy: 0, width: 2.2, blur: 0, wobble: 0 });
    for (let i = 0; i < PIXELS; i++) this.padImage[i] = Math.max(this.padImage[i], img[i]);
    this.drawPad();
    return this.refreshProbe();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loop.pause();
    this.net?.dispose();
    this.net = null;
    this.wantedKey = '';
  }

  override willUpdate(): void {
    this.p = this.readParams(PARAMS);
    if (!this.isConnected) return;
    const key = JSON.stringify([this.p, this.seed, this.still]);
    if (key === this.wantedKey) return;
    this.wantedKey = key;
    this.markBusy();
    this.loop.pause();
    this.work = this.work.then(() => this.guard(() => this.build(key)));
  }

  private async build(key: string): Promise<void> {
    if (key !== this.wantedKey) return;
    await this.tf();
    const seed = Number.isFinite(this.seed) ? this.seed : 42;
    this.net?.dispose();
    this.net = new DigitNetwork({ seed, activation: this.p.activation, learningRate: this.p.learningRate, batchSize: this.p.batchSize },
      makeDigitSet('train', TRAIN_PER_DIGIT, seed), makeDigitSet('test', TEST_PER_DIGIT, seed));
    // The pad starts with a held-out 3, so the outputs mean something before anyone draws.
    this.padImage = rasterise(DIGIT_GLYPHS[3][TEST_VARIANT]);
    this._loss = NaN;
    await this.advance(this.still ? STILL_STEPS : 0);
    if (key !== this.wantedKey) return;
    this.shownKey = key;
    this._view++;
  }

  /** Runs steps, then reads loss, accuracy and the pad probe in one read-back. */
  private async advance(steps: number): Promise<void> {
    const net = this.net!;
    this.busy = true;
    try {
      const tf = await this.tf();
      let last: import('@tensorflow/tfjs-core').Scalar | null = null;
      for (let i = 0; i < steps; i++) {
        last?.dispose();
        last = net.step();
      }
      const all = tf.tidy(() => tf.concat([tf.reshape(last ?? tf.scalar(NaN), [1]), tf.reshape(net.testAccuracy(), [1]), net.probe(this.padImage)]));
      last?.dispose();
      const data = (await all.data()) as Float32Array;
      all.dispose();
      if (net !== this.net) return;
      if (steps > 0) this._loss = data[0];
      this._accuracy = data[1];
      this.probe = data.slice(2);
    } finally {
      this.busy = false;
      this._view++;
    }
  }

  private async frame(): Promise<void> {
    if (!this.net || this.busy) return;
    await this.advance(STEPS_PER_FRAME);
  }

  private async refreshProbe(): Promise<void> {
    if (!this.net || this.probing) return;
    this.probing = true;
    try {
      const t = this.net.probe(this.padImage);
      this.probe = (await t.data()) as Float32Array;
      t.dispose();
      this._view++;
    } finally {
      this.probing = false;
    }
  }

  private drawPad(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const data = ctx.createImageData(SIDE, SIDE);
    for (let i = 0; i < PIXELS; i++) {
      const v = Math.round(this.padImage[i] * 255);
      data.data.set([v, v, v, 255], i * 4);
    }
    ctx.putImageData(data, 0, 0);
  }

  private padPoint(e: PointerEvent): { x: number; y: number } {
    const r = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * SIDE, y: ((e.clientY - r.top) / r.height) * SIDE };
  }

  private onDown = (e: PointerEvent) => {
    (e.currentTarget as HTMLCanvasElement).setPointerCapture?.(e.pointerId);
    this.drawing = this.padPoint(e);
    void this.drawLine(this.drawing.x, this.drawing.y, this.drawing.x, this.drawing.y);
  };
  private onMove = (e: PointerEvent) => {
    if (!this.drawing) return;
    const p = this.padPoint(e);
    void this.drawLine(this.drawing.x, this.drawing.y, p.x, p.y);
    this.drawing = p;
  };
  private onUp = () => {
    if (!this.drawing) return;
    this.drawing = null;
    void this.refreshProbe().then(() => this.changed());
  };

  private changed(): void {
    this.publishState();
    this.dispatchEvent(new CustomEvent('digit-trainer-change', { detail: { step: this.step, accuracy: this._accuracy }, bubbles: true, composed: true }));
  }

  override updated(): void {
    this.drawPad();
    if (this.net && this.shownKey === this.wantedKey) this.markReady();
  }

  protected override renderDemo(): TemplateResult {
    if (!this.net) return html`<p class="muted">Drawing the digits…</p>`;
    const fmt = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '–');
    const outs = this.outputs;
    const guess = outs.indexOf(Math.max(...outs));
    return html`
      <div class="controls" part="controls">
        <button class="primary play" @click=${() => { this.loop.toggle(); this.changed(); }}>${this.loop.playing ? '❚❚ pause' : '▶ train'}</button>
        <button class="clear" @click=${() => { this.clear(); this.changed(); }}>clear pad</button>
        <span class="stats" part="stats">
          <span>step <span class="value step-count">${this.step.toLocaleString('en-US')}</span></span>
          <span>held-out accuracy <span class="value accuracy">${Number.isFinite(this._accuracy) ? `${(this._accuracy * 100).toFixed(1)} %` : '–'}</span></span>
          <span>batch loss <span class="value">${fmt(this._loss)}</span></span>
          <span class="muted">${PARAMETERS.toLocaleString('en-US')} parameters · ${this.p.activation}</span>
          ${this.still ? html`<span class="muted">(after ${STILL_STEPS} seeded steps)</span>` : nothing}
        </span>
      </div>
      <div class="panels">
        <div>
          <p class="panel-title">draw a digit (28 × 28 pixels)</p>
          <canvas part="pad" width=${SIDE} height=${SIDE} aria-label="drawing pad"
            @pointerdown=${this.onDown} @pointermove=${this.onMove} @pointerup=${this.onUp} @pointercancel=${this.onUp}></canvas>
        </div>
        <div>
          <p class="panel-title">hidden layer 1 and 2 (16 + 16 activations)</p>
          ${this.renderHidden()}
          <p class="panel-title">output: softmax probability per digit · guess <b>${guess}</b></p>
          <div part="outputs">${barChart({ values: outs, labels: outs.map((_, i) => String(i)), width: 820, height: 230, max: 1, format: (v) => v.toFixed(2), kept: outs.map((_, i) => i === guess), title: 'output probabilities' })}</div>
        </div>
      </div>`;
  }

  private renderHidden(): TemplateResult {
    const [h1, h2] = this.activations;
    const cell = 44;
    const max = Math.max(1e-6, ...h1, ...h2);
    const row = (values: number[], y: number, label: string) => svg`
      <text x="0" y=${y + cell * 0.65} font-size="15" fill="currentColor">${label}</text>
      ${values.map((v, i) => svg`<rect x=${60 + i * (cell + 3)} y=${y} width=${cell} height=${cell} rx="3" fill=${sequential(v / max)} stroke=${palette.blue} stroke-width="0.5"><title>${v.toFixed(3)}</title></rect>`)}`;
    return html`<svg class="hidden-cells" part="hidden" viewBox="0 0 820 ${2 * cell + 8}" width="820" role="img" aria-label="hidden activations">
      ${row(h1, 0, 'h1')}${row(h2, cell + 8, 'h2')}
    </svg>`;
  }
}
