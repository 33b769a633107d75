import { css, html, svg } from 'lit';
import { lineChart } from '../charts/line-chart.js';
import { palette } from '../charts/colors.js';
import { pluralityCurve, simulateVotes, type SimulatedVotes } from '../models/majority-vote.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  p: param.number({ fallback: 0.6, min: 0, max: 1 }),
  wrong: param.int({ fallback: 3, min: 1, max: 10 }),
  k: param.int({ fallback: 5, min: 1, max: 61 }),
  trials: param.int({ fallback: 200, min: 10, max: 5000 }),
  maxK: param.int({ fallback: 41, min: 2, max: 61, attribute: 'max-k' }),
};

/** The slider for m offers 1 … 6 wrong answers (the attribute allows up to 10). */
const WRONG_SLIDER_MAX = 6;
/** At most this many trials are drawn as dots; the share counts them all. */
const DOTS = 200;
const pct = (v: number, digits = 1) => `${(100 * v).toFixed(digits)}\u00a0%`;

export interface MajorityVoteChangeDetail {
  p: number;
  wrong: number;
  k: number;
  exact: number;
  draw: number;
  share: number;
  low: number;
  high: number;
}

/**
 * `<majority-vote>` — self-consistency: sample k chains of thought, keep the
 * most common answer (chapter 33).
 *
 * One sample is right with chance p; the other 1 − p is spread evenly over
 * m distinct wrong answers. The exact probability that the plurality of k
 * samples is right sums the multinomial over every outcome; ties are broken
 * uniformly at random among the tied answers (a tie between the right answer
 * and one wrong one counts 1/2). Left: that probability against k = 1 … max-k,
 * with the single-sample line p. Right: `trials` seeded simulated votes at the
 * current k (filled dot = the vote came out right, ring = wrong) and their
 * share with a Wilson 95 % interval. "New votes" draws the next seed stream.
 * With several wrong answers (default m = 3) voting helps even for p < 0.5,
 * because the wrong answers split their votes; with m = 1 it then hurts.
 *
 * No training loop: everything is computed at once.
 *
 * @attr p - chance that one sampled chain of thought is right, 0 to 1 (default 0.6)
 * @attr wrong - m, the number of distinct wrong answers, 1 to 10 (default 3; the slider offers 1 … 6)
 * @attr k - samples per vote, 1 to 61 (default 5; the slider goes to max-k)
 * @attr trials - simulated votes, 10 to 5000 (default 200; up to 200 drawn as dots)
 * @attr max-k - largest k on the chart and the slider, 2 to 61 (default 41)
 * @attr seed - seed of the simulated votes (default 42)
 * @prop exact - P(plurality right) at the current p, m, k; curve - [{k, exact}] for k = 1 … max-k
 * @prop simulation - {outcomes, share, low, high}; draw - the seed stream number (0 at first)
 * @prop currentP, currentWrong, currentK - the setting shown now
 * @method setP(p), setWrong(m), setK(k), newVotes() - change the setting (as the controls do)
 * @fires majority-vote-change - detail {p, wrong, k, exact, draw, share, low, high} after a user change
 * @csspart chart - the P(plurality right) chart; votes - the simulated votes; controls - sliders and button; readout - the sentences
 * @cssprop --demo-accent - sliders and button
 */
