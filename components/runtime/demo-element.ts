/**
 * The base of every live demo. It gives each element the shared behaviour a
 * demo needs mid-lecture, so the element itself only renders and wires input:
 * attribute parsing with in-box messages, caught failures, the backend badge,
 * readiness (`ready` promise + `data-ready`), the slide lifecycle, input
 * isolation, seeded randomness and presenter/audience sync.
 */
import { LitElement, html, nothing, type CSSResultGroup, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { BACKEND_CHANGE, backendSummary, initBackend, backendInfo, tf, type BackendChange, type BackendName } from './backend.js';
import { installClicker } from './clicker.js';
import { isolateInput } from './isolation.js';
import { formatParamError, parseParams, type ParamError, type ParamSpecs, type ParamValues } from './params.js';
import { rebuildOnNewBackend } from './recovery.js';
import { createRng, type Rng } from './rng.js';
import { SlideController } from './slide.js';
import { baseStyles, chartStyles, keepPageControllerOffDemos } from './styles.js';
import { SyncChannel } from './sync.js';

export const DEFAULT_SEED = 42;

export abstract class DemoElement extends LitElement {
  static override styles: CSSResultGroup = [baseStyles, chartStyles];
  static override properties: PropertyDeclarations = {
    seed: { type: Number },
    clickerSteps: { type: Number, attribute: 'clicker-steps' },
    _paramErrors: { state: true },
    _failure: { state: true },
    _backend: { state: true },
    backendNotice: { state: true },
  };

  /** Seed for every random choice of this demo (attribute `seed`). */
  declare seed: number;
  /** How many steps a presenter's clicker takes in this demo before the slide moves (attribute `clicker-steps`; see runtime/clicker.ts). */
  declare clickerSteps: number;
  private clickerHistory: unknown[] = [];
  declare _paramErrors: ParamError[];
  declare _failure: string | null;
  declare _backend: BackendName | null;
  /** A note shown in the box after the page moved to another backend mid-lecture (see runtime/recovery.ts). */
  declare backendNotice: string | null;

  /** Resolves once the demo's first complete state is drawn. */
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private readonly slide = new SlideController(this);
  private readonly sync = new SyncChannel(this);

  constructor() {
    super();
    this.seed = DEFAULT_SEED;
    this.clickerSteps = 0;
    this._paramErrors = [];
    this._failure = null;
    this._backend = backendInfo()?.name ?? null;
    this.backendNotice = null;
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    isolateInput(this);
    installClicker();
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
    keepPageControllerOffDemos();
    if (!this.still) this.sync.open();
    addEventListener(BACKEND_CHANGE, this.onBackendChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.sync.close();
    removeEventListener(BACKEND_CHANGE, this.onBackendChange);
  }

  private onBackendChange = (event: Event) => this.backendChanged((event as CustomEvent<BackendChange>).detail);

  /**
   * The page's backend changed under this demo (a GPU lost mid-lecture): its
   * tensors live on the old backend. By default the demo is replaced by a
   * fresh copy built on the new one, keeping its synced state and running loops.
   */
  protected backendChanged(change: BackendChange): void {
    rebuildOnNewBackend(this, change);
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

  /** Clicker steps taken so far on this demo. */
  get clickerPosition(): number {
    return this.clickerHistory.length;
  }

  /** One clicker step forward: the state before it is kept, so clickerBack() can restore it. */
  clickerForward(): boolean {
    const steps = Number.isFinite(this.clickerSteps) ? this.clickerSteps : 0;
    if (this.still || this.clickerHistory.length >= steps) return false;
    const before = this.getSyncState();
    if (!this.clickerStep()) return false;
    this.clickerHistory.push(before);
    this.publishState();
    return true;
  }

  /** Undoes the last clicker step by restoring the state recorded before it. */
  clickerBack(): boolean {
    if (this.still || !this.clickerHistory.length) return false;
    this.applySyncState(this.clickerHistory.pop());
    this.requestUpdate();
    this.publishState();
    return true;
  }

  /** One step of the demo for a presenter's clicker; demos with steps override it (false: nothing left to do). */
  protected clickerStep(): boolean {
    return false;
  }

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
      ${this._paramErrors.length || this.backendNotice
        ? html`<ul class="messages" role="alert" part="messages">
            ${this.backendNotice ? html`<li class="note backend-notice">${this.backendNotice}</li>` : nothing}
            ${this._paramErrors.map((e) => html`<li class=${e.kind}>${formatParamError(e)}</li>`)}
          </ul>`
        : nothing}
      ${body}
      ${this._backend
        ? html`<span class="badge" part="badge" title=${backendSummary(info)}>${this._backend}${info?.forcedFailed ? ` (${info.forcedFailed} failed)` : ''}</span>`
        : nothing}
    </div>`;
  }

  protected override update(changed: PropertyValues): void {
    super.update(changed);
    // A failed demo has nothing more to draw once its message is on screen: let exporters and tests move on.
    if (this._failure) this.markReady();
  }
}
