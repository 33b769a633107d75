/**
 * Drives an animation or a training loop: calls `step()` once per animation
 * frame while the loop is playing, its slide is visible and the demo is not
 * in its still state. Leaving the slide pauses it; coming back resumes where
 * it stopped. A step may be async (it awaits a read-back); frames never
 * overlap.
 */
import type { ReactiveController } from 'lit';
import type { DemoElement } from './demo-element.js';

export class LoopController implements ReactiveController {
  playing = false;
  /** Frames run since the last play(), for steps-per-second readouts. */
  frames = 0;
  private handle = 0;
  private running = false;

  constructor(private host: DemoElement, private step: (now: number) => void | Promise<void>) {
    host.addController(this);
  }

  get active(): boolean {
    return this.playing && this.host.isConnected && this.host.visible && !this.host.still;
  }

  play(): void {
    if (this.playing) return;
    this.playing = true;
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

  hostConnected(): void { this.schedule(); }
  hostUpdated(): void { this.schedule(); }
  hostDisconnected(): void {
    cancelAnimationFrame(this.handle);
    this.handle = 0;
  }

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
      this.host.fail(error);
    } finally {
      this.running = false;
    }
    this.schedule();
  };
}
