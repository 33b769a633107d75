import { css, html, svg, unsafeCSS, type TemplateResult } from 'lit';
import { barChart } from '../charts/bar-chart.js';
import { palette, sequential } from '../charts/colors.js';
import { lineChart } from '../charts/line-chart.js';
import { DIGIT_GLYPHS, TEST_VARIANT } from '../data/digit-strokes.js';
import { PAD_PEN, PIXELS, SIDE, centreDrawing, glyphStrokes, makeDigitSet, padGlyph, rasterise, PLAIN, type PadStroke } from '../models/digit-images.js';
import { DigitNetwork, PARAMETERS } from '../models/digit-network.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

/** Seeded steps behind the first screen, live and in print (the warm-up). */
export const STILL_STEPS = 150;

const PARAMS = {
  activation: param.oneOf(['relu', 'sigmoid'] as const, 'relu'),
  learningRate: param.number({ fallback: 0.01, min: 0.0001, max: 0.5, attribute: 'learning-rate' }),
  batchSize: param.int({ fallback: 32, min: 1, cap: 512, attribute: 'batch-size' }),
  warmup: param.int({ fallback: STILL_STEPS, min: 0, max: 2000 }),
};

/** Optimiser steps per animation frame (one read-back per frame). */
const STEPS_PER_FRAME = 4;
/** During the warm-up, loss and accuracy are read every this many steps (the start of the curve). */
const WARMUP_RECORD = 10;
/** Points kept on the live curve; older ones are thinned to every other. */
const MAX_HISTORY = 400;
/** Training images per digit (styles 0–2) and held-out test images per digit (style 3). */
const TRAIN_PER_DIGIT = 150;
const TEST_PER_DIGIT = 30;
/** Pad and preview size in CSS pixels (whole multiples of 28 so the pixels stay square). */
const PAD_PX = 224;
const PREVIEW_PX = 84;
/** Width of the right-hand column's charts. */
const RIGHT_PX = 850;

export interface TrainingPoint {
  step: number;
  /** Mean cross-entropy of the last minibatch (NaN at step 0). */
  loss: number;
  /** Accuracy on the held-out styles. */
  accuracy: number;
}

/**
 * `<digit-trainer>` — the 784-16-16-10 network (13,002 parameters) trained
 * live on digit images the project draws itself: a small stroke font
 * (data/digit-strokes.ts, four hand-written styles per digit) rasterised at
 * 28×28 with seeded rotation, scale, shear, shift, stroke width and blur
 * (models/digit-images.ts). Style 3 of every digit never appears in training:
 * the accuracy shown is on those held-out styles. Adam on minibatches of
 * cross-entropy, softmax outputs, several steps per frame, one read-back per
 * frame; a live curve of held-out accuracy and batch loss against steps.
 *
 * The first screen (live and in print) is the network after a seeded warm-up
 * of `warmup` steps (default 150), its curve drawn from step 0; "restart"
 * goes back to the untrained network. The pad (dark ink = 1 on white = 0, as
 * the training images) records the strokes; the network reads them prepared
 * as MNIST's digits were: the drawing's bounding box scaled to a training
 * digit's size and the image shifted so its centre of mass sits in the
 * middle (`centreDrawing`), shown beside the pad. A dashed guide box marks
 * where a digit goes.
 *
 * @attr activation - hidden activation: "relu" (default) or "sigmoid"
 * @attr learning-rate - Adam learning rate (default 0.01)
 * @attr batch-size - minibatch size, 1 to 512 (default 32)
 * @attr warmup - seeded steps trained before the first screen, 0 to 2000 (default 150)
 * @attr seed - seeds the images, the initial weights and the batches (default 42)
 * @prop step - optimiser steps taken; accuracy - held-out accuracy; loss - last batch loss
 * @prop history - TrainingPoint[]: {step, loss, accuracy} for the curve
 * @prop outputs - number[10]: softmax of the network's input; activations - [h1[16], h2[16]]
 * @prop pad - Float32Array(784): the drawing as drawn; input - Float32Array(784): what the network reads (centred)
 * @prop strokes - the pad's strokes in pixel units (0–28)
 * @prop playing - boolean
 * @method train(steps) - Promise<number>: runs steps now, returns the held-out accuracy
 * @method play() / pause() / restart() / clear() / drawLine(x0, y0, x1, y1) (pad pixel coordinates, Promise)
 * @fires digit-trainer-change - detail {step, accuracy} after a user action
 * @csspart controls - the buttons; pad - the drawing canvas; input - the network's input; curve - the training curves;
 *   outputs - the ten bars; hidden - the hidden cells
 */
