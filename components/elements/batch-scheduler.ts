import { css, html, svg } from 'lit';
import { scaleLinear } from 'd3-scale';
import { palette } from '../charts/colors.js';
import {
  continuousSchedule, DEFAULT_QUEUE, makeQueue, staticSchedule, type Policy, type Schedule,
} from '../models/batch-scheduler.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  slots: param.int({ fallback: 4, min: 1, max: 16 }),
  spread: param.number({ fallback: DEFAULT_QUEUE.spread, min: 1, max: 100 }),
  requests: param.int({ fallback: DEFAULT_QUEUE.requests, min: 2, max: 60 }),
  short: param.int({ fallback: DEFAULT_QUEUE.short, min: 1, max: 20 }),
};

const SLOTS_RANGE: [number, number] = [2, 8];
const SPREAD_RANGE: [number, number] = [1, 50];

/** Timeline in viewBox units, laid out at about this many CSS px. */
const W = 780;
const M = { left: 74, right: 14, top: 28, bottom: 30 };

const LABEL: Record<Policy, string> = {
  static: 'Static batching: a batch waits for its longest request',
  continuous: 'Continuous batching: a free slot takes the next request at the next step',
};

export interface BatchSchedulerChangeDetail {
  slots: number;
  spread: number;
  static: { makespan: number; utilisation: number; throughput: number };
  continuous: { makespan: number; utilisation: number; throughput: number };
}

/** Long requests: a darker vermillion, so white labels on it pass AA (5:1). */
const LONG_FILL = '#a84800';

const pct = (v: number) => `${(100 * v).toFixed(0)} %`;

/**
 * `<batch-scheduler>` — static against continuous batching (chapter 29; Orca,
 * Yu et al. 2022) as a discrete-event timeline. S GPU slots serve a seeded
 * queue of requests, one decode step per tick: most answers are short
 * (`short` tokens), a few are long (up to `short · spread`), the book's
 * 50-token against 5,000-token answers scaled down.
 *
 * Two Gantt charts on one time axis (slot × step, each request a bar
 * labelled with its length when there is room, idle slot-steps hatched):
 * static batching takes S requests at a time and waits for the longest of
 * them, so the other slots idle; continuous batching lets a slot that
 * finishes take the next queued request at the next step. Beside each:
 * the step the queue is done, utilisation (busy slot-steps / (S × steps)),
 * throughput (tokens per step) and the mean step at which a request finishes.
 * Sliders: length spread (1 = every request equally long: the two timelines
 * are identical) and slots.
 *
 * No training: each setting is simulated at once (`models/batch-scheduler.ts`),
 * so the first screen and the still state are the default queue.
 *
 * @attr slots - GPU slots S, 1 to 16 (default 4; the slider offers 2 … 8)
 * @attr spread - longest over shortest length, 1 to 100 (default 25; the slider goes to 50)
 * @attr requests - requests in the queue, 2 to 60 (default 24)
 * @attr short - tokens of a short answer, 1 to 20 (default 4)
 * @attr seed - seed of the queue's lengths (default 42)
 * @prop lengths - each request's tokens; static, continuous - the two schedules {bars, makespan, busy, utilisation, throughput, finish, meanFinish}
 * @prop currentSlots, currentSpread - the setting shown now; speedup - continuous over static throughput
 * @method setSlots(n), setSpread(s) - change the setting (as the sliders do)
 * @fires batch-scheduler-change - detail {slots, spread, static, continuous} after a user change
 * @csspart static, continuous - each timeline with its figures; controls - the sliders; summary - the comparison line
 * @cssprop --demo-accent - sliders
 */
