/**
 * Where a demo sits in the deck: is its slide the one on screen, and should it
 * show its still state instead of running (print, PDF export, the presenter
 * view's next-slide preview, the overview grid)?
 *
 * Marp's bespoke template marks the shown slide's <svg> with
 * `bespoke-marp-active` and the view on <body data-bespoke-view>
 * ('' | 'presenter' | 'next' | 'overview'). Outside bespoke (a standalone demo
 * page) a demo counts as visible.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

const STILL_VIEWS = new Set(['next', 'overview']);

/** Print mode set by the PDF exporter (`?print`) or by `<html data-print>`. */
export function printRequested(): boolean {
  if (typeof document === 'undefined') return false;
  if (document.documentElement.hasAttribute('data-print')) return true;
  return new URLSearchParams(location.search).has('print');
}

export function bespokeView(): string | null {
  return document.body?.getAttribute('data-bespoke-view') ?? null;
}

export class SlideController implements ReactiveController {
  visible = true;
  still = false;
  private observers: MutationObserver[] = [];
  private printQuery: MediaQueryList | null = null;
  private printing = false;

  constructor(private host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    const slide = this.host.closest('svg.bespoke-marp-slide, .bespoke-marp-slide');
    if (slide) this.observe(slide, ['class']);
    if (document.body) this.observe(document.body, ['data-bespoke-view']);
    this.observe(document.documentElement, ['data-print']);
    this.printQuery = matchMedia('print');
    this.printQuery.addEventListener('change', this.onPrint);
    addEventListener('beforeprint', this.onBeforePrint);
    addEventListener('afterprint', this.onAfterPrint);
    this.refresh();
  }

  hostDisconnected(): void {
    for (const o of this.observers) o.disconnect();
    this.observers = [];
    this.printQuery?.removeEventListener('change', this.onPrint);
    removeEventListener('beforeprint', this.onBeforePrint);
    removeEventListener('afterprint', this.onAfterPrint);
  }

  private observe(target: Element, attributeFilter: string[]): void {
    const o = new MutationObserver(() => this.refresh());
    o.observe(target, { attributes: true, attributeFilter });
    this.observers.push(o);
  }

  private onPrint = () => this.refresh();
  private onBeforePrint = () => { this.printing = true; this.refresh(); };
  private onAfterPrint = () => { this.printing = false; this.refresh(); };

  private refresh(): void {
    const slide = this.host.closest('svg.bespoke-marp-slide, .bespoke-marp-slide');
    const visible = slide ? slide.classList.contains('bespoke-marp-active') : true;
    const view = bespokeView();
    const still = this.printing || !!this.printQuery?.matches || printRequested() || (view !== null && STILL_VIEWS.has(view));
    if (visible !== this.visible || still !== this.still) {
      this.visible = visible;
      this.still = still;
      this.host.requestUpdate();
    }
  }
}
