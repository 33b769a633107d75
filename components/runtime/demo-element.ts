/**
 * The base of every live demo. It gives each element the shared behaviour a
 * demo needs mid-lecture, so the element itself only renders and wires input:
 * attribute parsing with in-box messages, caught failures, the backend badge,
 * readiness (`ready` promise + `data-ready`), the slide lifecycle, input
 * isolation, seeded randomness and presenter/audience sync.
 */
import { LitElement, html, nothing, type CSSResultGroup, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { initBackend, backendInfo, tf, type BackendName } from './backend.js';
import { isolateInput } from './isolation.js';
import { formatParamError, parseParams, type ParamError, type ParamSpecs, type ParamValues } from './params.js';
import { createRng, type Rng } from './rng.js';
import { SlideController } from './slide.js';
import { baseStyles, chartStyles } from './styles.js';
import { SyncChannel } from './sync.js';

export const DEFAULT_SEED = 42;

export abstract class DemoElement extends LitElement {
  static override styles: CSSResultGroup = [baseStyles, chartStyles];
  static override properties: PropertyDeclarations = {
    seed: { type: Number },
    _paramErrors: { state: true },
    _failure: { state: true },
    _backend: { state: true },
  };

  /** Seed for every random choice of this demo (attribute `seed`). */
  declare seed: number;
  declare _paramErrors: ParamError[];
  declare _failure: string | null;
  declare _backend: BackendName | null;

  /** Resolves once the demo's first complete state is drawn. */
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private readonly slide = new SlideController(this);
  private readonly sync = new SyncChannel(this);

  constructor() {
    super();
    this.seed = DEFAULT_SEED;
    this._paramErrors = [];
    this._failure = null;
    this._backend = backendInfo()?.name ?? null;
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    isolateInput(this);
  }

  /** The TensorFlow.js backend this demo runs on (null before initialisation). */
  get backend(): BackendName | null {
    return this._backend;
  }

  /** True while the demo's slide is the one on screen (always true outside a deck). */
  get visible(): boolean {
    return this.slide.visible;
  }

  /** True when the demo must show its deterministic still state and run no loops. */
  get still(): boolean {
    return this.slide.still;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.still) this.sync.open();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.sync.close();
  }

  /** The initialised TensorFlow.js module, on the page's one backend. */
  protected async tf(): Promise<typeof tf> {
    const info = await initBackend();
    this._backend = info.name;
    return tf;
  }

  /** A seeded generator; named streams are independent of each other. */
  protected rng(stream = ''): Rng {
    const seed = Number.isFinite(this.seed) ? this.seed : DEFAULT_SEED;
    return createRng(seed, stream);
  }

  /** Parses declared attributes; bad values fall back to defaults and show a message. */
  protected readParams<S extends ParamSpecs>(specs: S): ParamValues<S> {
    const { values, errors } = parseParams(specs, this as unknown as Record<string, unknown>);
    const same = errors.length === this._paramErrors.length && errors.every((e, i) => formatParamError(e) === formatParamError(this._paramErrors[i]));
    if (!same) this._paramErrors = errors;
    return values;
  }

  /** Marks the current state as fully drawn. */
  protected markReady(): void {
    this.setAttribute('data-ready', '');
    this.resolveReady();
  }

  /** Marks that a new state is being computed. */
  protected markBusy(): void {
    this.removeAttribute('data-ready');
  }

  /** Shows an error in the demo's box instead of its content; the deck keeps working. */
  fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    console.warn(`<${this.localName}> failed:`, error);
    this._failure = message;
  }

  /** Runs work and shows any exception in the box. */
  protected async guard<T>(work: () => Promise<T> | T): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      this.fail(error);
      return undefined;
    }
  }

  /** Sends this demo's state to the deck's other windows (presenter ↔ audience). */
  protected publishState(): void {
    this.sync.publish();
  }

  /** Serialisable state mirrored to other windows; override in demos the lecturer drives. */
  getSyncState(): unknown {
    return null;
  }

  /** Applies state from another window. */
  applySyncState(_state: unknown): void {}

  /** The demo's content. */
  protected abstract renderDemo(): TemplateResult | typeof nothing;

  protected override performUpdate(): void {
    try {
      super.performUpdate();
    } catch (error) {
      this.fail(error);
    }
  }

  protected override render(): TemplateResult {
    let body: TemplateResult | typeof nothing;
    try {
      body = this._failure ? nothing : this.renderDemo();
    } catch (error) {
      this.fail(error);
      body = nothing;
    }
    if (this._failure) body = html`<div class="failure" role="alert"><strong>This demo stopped:</strong> ${this._failure}</div>`;
    const info = backendInfo();
    return html`<div class="frame" part="frame">
      ${this._paramErrors.length
        ? html`<ul class="messages" role="alert" part="messages">
            ${this._paramErrors.map((e) => html`<li class=${e.kind}>${formatParamError(e)}</li>`)}
          </ul>`
        : nothing}
      ${body}
      ${this._backend
        ? html`<span class="badge" part="badge" title=${info?.skipped.length ? `skipped ${info.skipped.join('; ')}` : 'TensorFlow.js backend'}>${this._backend}</span>`
        : nothing}
    </div>`;
  }

  protected override update(changed: PropertyValues): void {
    super.update(changed);
    // A failed demo has nothing more to draw once its message is on screen: let exporters and tests move on.
    if (this._failure) this.markReady();
  }
}