export class BatchScheduler extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .lane { display: grid; grid-template-columns: minmax(0, ${W}fr) minmax(0, 330fr); gap: 0 0.8em; align-items: center; }
      svg.timeline { display: block; width: 100%; height: auto; }
      svg.timeline text { font-size: 17px; fill: currentColor; }
      svg.timeline .title { font-weight: 600; }
      svg.timeline .axis line, svg.timeline .axis path { stroke: currentColor; }
      svg.timeline .hatch-line { stroke: var(--muted); stroke-width: 2; }
      svg.timeline .bar-label { fill: #fff; font-weight: 600; }
      svg.timeline .bar rect { stroke: var(--demo-bg, #fff); stroke-width: 1.5; }
      dl { margin: 0; display: grid; grid-template-columns: auto auto; gap: 0 0.6em; font-size: max(16px, 0.85em); font-variant-numeric: tabular-nums; }
      dt { color: var(--muted); }
      dd { margin: 0; font-weight: 700; text-align: right; }
      .controls label { font-size: max(16px, 0.85em); }
      .controls input[type='range'] { width: 11em; min-height: 44px; }
      .summary { margin: 0.1em 0 0; font-size: max(16px, 0.85em); }
      .better { color: var(--good); font-weight: 700; }
      .key { display: inline-flex; align-items: center; gap: 0.3em; }
      .key svg { width: 1.4em; height: 1em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _slots: { state: true },
    _spread: { state: true },
  };

  declare slots: string | number | undefined;
  declare spread: string | number | undefined;
  declare requests: string | number | undefined;
  declare short: string | number | undefined;
  /** Slider settings; null = the attribute. */
  declare _slots: number | null;
  declare _spread: number | null;

  private p!: ParamValues<typeof PARAMS>;
  private attrKey = '';
  private view: { key: string; lengths: number[]; static: Schedule; continuous: Schedule } | null = null;

  constructor() {
    super();
    this._slots = null;
    this._spread = null;
  }

  private params(): ParamValues<typeof PARAMS> {
    return this.p ?? this.readParams(PARAMS);
  }

  get currentSlots(): number { return this._slots ?? this.params().slots; }
  get currentSpread(): number { return this._spread ?? this.params().spread; }

  private compute() {
    const p = this.params();
    const key = JSON.stringify([this.currentSlots, this.currentSpread, p.requests, p.short, this.seed]);
    if (this.view?.key !== key) {
      const lengths = makeQueue({ requests: p.requests, short: p.short, spread: this.currentSpread }, this.rng('queue'));
      this.view = { key, lengths, static: staticSchedule(lengths, this.currentSlots), continuous: continuousSchedule(lengths, this.currentSlots) };
    }
    return this.view;
  }

  get lengths(): number[] { return [...this.compute().lengths]; }
  get static(): Schedule { return this.compute().static; }
  get continuous(): Schedule { return this.compute().continuous; }
  get speedup(): number { const v = this.compute(); return v.continuous.throughput / v.static.throughput; }

  setSlots(n: number): void {
    if (!Number.isFinite(n)) return;
    this._slots = Math.round(Math.min(16, Math.max(1, n)));
    this.changed();
  }

  setSpread(s: number): void {
    if (!Number.isFinite(s)) return;
    this._spread = Math.min(100, Math.max(1, s));
    this.changed();
  }

  private changed(): void {
    this.publishState();
    const v = this.compute();
    const pick = (s: Schedule) => ({ makespan: s.makespan, utilisation: s.utilisation, throughput: s.throughput });
    this.dispatchEvent(new CustomEvent<BatchSchedulerChangeDetail>('batch-scheduler-change', {
      detail: { slots: this.currentSlots, spread: this.currentSpread, static: pick(v.static), continuous: pick(v.continuous) },
      bubbles: true, composed: true,
    }));
  }

  override willUpdate(): void {
    this.p = this.readParams(PARAMS);
    const attrKey = JSON.stringify([this.p, this.seed]);
    if (attrKey !== this.attrKey) {
      this.attrKey = attrKey;
      this._slots = null;
      this._spread = null;
    }
  }

  override updated(): void {
    this.markReady();
  }

  override getSyncState(): unknown {
    return { slots: this._slots, spread: this._spread };
  }

  override applySyncState(state: unknown): void {
    const s = state as { slots?: unknown; spread?: unknown } | null;
    const okSlots = s?.slots === null || (typeof s?.slots === 'number' && Number.isInteger(s.slots) && s.slots >= 1 && s.slots <= 16);
    const okSpread = s?.spread === null || (typeof s?.spread === 'number' && s.spread >= 1 && s.spread <= 100);
    if (!okSlots || !okSpread) return;
    this._slots = s!.slots as number | null;
    this._spread = s!.spread as number | null;
  }

  protected override renderDemo() {
    const v = this.compute();
    const horizon = Math.max(v.static.makespan, v.continuous.makespan);
    const speedup = v.continuous.throughput / v.static.throughput;
    const same = v.static.makespan === v.continuous.makespan;
    return html`
      ${(['static', 'continuous'] as const).map((policy) => this.renderLane(v[policy], horizon, v.lengths))}
      <div class="controls" part="controls">
        <label>length spread <span class="value spread-value">${this.currentSpread.toFixed(0)}×</span>
          <input class="spread" type="range" min=${SPREAD_RANGE[0]} max=${SPREAD_RANGE[1]} step="1" .value=${String(Math.round(this.currentSpread))}
            aria-label="length spread (longest over shortest)" @input=${(e: Event) => this.setSpread(Number((e.target as HTMLInputElement).value))} /></label>
        <label>slots <span class="value slots-value">${this.currentSlots}</span>
          <input class="slots" type="range" min=${SLOTS_RANGE[0]} max=${SLOTS_RANGE[1]} step="1" .value=${String(this.currentSlots)}
            aria-label="GPU slots" @input=${(e: Event) => this.setSlots(Number((e.target as HTMLInputElement).value))} /></label>
        <span class="key"><svg viewBox="0 0 28 20" aria-hidden="true"><rect x="1" y="1" width="26" height="18" fill="url(#key-hatch)" stroke="currentColor"></rect>
          <defs><pattern id="key-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line class="hatch-line" x1="0" y1="0" x2="0" y2="8" stroke="currentColor" stroke-width="2"></line></pattern></defs></svg> idle slot</span>
      </div>
      <p class="summary" part="summary">${v.lengths.length} requests of ${Math.min(...v.lengths)} to ${Math.max(...v.lengths)} tokens:
        ${same
          ? html`<span class="value">the two schedules are identical</span> (equal lengths leave no slot waiting).`
          : html`continuous batching gives <span class="better speedup">${speedup.toFixed(2)}×</span> the throughput on the same slots
            and finishes at step <span class="value">${v.continuous.makespan}</span> instead of <span class="value">${v.static.makespan}</span>.`}</p>`;
  }

  private renderLane(s: Schedule, horizon: number, lengths: number[]) {
    const S = s.slots;
    const rowH = S <= 4 ? 27 : Math.max(17, Math.floor(112 / S));
    const H = M.top + S * rowH + M.bottom;
    const x = scaleLinear().domain([0, horizon]).range([M.left, W - M.right]);
    const ticks = x.ticks(8).filter((t) => Number.isInteger(t));
    const id = `hatch-${s.policy}`;
    const labelFits = (b: { request: number; start: number; end: number }) => x(b.end) - x(b.start) >= 11 * String(lengths[b.request]!).length + 10 && rowH >= 22;
    const slotLabel = (i: number) => (S <= 6 ? `slot ${i + 1}` : `${i + 1}`);
    return html`<div class="lane" part=${s.policy} data-policy=${s.policy}>
      <svg class="timeline" viewBox="0 0 ${W} ${H}" role="img" aria-label=${`${LABEL[s.policy]}: ${S} slots, done at step ${s.makespan}`}>
        <defs><pattern id=${id} width="9" height="9" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <line class="hatch-line" x1="0" y1="0" x2="0" y2="9"></line></pattern></defs>
        <text class="title" x=${M.left} y="19">${LABEL[s.policy]}</text>
        ${Array.from({ length: S }, (_, i) => svg`
          <rect class="idle" x=${x(0)} y=${M.top + i * rowH + 1} width=${x(s.makespan) - x(0)} height=${rowH - 2} fill=${`url(#${id})`} opacity="0.6"></rect>
          <text x=${M.left - 8} y=${M.top + i * rowH + rowH / 2} dy="0.35em" text-anchor="end">${slotLabel(i)}</text>`)}
        ${s.bars.map((b) => {
          const long = lengths[b.request]! > 3 * Math.min(...lengths);
          const bx = x(b.start);
          const bw = Math.max(1, x(b.end) - x(b.start));
          return svg`<g class="bar" data-request=${b.request}>
            <rect x=${bx} y=${M.top + b.slot * rowH + 1} width=${bw} height=${rowH - 2} fill=${long ? LONG_FILL : palette.blue}></rect>
            ${labelFits(b) ? svg`<text class="bar-label" x=${bx + bw / 2} y=${M.top + b.slot * rowH + rowH / 2} dy="0.35em" text-anchor="middle">${lengths[b.request]}</text>` : ''}
          </g>`;
        })}
        ${s.batchStarts.slice(1, -1).map((t) => svg`<line class="batch-edge" x1=${x(t)} x2=${x(t)} y1=${M.top - 4} y2=${M.top + S * rowH + 4} stroke="currentColor" stroke-width="2" stroke-dasharray="5 4"></line>`)}
        <line x1=${x(s.makespan)} x2=${x(s.makespan)} y1=${M.top - 4} y2=${M.top + S * rowH + 4} stroke="currentColor" stroke-width="3"></line>
        <g class="axis">
          <path d="M${M.left},${M.top + S * rowH}H${W - M.right}" fill="none"></path>
          ${ticks.map((t) => svg`<line x1=${x(t)} x2=${x(t)} y1=${M.top + S * rowH} y2=${M.top + S * rowH + 5}></line>
            <text x=${x(t)} y=${M.top + S * rowH + 22} text-anchor="middle">${t}</text>`)}
          <text x=${M.left - 16} y=${M.top + S * rowH + 22} text-anchor="end">step</text>
        </g>
      </svg>
      <dl class="figures">
        <dt>done at step</dt><dd class="makespan">${s.makespan}</dd>
        <dt>utilisation</dt><dd class="utilisation">${pct(s.utilisation)}</dd>
        <dt>throughput</dt><dd class="throughput">${s.throughput.toFixed(2)} tokens/step</dd>
        <dt>mean finish</dt><dd class="mean-finish">step ${s.meanFinish.toFixed(0)}</dd>
      </dl>
    </div>`;
  }
}