export class MajorityVote extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 1.25fr) minmax(0, 0.75fr); gap: 0 1.2em; align-items: start; }
      svg.chart { display: block; width: 100%; height: auto; }
      svg.chart text { font-size: 17px; fill: currentColor; }
      svg.chart .axis line, svg.chart .axis path { stroke: currentColor; }
      .readout { font-size: max(16px, 0.85em); }
      .readout p { margin: 0.2em 0 0.4em; }
      svg.dots { display: block; width: 100%; height: auto; }
      .controls { padding-left: 0.15em; display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; align-items: center; margin-top: 0.4em; }
      .controls label { font-size: max(16px, 0.85em); }
      .controls input[type='range'] { width: 9em; vertical-align: middle; }
      .controls button { min-height: 44px; font-size: max(16px, 0.85em); }
      .miss { color: var(--bad); font-weight: 700; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _p: { state: true },
    _wrong: { state: true },
    _k: { state: true },
    _draw: { state: true },
  };

  declare p: string | number | undefined;
  declare wrong: string | number | undefined;
  declare k: string | number | undefined;
  declare trials: string | number | undefined;
  declare maxK: string | number | undefined;
  /** Control settings; null = the attribute. */
  declare _p: number | null;
  declare _wrong: number | null;
  declare _k: number | null;
  declare _draw: number;

  private v!: ParamValues<typeof PARAMS>;
  private attrKey = '';
  private curveKey = '';
  private _curve: { k: number; exact: number }[] = [];
  private simKey = '';
  private _sim: SimulatedVotes | null = null;

  constructor() {
    super();
    this._p = null;
    this._wrong = null;
    this._k = null;
    this._draw = 0;
  }

  private get values(): ParamValues<typeof PARAMS> {
    return this.v ?? this.readParams(PARAMS);
  }

  get currentP(): number {
    return this._p ?? this.values.p;
  }

  get currentWrong(): number {
    return this._wrong ?? this.values.wrong;
  }

  get currentK(): number {
    return Math.min(this._k ?? this.values.k, this.values.maxK);
  }

  get draw(): number {
    return this._draw;
  }

  get curve(): { k: number; exact: number }[] {
    return this._curve.map((c) => ({ ...c }));
  }

  get exact(): number | null {
    return this._curve[this.currentK - 1]?.exact ?? null;
  }

  get simulation(): SimulatedVotes | null {
    return this._sim;
  }

  setP(p: number): void {
    if (!Number.isFinite(p)) return;
    this._p = Math.min(1, Math.max(0, p));
    this.changed();
  }

  setWrong(m: number): void {
    if (!Number.isFinite(m)) return;
    this._wrong = Math.round(Math.min(10, Math.max(1, m)));
    this.changed();
  }

  setK(k: number): void {
    if (!Number.isFinite(k)) return;
    this._k = Math.round(Math.min(this.values.maxK, Math.max(1, k)));
    this.changed();
  }

  /** Draws the simulated votes again from the next seed stream. */
  newVotes(): void {
    this._draw += 1;
    this.changed();
  }

  private changed(): void {
    this.publishState();
    void this.updateComplete.then(() => {
      const s = this._sim;
      const exact = this.exact;
      if (!s || exact === null) return;
      this.dispatchEvent(new CustomEvent<MajorityVoteChangeDetail>('majority-vote-change', {
        detail: { p: this.currentP, wrong: this.currentWrong, k: this.currentK, exact, draw: this._draw, share: s.share, low: s.low, high: s.high },
        bubbles: true, composed: true,
      }));
    });
  }

  override willUpdate(): void {
    this.v = this.readParams(PARAMS);
    const attrKey = JSON.stringify([this.v, this.seed]);
    if (attrKey !== this.attrKey) {
      this.attrKey = attrKey;
      this._p = null;
      this._wrong = null;
      this._k = null;
      this._draw = 0;
    }
    const p = this.currentP;
    const m = this.currentWrong;
    const k = this.currentK;
    const curveKey = JSON.stringify([p, m, this.v.maxK]);
    if (curveKey !== this.curveKey) {
      this.curveKey = curveKey;
      this._curve = pluralityCurve(p, m, this.v.maxK);
    }
    const simKey = JSON.stringify([p, m, k, this.v.trials, this._draw, this.seed]);
    if (simKey !== this.simKey) {
      this.simKey = simKey;
      this._sim = simulateVotes({ p, wrong: m, k }, this.v.trials, this.rng(`votes-${this._draw}`));
    }
  }

  override updated(): void {
    this.markReady();
  }

  override getSyncState(): unknown {
    return { p: this._p, wrong: this._wrong, k: this._k, draw: this._draw };
  }

  override applySyncState(state: unknown): void {
    const s = state as { p?: unknown; wrong?: unknown; k?: unknown; draw?: unknown } | null;
    const ok = (v: unknown, lo: number, hi: number, int = false) =>
      v === null || (typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi && (!int || Number.isInteger(v)));
    if (!s || !ok(s.p, 0, 1) || !ok(s.wrong, 1, 10, true) || !ok(s.k, 1, 61, true)) return;
    if (!(typeof s.draw === 'number' && Number.isInteger(s.draw) && s.draw >= 0)) return;
    this._p = s.p as number | null;
    this._wrong = s.wrong as number | null;
    this._k = s.k as number | null;
    this._draw = s.draw;
  }

  protected override renderDemo() {
    const p = this.currentP;
    const m = this.currentWrong;
    const k = this.currentK;
    const maxK = this.v.maxK;
    const curve = this._curve;
    const exact = curve[k - 1]!.exact;
    const last = curve.at(-1)!;
    const sim = this._sim!;
    const covered = sim.low <= exact && exact <= sim.high;
    const helps = last.exact > p + 1e-9;
    const hurts = last.exact < p - 1e-9;
    const chart = lineChart({
      width: 680,
      height: 320,
      title: 'probability that the plurality of k samples is right, against k',
      xDomain: [1, maxK],
      yDomain: [0, 1.2], // headroom above 1 keeps the legend off the curve
      xLabel: 'k, sampled chains of thought per vote',
      yLabel: 'P(plurality right)',
      formatY: (v) => (v > 1 + 1e-9 ? '' : v.toFixed(1)),
      series: [
        { name: 'plurality of k', points: curve.map((c) => [c.k, c.exact] as const), color: palette.blue },
        { name: `k = ${k}`, points: [[k, 0], [k, 1]], color: palette.grey, dashed: true },
      ],
      marks: [{ y: p, label: `one sample: p = ${p.toFixed(2)}`, color: palette.vermillion, below: p > 0.85 }],
    });
    return html`
      <div class="layout">
        <div part="chart">${chart}</div>
        <div>
          <div class="readout" part="readout">
            <p>One sample right: <span class="value single">${pct(p)}</span>; ${m === 1 ? '1 wrong answer' : `${m} wrong answers, ${pct((1 - p) / m)} each`}.</p>
            <p>Plurality of <span class="value k-value">${k}</span> right (exact): <span class="value exact">${pct(exact, 2)}</span>;
              at k = ${maxK}: <span class="value last">${pct(last.exact, 2)}</span>
              (voting ${helps ? 'helps' : hurts ? 'hurts' : 'changes nothing'}).</p>
            <p class="muted">Ties: broken at random among the tied answers (right tied with one wrong counts ½).</p>
          </div>
          <div part="votes">${this.renderDots(sim)}
            <p class="readout sim-line">Simulated: <span class="value share">${pct(sim.share)}</span> of ${sim.outcomes.length} votes right,
              95 % interval <span class="value ci">${pct(sim.low)} – ${pct(sim.high)}</span>
              ${covered ? html`<span class="covers">(covers the exact ${pct(exact)})</span>` : html`<span class="miss">(misses the exact ${pct(exact)}: happens 1 time in 20)</span>`}.</p>
          </div>
        </div>
      </div>
      <div class="controls" part="controls">
        <label>p, one sample right = <span class="value p-value">${p.toFixed(2)}</span>
          <input class="p" type="range" min="0" max="1" step="0.01" .value=${String(p)} aria-label="p, chance one sample is right"
            @input=${(e: Event) => this.setP(Number((e.target as HTMLInputElement).value))} /></label>
        <label>m, wrong answers = <span class="value wrong-value">${m}</span>
          <input class="wrong" type="range" min="1" max=${Math.max(WRONG_SLIDER_MAX, m)} step="1" .value=${String(m)} aria-label="m, number of wrong answers"
            @input=${(e: Event) => this.setWrong(Number((e.target as HTMLInputElement).value))} /></label>
        <label>k, samples = <span class="value k-slider-value">${k}</span>
          <input class="k" type="range" min="1" max=${maxK} step="1" .value=${String(k)} aria-label="k, samples per vote"
            @input=${(e: Event) => this.setK(Number((e.target as HTMLInputElement).value))} /></label>
        <button class="new-votes" @click=${() => this.newVotes()}>new votes</button>
      </div>`;
  }

  /** The first DOTS trials, 25 a row: filled dot = right, ring = wrong. */
  private renderDots(sim: SimulatedVotes) {
    const shown = sim.outcomes.slice(0, DOTS);
    const cols = 25;
    const rows = Math.ceil(shown.length / cols);
    const step = 18;
    const w = cols * step;
    const h = rows * step + 28;
    return svg`<svg class="dots" viewBox="0 0 ${w} ${h}" role="img" aria-label="simulated votes: filled dot right, ring wrong">
      ${shown.map((o, i) => {
        const cx = (i % cols) * step + step / 2;
        const cy = Math.floor(i / cols) * step + step / 2;
        return o
          ? svg`<circle class="vote right" cx=${cx} cy=${cy} r="6.5" fill=${palette.blue}></circle>`
          : svg`<circle class="vote wrong" cx=${cx} cy=${cy} r="5.5" fill="none" stroke=${palette.vermillion} stroke-width="2.2"></circle>`;
      })}
      <circle class="key" cx="7" cy=${rows * step + 15} r="6.5" fill=${palette.blue}></circle>
      <text x="19" y=${rows * step + 21} font-size="17" fill="currentColor">right</text>
      <circle class="key" cx="78" cy=${rows * step + 15} r="5.5" fill="none" stroke=${palette.vermillion} stroke-width="2.2"></circle>
      <text x="90" y=${rows * step + 21} font-size="17" fill="currentColor">wrong${shown.length < sim.outcomes.length ? ` (first ${shown.length} of ${sim.outcomes.length} votes)` : ''}</text>
    </svg>`;
  }
}