export class DigitTrainer extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .controls { flex-wrap: nowrap; margin: 0 0 0.2em; }
      .panels { display: grid; grid-template-columns: ${PAD_PX + 6}px 1fr; gap: 0 24px; align-items: start; }
      .pad-box { position: relative; width: ${PAD_PX + 2}px; height: ${PAD_PX + 2}px; }
      canvas { display: block; border: 1px solid var(--border); border-radius: 4px; image-rendering: pixelated; background: white; }
      canvas.pad { width: ${PAD_PX + 2}px; height: ${PAD_PX + 2}px; touch-action: none; cursor: crosshair; }
      canvas.input { width: ${PREVIEW_PX + 2}px; height: ${PREVIEW_PX + 2}px; }
      .guide { position: absolute; left: ${1 + (PAD_PX * 4) / SIDE}px; top: ${1 + (PAD_PX * 4) / SIDE}px; width: ${(PAD_PX * 20) / SIDE}px; height: ${(PAD_PX * 20) / SIDE}px;
        border: 2px dashed ${unsafeCSS(palette.orange)}; border-radius: 3px; pointer-events: none; opacity: 0.8; }
      .seen { display: flex; gap: 10px; align-items: center; margin-top: 6px; }
      .seen p { margin: 0; font-size: 0.8em; color: var(--muted); line-height: 1.2; }
      .panel-title { font-size: 0.8em; color: var(--muted); margin: 0 0 2px; }
      .stats { font-size: 0.85em; display: flex; flex-wrap: wrap; gap: 0 1em; }
      .stats .value { color: var(--accent); }
      .curves { display: grid; grid-template-columns: 1fr 1fr; gap: 0 16px; }
      .hidden-cells { display: block; }
    `,
  ];

  static override properties = { ...DemoElement.properties, ...propertiesOf(PARAMS), _view: { state: true } };
  declare activation: string | undefined;
  declare learningRate: string | number | undefined;
  declare batchSize: string | number | undefined;
  declare warmup: string | number | undefined;
  declare _view: number;

  private p!: ParamValues<typeof PARAMS>;
  private readonly loop = new LoopController(this, () => this.frame());
  private net: DigitNetwork | null = null;
  private wantedKey = '';
  private shownKey = '';
  private work: Promise<unknown> = Promise.resolve();
  private busy = false;
  private _strokes: PadStroke[] = [];
  private padImage: Float32Array = new Float32Array(PIXELS);
  private inputImage: Float32Array = new Float32Array(PIXELS);
  private probe: Float32Array = new Float32Array(42);
  private _history: TrainingPoint[] = [];
  private _accuracy = NaN;
  private _loss = NaN;
  private drawing: [number, number][] | null = null;
  private probing: Promise<void> | null = null;
  private probeAgain = false;

  constructor() {
    super();
    this._view = 0;
  }

  get step(): number { return this.net?.stepCount ?? 0; }
  get accuracy(): number { return this._accuracy; }
  get loss(): number { return this._loss; }
  get history(): TrainingPoint[] { return this._history.map((p) => ({ ...p })); }
  get outputs(): number[] { return Array.from(this.probe.subarray(0, 10)); }
  get activations(): number[][] { return [Array.from(this.probe.subarray(10, 26)), Array.from(this.probe.subarray(26, 42))]; }
  get pad(): Float32Array { return this.padImage.slice(); }
  get input(): Float32Array { return this.inputImage.slice(); }
  get strokes(): PadStroke[] { return this._strokes.map((s) => s.map((p) => [p[0], p[1]] as const)); }
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

  /** Back to the untrained network (step 0, same seed), keeping the drawing. */
  restart(): Promise<void> {
    this.loop.pause();
    this.markBusy();
    this.work = this.work.then(() => this.guard(() => this.build(this.wantedKey, 0)));
    return this.work.then(() => undefined);
  }

  clear(): Promise<void> {
    return this.setStrokes([]);
  }

  /** Adds a straight stroke between two points in pad pixel units (0–28). */
  drawLine(x0: number, y0: number, x1: number, y1: number): Promise<void> {
    return this.setStrokes([...this._strokes, [[x0, y0], [x1, y1]]]);
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
    // The pad starts with a held-out 3, so the outputs mean something before anyone draws.
    this.setDrawing(glyphStrokes(DIGIT_GLYPHS[3][TEST_VARIANT]));
    this.work = this.work.then(() => this.guard(() => this.build(key, this.p.warmup)));
  }

  private async build(key: string, warmup: number): Promise<void> {
    if (key !== this.wantedKey) return;
    await this.tf();
    const seed = Number.isFinite(this.seed) ? this.seed : 42;
    this.net?.dispose();
    this.net = new DigitNetwork({ seed, activation: this.p.activation, learningRate: this.p.learningRate, batchSize: this.p.batchSize },
      makeDigitSet('train', TRAIN_PER_DIGIT, seed), makeDigitSet('test', TEST_PER_DIGIT, seed));
    this._loss = NaN;
    this._history = [];
    await this.advance(0);
    // The warm-up: seeded steps in chunks, so the curve shows the climb from step 0.
    for (let done = 0; done < warmup && key === this.wantedKey; done += WARMUP_RECORD) {
      await this.advance(Math.min(WARMUP_RECORD, warmup - done));
      // On wasm a read-back resolves at once: yield so the page (and the deck) keep running.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (key !== this.wantedKey) return;
    this.shownKey = key;
    this._view++;
  }

  /** Runs steps, then reads loss, accuracy and the probe of the network's input in one read-back. */
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
      const all = tf.tidy(() => tf.concat([tf.reshape(last ?? tf.scalar(NaN), [1]), tf.reshape(net.testAccuracy(), [1]), net.probe(this.inputImage)]));
      last?.dispose();
      const data = (await all.data()) as Float32Array;
      all.dispose();
      if (net !== this.net) return;
      if (steps > 0) this._loss = data[0];
      this._accuracy = data[1];
      this.probe = data.slice(2);
      this.record({ step: net.stepCount, loss: steps > 0 ? data[0] : NaN, accuracy: data[1] });
    } finally {
      this.busy = false;
      this._view++;
    }
  }

  private record(point: TrainingPoint): void {
    const h = this._history;
    if (h.length && h[h.length - 1].step === point.step) h[h.length - 1] = point;
    else h.push(point);
    if (h.length > MAX_HISTORY) this._history = h.filter((_, i) => i % 2 === 0 || i === h.length - 1);
  }

  private async frame(): Promise<void> {
    if (!this.net || this.busy) return;
    await this.advance(STEPS_PER_FRAME);
  }

  /** Replaces the drawing: the raw raster for the pad, the centred image for the network. */
  private setDrawing(strokes: PadStroke[]): void {
    this._strokes = strokes;
    this.padImage = strokes.length ? rasterise(padGlyph(strokes), { ...PLAIN, width: PAD_PEN }) : new Float32Array(PIXELS);
    this.inputImage = centreDrawing(strokes);
  }

  private setStrokes(strokes: PadStroke[]): Promise<void> {
    this.setDrawing(strokes);
    this.drawCanvases();
    return this.refreshProbe();
  }

  /** Reads the network's outputs for the current input; a change during a read-back is read again after it. */
  private refreshProbe(): Promise<void> {
    if (!this.net) return Promise.resolve();
    if (this.probing) {
      this.probeAgain = true;
      return this.probing;
    }
    const run = async () => {
      do {
        this.probeAgain = false;
        const net = this.net;
        if (!net) return;
        const t = net.probe(this.inputImage);
        const data = (await t.data()) as Float32Array;
        t.dispose();
        if (net === this.net) this.probe = data;
        this._view++;
      } while (this.probeAgain);
    };
    this.probing = run().finally(() => (this.probing = null));
    return this.probing;
  }

  private drawCanvases(): void {
    for (const [sel, img] of [['canvas.pad', this.padImage], ['canvas.input', this.inputImage]] as const) {
      const canvas = this.renderRoot.querySelector<HTMLCanvasElement>(sel);
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx) continue;
      const data = ctx.createImageData(SIDE, SIDE);
      for (let i = 0; i < PIXELS; i++) {
        // Dark ink on white paper: pixel value 1 = full ink, drawn black.
        const v = Math.round((1 - img[i]) * 255);
        data.data.set([v, v, v, 255], i * 4);
      }
      ctx.putImageData(data, 0, 0);
    }
  }

  private padPoint(e: PointerEvent): [number, number] {
    const r = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SIDE, ((e.clientY - r.top) / r.height) * SIDE];
  }

  private onDown = (e: PointerEvent) => {
    (e.currentTarget as HTMLCanvasElement).setPointerCapture?.(e.pointerId);
    const p = this.padPoint(e);
    this.drawing = [p, p];
    void this.setStrokes([...this._strokes, this.drawing]);
  };
  private onMove = (e: PointerEvent) => {
    if (!this.drawing) return;
    this.drawing.push(this.padPoint(e));
    void this.setStrokes([...this._strokes]);
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
    this.drawCanvases();
    if (this.net && this.shownKey === this.wantedKey) this.markReady();
  }

  protected override renderDemo(): TemplateResult {
    if (!this.net) return html`<p class="muted">Drawing the digits…</p>`;
    const fmt = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : 'not yet');
    const outs = this.outputs;
    const guess = outs.indexOf(Math.max(...outs));
    const empty = !this._strokes.length;
    return html`
      <div class="controls" part="controls">
        <button class="primary play" @click=${() => { this.loop.toggle(); this.changed(); }}>${this.loop.playing ? '❚❚ pause' : '▶ train'}</button>
        <button class="restart" @click=${() => void this.restart().then(() => this.changed())}>restart</button>
        <button class="clear" @click=${() => void this.clear().then(() => this.changed())}>clear pad</button>
        <span class="stats" part="stats">
          <span>step <span class="value step-count">${this.step.toLocaleString('en-US')}</span></span>
          <span>held-out accuracy <span class="value accuracy">${Number.isFinite(this._accuracy) ? `${(this._accuracy * 100).toFixed(1)} %` : 'not yet'}</span></span>
          <span>batch loss <span class="value loss">${fmt(this._loss)}</span></span>
        </span>
      </div>
      <div class="panels">
        <div>
          <p class="panel-title">draw a digit</p>
          <div class="pad-box">
            <canvas class="pad" part="pad" width=${SIDE} height=${SIDE} aria-label="drawing pad"
              @pointerdown=${this.onDown} @pointermove=${this.onMove} @pointerup=${this.onUp} @pointercancel=${this.onUp}></canvas>
            <div class="guide" aria-hidden="true"></div>
          </div>
          <div class="seen">
            <canvas class="input" part="input" width=${SIDE} height=${SIDE} aria-label="the network's input"></canvas>
            <p>the network reads this: scaled, centred</p>
          </div>
        </div>
        <div>
          ${this.renderCurves()}
          <p class="panel-title">hidden layers 1 and 2: 16 + 16 ${this.p.activation === 'relu' ? 'ReLU' : 'sigmoid'} units · ${PARAMETERS.toLocaleString('en-US')} parameters in all</p>
          ${this.renderHidden()}
          <p class="panel-title">${empty ? 'output: draw a digit' : html`output: softmax probability per digit · guess <b>${guess}</b> (${outs[guess].toFixed(2)})`}</p>
          <div part="outputs">${barChart({ values: outs, labels: outs.map((_, i) => String(i)), width: RIGHT_PX, height: 118, max: 1, format: (v) => v.toFixed(2), title: 'output probabilities' })}</div>
        </div>
      </div>`;
  }

  private renderCurves(): TemplateResult {
    const h = this._history;
    const xMax = Math.max(100, this.step);
    const w = (RIGHT_PX - 16) / 2;
    return html`<div class="curves" part="curve">
      <div>
        <p class="panel-title">held-out accuracy by step</p>
        ${lineChart({ series: [{ name: 'held-out styles', points: h.map((p) => [p.step, p.accuracy] as const), color: palette.green }],
          width: w, height: 118, xDomain: [0, xMax], yDomain: [0, 1.2], formatY: (v) => (v <= 1 && Math.round(v * 100) % 50 === 0 ? `${Math.round(v * 100)} %` : ''), marks: [{ y: 0.1, label: 'chance' }], title: 'held-out accuracy by step' })}
      </div>
      <div>
        <p class="panel-title">batch loss (cross-entropy) by step</p>
        ${lineChart({ series: [{ name: 'batch loss', points: h.filter((p) => Number.isFinite(p.loss)).map((p) => [p.step, p.loss] as const), color: palette.blue }],
          width: w, height: 118, xDomain: [0, xMax], yDomain: [0, Math.max(3, 1.3 * Math.max(0, ...h.map((p) => (Number.isFinite(p.loss) ? p.loss : 0))))],
          formatY: (v) => (Number.isInteger(v) ? String(v) : ''), title: 'batch loss by step' })}
      </div>
    </div>`;
  }

  private renderHidden(): TemplateResult {
    const [h1, h2] = this.activations;
    const cell = 26;
    const max = Math.max(1e-6, ...h1, ...h2);
    const row = (values: number[], y: number, label: string) => svg`
      <text x="0" y=${y + cell * 0.7} font-size="18" fill="currentColor">${label}</text>
      ${values.map((v, i) => svg`<rect x=${44 + i * (cell + 4)} y=${y} width=${cell} height=${cell} rx="3" fill=${sequential(v / max)} stroke=${palette.blue} stroke-width="0.5"><title>${v.toFixed(3)}</title></rect>`)}`;
    const width = 44 + 16 * (cell + 4);
    return html`<svg class="hidden-cells" part="hidden" viewBox="0 0 ${width} ${2 * cell + 6}" width=${width} height=${2 * cell + 6} role="img" aria-label="hidden activations">
      ${row(h1, 0, 'h1')}${row(h2, cell + 6, 'h2')}
    </svg>`;
  }
}
