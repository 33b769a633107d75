/**
 * Drives an animation or a training loop: calls `step()` once per animation
 * frame while the loop is playing, its slide is visible and the demo is not
 * in its still state. Leaving the slide pauses it; coming back resumes where
 * it stopped. A hidden tab (visibilitychange) pauses it the same way and
 * showing the tab again resumes it. A step may be async (it awaits a
 * read-back); frames never overlap.
 */
import type { ReactiveController } from 'lit';
import type { DemoElement } from './demo-element.js';

/** The loops of each host, in the order they were created (a rebuilt demo gets the same order). */
const loopsByHost = new WeakMap<object, LoopController[]>();

/** The loops a demo created, in creation order. */
export function loopsOf(host: object): LoopController[] {
  return loopsByHost.get(host) ?? [];
}

const pageHidden = () => typeof document !== 'undefined' && document.visibilityState === 'hidden';

export class LoopController implements ReactiveController {
  playing = false;
  /** Frames run since the last play(), for steps-per-second readouts. */
  frames = 0;
  /** True when the last run ended because a step threw (e.g. the GPU went away under it). */
  failed = false;
  private handle = 0;
  private running = false;

  constructor(private host: DemoElement, private step: (now: number) => void | Promise<void>) {
    host.addController(this);
    loopsByHost.set(host, [...loopsOf(host), this]);
  }

  get active(): boolean {
    return this.playing && this.host.isConnected && this.host.visible && !this.host.still && !pageHidden();
  }

  play(): void {
    if (this.playing) return;
    this.playing = true;
    this.failed = false;
    this.host.requestUpdate();
    this.schedule();
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.host.requestUpdate();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.onVisibility);
    this.schedule();
  }
  hostUpdated(): void { this.schedule(); }
  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.onVisibility);
    cancelAnimationFrame(this.handle);
    this.handle = 0;
  }

  private onVisibility = () => {
    this.host.requestUpdate();
    this.schedule();
  };

  private schedule(): void {
    if (this.handle || this.running || !this.active) return;
    this.handle = requestAnimationFrame(this.tick);
  }

  private tick = async (now: number) => {
    this.handle = 0;
    if (!this.active) return;
    this.running = true;
    try {
      await this.step(now);
      this.frames++;
    } catch (error) {
      this.playing = false;
      this.failed = true;
      this.host.fail(error);
    } finally {
      this.running = false;
    }
    this.schedule();
  };
}
