/**
 * Presenter and audience in step: when the lecturer drives a demo in one
 * window, every other window showing the same deck mirrors its state.
 * One BroadcastChannel per demo, keyed by the deck's path and the demo's id.
 * Windows in still mode (next-slide preview, print) neither send nor apply.
 */
interface Message {
  from: string;
  type: 'state' | 'hello';
  state?: unknown;
}

export interface Syncable extends HTMLElement {
  getSyncState(): unknown;
  applySyncState(state: unknown): void;
}

const instance = Math.random().toString(36).slice(2);
let counter = 0;

/** A stable key for a demo: its id, else its tag and position among same-tag demos. */
export function demoKey(host: HTMLElement): string {
  if (host.id) return host.id;
  const same = Array.from(document.querySelectorAll(host.localName));
  return `${host.localName}-${same.indexOf(host)}`;
}

export class SyncChannel {
  private channel: BroadcastChannel | null = null;
  private applying = false;
  private touched = false;
  private readonly id = `${instance}-${counter++}`;

  constructor(private host: Syncable) {}

  open(): void {
    if (this.channel || typeof BroadcastChannel === 'undefined') return;
    this.channel = new BroadcastChannel(`demo-sync:${location.pathname}:${demoKey(this.host)}`);
    this.channel.onmessage = (event: MessageEvent<Message>) => this.receive(event.data);
    this.post({ from: this.id, type: 'hello' });
  }

  close(): void {
    this.channel?.close();
    this.channel = null;
  }

  /** Sends the host's state to the other windows (not while applying theirs). */
  publish(): void {
    if (!this.channel || this.applying) return;
    this.touched = true;
    this.post({ from: this.id, type: 'state', state: this.host.getSyncState() });
  }

  private receive(message: Message): void {
    if (!message || message.from === this.id) return;
    // A window that opens later asks; one whose demo was driven answers.
    if (message.type === 'hello') {
      if (this.touched) this.post({ from: this.id, type: 'state', state: this.host.getSyncState() });
      return;
    }
    this.applying = true;
    try {
      this.touched = true;
      this.host.applySyncState(message.state);
    } finally {
      this.applying = false;
    }
  }

  private post(message: Message): void {
    this.channel?.postMessage(message);
  }
}
