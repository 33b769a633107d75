import { css, html, svg, nothing, unsafeCSS } from 'lit';
import { scaleLinear } from 'd3-scale';
import { palette } from '../charts/index.js';
import { BPE_CORPORA, BPE_CORPUS_LABELS, BPE_QUIRKS, BPE_SAMPLE_TEXTS } from '../data/bpe-corpora.js';
import { BpeTrainer, tokensPerWord, type Boundary, type MergeStep, type Token } from '../models/bpe.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const CORPUS_NAMES = ['lecture-en', 'classic', 'lecture-id'] as const;
/** Merges per tokenizer in compare mode when `merges` is not set (both small corpora run out of repeated pairs near 350). */
const COMPARE_MERGES = 300;
const COMPARE_MAX = 400;
const QUIRK_NAMES = ['none', 'split-word', 'scripts', 'numbers'] as const;
type QuirkName = (typeof QUIRK_NAMES)[number];

const PARAMS = {
  corpus: param.oneOf(CORPUS_NAMES, 'lecture-en'),
  corpusText: param.string({ fallback: '', maxLength: 20000, attribute: 'corpus-text' }),
  boundary: param.oneOf(['auto', 'space-prefix', 'end-of-word'] as const, 'auto'),
  merges: param.int({ fallback: 0, min: 0, cap: 2000 }),
  text: param.string({ fallback: 'The gardener is reading in the garden.', maxLength: 200 }),
  quirk: param.oneOf(QUIRK_NAMES, 'none'),
  compare: param.oneOf(['none', ...CORPUS_NAMES] as const, 'none'),
  compareText: param.string({ fallback: '', maxLength: 200, attribute: 'compare-text' }),
};

/** One sample text in compare mode, tokenised by both tokenizers. */
export interface CompareRow {
  label: string;
  text: string;
  words: number;
  /** [tokenizer trained on `corpus`, tokenizer trained on `compare`]. */
  tokens: [number, number];
  perWord: [number, number];
  pieces: [string[], string[]];
}

/** Light backgrounds for token chips; neighbours never share a colour. */
const CHIP_COLOURS = ['#cfe6f5', '#fbe3b0', '#c8eedd', '#f6d0bd', '#ecd3e4', '#d9ecf9'];

/**
 * `<bpe-tokenizer>` — byte pair encoding, learned live: merge the most
 * frequent adjacent pair of the corpus, again and again, and tokenise text
 * with the merges learned so far.
 *
 * Left: the pair counts of the current step (the chosen pair first), the new
 * token, and the vocabulary growing. Right: typed text cut into coloured
 * tokens, and the lecture's quirks as presets (a word split across tokens,
 * the same greeting in other scripts, numbers). The tokenizer is byte-level
 * (like GPT-2) and small: trained on ~4,000 characters of English written for
 * this project, so other scripts fall back to one token per UTF-8 byte. A
 * production tokenizer trained on far more text cuts differently.
 *
 * @attr corpus - "lecture-en" (default) or "classic" (low ×5, lower ×2, newest ×6, widest ×3)
 * @attr corpus-text - your own training text (overrides corpus; up to 20,000 characters)
 * @attr boundary - "space-prefix" (GPT-2 style, " the"), "end-of-word" (Sennrich's </w>) or "auto" (default: end-of-word for classic)
 * @attr merges - merges learned before the first draw (default 0; "All" learns until no pair repeats)
 * @attr text - text to tokenise (default "The gardener is reading in the garden.")
 * @attr quirk - preset shown under the text: "none" (default), "split-word", "scripts", "numbers"
 * @attr compare - a second corpus, e.g. "lecture-id" (~3,600 characters of Indonesian written for this project):
 *   shows tokens per word for a sample text in each language under a tokenizer trained on each (both
 *   space-prefix, the same number of merges; a slider sets it); default "none"
 * @attr compare-text - the second language's sample text in compare mode (default: a held-out sentence; `text` is the first's)
 * @prop mergeCount - number of merges learned; lastMerge - {left, right, token, count} | null
 * @prop vocabSize - 256 bytes (+ </w>) + merges; corpusTokens - tokens the corpus needs now
 * @prop tokens - string[]: the tokens of the text; quirkRows - {text, tokens}[] for the preset
 * @prop comparison - compare mode: {corpora, merges, rows: {label, text, words, tokens, perWord, pieces}[]} (null otherwise)
 * @method step(n = 1) - learn n more merges; tokenize(text) - token labels with the current merges
 * @fires bpe-tokenizer-change - detail {mergeCount, lastMerge} after a user change
 * @csspart frame - the box; pairs - the pair counts; tokens - the tokenised text; controls - the buttons
 * @cssprop --demo-accent - button colour
 */
export class BpeTokenizer extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: 500px 1fr; gap: 0.3em 1.4em; align-items: start; }
      h4 { margin: 0.25em 0 0.15em; font-size: max(16px, 0.8em); color: var(--muted); font-weight: 600; }
      .merge { font-size: 1em; margin: 0.1em 0; }
      .chips { display: flex; flex-wrap: wrap; gap: 3px; align-items: center; }
      .chip { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.85em; padding: 0.05em 0.3em;
        border-radius: 4px; border: 1px solid #0002; white-space: pre; }
      .chip.byte { font-size: max(16px, 0.62em); }
      .chip.new { outline: 3px solid ${unsafeCSS(palette.orange)}; }
      ${unsafeCSS(CHIP_COLOURS.map((c, i) => `.chip.c${i} { background: ${c}; }`).join('\n'))}
      .vocab .chip { font-size: max(16px, 0.68em); background: var(--surface); }
      .count { font-size: max(16px, 0.8em); color: var(--muted); margin-left: 0.4em; white-space: nowrap; }
      .row { margin: 0.2em 0; display: grid; grid-template-columns: 8.2em 1fr; align-items: center; gap: 0.5em; }
      .row .src { font-size: max(16px, 0.8em); line-height: 1.15; }
      .row .src .count { margin: 0; }
      input[type='text'] { width: 100%; }
      .quirks button { font-size: max(16px, 0.75em); padding: 0.1em 0.5em; }
      .note { font-size: max(16px, 0.7em); color: var(--muted); margin-top: 0.15em; line-height: 1.2; }
      .stats { font-size: 0.85em; }
      .compare { display: grid; grid-template-columns: 430px minmax(0, 1fr); gap: 0.3em 1.2em; align-items: start; }
      table.tpw { border-collapse: collapse; width: 100%; font-size: 0.9em; }
      table.tpw th, table.tpw td { padding: 0.15em 0.4em; text-align: left; border-bottom: 1px solid var(--border); }
      table.tpw th { font-weight: 600; }
      table.tpw td.own { background: color-mix(in srgb, var(--good) 16%, white); }
      table.tpw .big { font-size: 1.15em; font-weight: 700; font-variant-numeric: tabular-nums; }
      .merges input[type='range'] { width: 8em; }
      .merges { flex-wrap: nowrap; white-space: nowrap; }
      .sample { margin: 0.1em 0 0.35em; }
      .sample input[type='text'] { font-size: max(16px, 0.8em); }
      .sample .row { grid-template-columns: 6.5em 1fr; margin: 0.1em 0; }
      .sample .src .count { font-size: max(16px, 0.9em); }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _version: { state: true },
    _text: { state: true },
    _quirk: { state: true },
    _compareMerges: { state: true },
    _compareText: { state: true },
  };

  declare corpus: string | undefined;
  declare corpusText: string | undefined;
  declare boundary: string | undefined;
  declare merges: string | number | undefined;
  declare text: string | undefined;
  declare quirk: string | undefined;
  declare compare: string | undefined;
  declare compareText: string | undefined;
  declare _compareMerges: number | null;
  declare _compareText: string | null;
  /** Bumped after every merge so Lit redraws. */
  declare _version: number;
  declare _text: string | null;
  declare _quirk: QuirkName | null;

  private v!: ParamValues<typeof PARAMS>;
  private trainer: BpeTrainer | null = null;
  private trainerKey = '';
  /** Compare mode: the tokenizer trained on the `compare` corpus (the first one is `trainer`). */
  private other: BpeTrainer | null = null;

  constructor() {
    super();
    this._version = 0;
    this._text = null;
    this._quirk = null;
    this._compareMerges = null;
    this._compareText = null;
  }

  private get comparing(): boolean {
    return this.v?.compare !== undefined && this.v.compare !== 'none';
  }

  /** Merges per tokenizer in compare mode: the slider, else `merges`, else 300. */
  private get compareMerges(): number {
    return this._compareMerges ?? (this.merges === undefined || this.merges === null ? COMPARE_MERGES : Math.min(COMPARE_MAX, this.v.merges));
  }

  get comparison(): { corpora: [string, string]; merges: [number, number]; rows: CompareRow[] } | null {
    if (!this.comparing || !this.trainer || !this.other) return null;
    const a = this.trainer.tokenizer();
    const b = this.other.tokenizer();
    const first = this.v.corpusText ? 'your corpus' : BPE_CORPUS_LABELS[this.v.corpus]!;
    const second = BPE_CORPUS_LABELS[this.v.compare]!;
    const texts = [
      { label: this.v.corpusText ? 'first text' : `${first} text`, text: this._text ?? (this.text === undefined || this.text === null ? BPE_SAMPLE_TEXTS[this.v.corpus]! : this.v.text) },
      { label: `${second} text`, text: this._compareText ?? (this.v.compareText || BPE_SAMPLE_TEXTS[this.v.compare]!) },
    ];
    const rows = texts.map(({ label, text }): CompareRow => {
      const ta = tokensPerWord(a, text);
      const tb = tokensPerWord(b, text);
      return {
        label, text, words: ta.words,
        tokens: [ta.tokens, tb.tokens],
        perWord: [ta.perWord, tb.perWord],
        pieces: [a.encode(text).map((t) => t.label), b.encode(text).map((t) => t.label)],
      };
    });
    return { corpora: [first, second], merges: [this.trainer.steps.length, this.other.steps.length], rows };
  }

  get mergeCount(): number {
    return this.trainer?.steps.length ?? 0;
  }

  get lastMerge(): { left: string; right: string; token: string; count: number } | null {
    const t = this.trainer;
    const s = t?.steps[t.steps.length - 1];
    return t && s ? { left: t.vocab.label(s.left), right: t.vocab.label(s.right), token: t.vocab.label(s.id), count: s.count } : null;
  }

  get vocabSize(): number {
    return this.trainer?.vocab.size ?? 0;
  }

  get corpusTokens(): number {
    return this.trainer?.corpusTokens() ?? 0;
  }

  get tokens(): string[] {
    return this.tokenize(this.currentText);
  }

  get quirkRows(): { text: string; label: string; tokens: string[] }[] {
    const q = this.currentQuirk;
    return q ? q.texts.map(({ text, label }) => ({ text, label, tokens: this.tokenize(text) })) : [];
  }

  private get currentText(): string {
    return this._text ?? this.v?.text ?? '';
  }

  private get currentQuirk() {
    const name = this._quirk ?? this.v?.quirk ?? 'none';
    const i = QUIRK_NAMES.indexOf(name) - 1;
    return i >= 0 ? BPE_QUIRKS[i]! : null;
  }

  private get boundaryMode(): Boundary {
    if (this.comparing) return 'space-prefix';
    if (this.v.boundary !== 'auto') return this.v.boundary;
    return !this.v.corpusText && this.v.corpus === 'classic' ? 'end-of-word' : 'space-prefix';
  }

  /** Token labels of `text` with the merges learned so far. */
  tokenize(text: string): string[] {
    return this.trainer ? this.trainer.tokenizer().encode(text).map((t) => t.label) : [];
  }

  /** Learns up to n more merges (fewer if no pair repeats any more). */
  step(n = 1): number {
    if (!this.trainer) return 0;
    this.trainer.train(this.trainer.steps.length + n);
    this._version++;
    return this.trainer.steps.length;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.v = this.readParams(PARAMS);
    if (changed.has('text')) this._text = null;
    if (changed.has('quirk')) this._quirk = null;
    if (changed.has('merges') || changed.has('compare')) this._compareMerges = null;
    if (changed.has('compareText')) this._compareText = null;
    const merges = this.comparing ? this.compareMerges : this.v.merges;
    const key = JSON.stringify([this.v.corpus, this.v.corpusText, this.boundaryMode, merges, this.v.compare]);
    if (key !== this.trainerKey) {
      this.trainerKey = key;
      this.retrain(merges);
    }
  }

  private retrain(merges: number): void {
    const corpus = this.v.corpusText || BPE_CORPORA[this.v.corpus]!;
    this.trainer = new BpeTrainer(corpus, { boundary: this.boundaryMode, topN: 8 });
    this.trainer.train(merges);
    this.other = null;
    if (this.comparing) {
      this.other = new BpeTrainer(BPE_CORPORA[this.v.compare]!, { boundary: 'space-prefix', topN: 8 });
      this.other.train(merges);
    }
    this._version++;
  }

  override updated(): void {
    if (this.trainer) this.markReady();
  }

  private userChange(action: () => void): void {
    action();
    this.publishState();
    this.updateComplete.then(() => this.dispatchEvent(new CustomEvent('bpe-tokenizer-change', {
      detail: { mergeCount: this.mergeCount, lastMerge: this.lastMerge }, bubbles: true, composed: true,
    })));
  }

  override getSyncState(): unknown {
    return { merges: this.mergeCount, text: this._text, quirk: this._quirk, compareText: this._compareText };
  }

  override applySyncState(state: unknown): void {
    const s = state as { merges?: unknown; text?: unknown; quirk?: unknown } | null;
    if (typeof s?.merges === 'number' && s.merges !== this.mergeCount) {
      if (this.comparing) this._compareMerges = Math.max(0, Math.min(COMPARE_MAX, Math.floor(s.merges)));
      else this.retrain(s.merges);
    }
    if (typeof (s as { compareText?: unknown })?.compareText === 'string' || (s as { compareText?: unknown })?.compareText === null) {
      this._compareText = (s as { compareText: string | null }).compareText;
    }
    if (typeof s?.text === 'string' || s?.text === null) this._text = s.text as string | null;
    if (typeof s?.quirk === 'string' && (QUIRK_NAMES as readonly string[]).includes(s.quirk)) this._quirk = s.quirk as QuirkName;
  }

  protected override renderDemo() {
    const t = this.trainer;
    if (!t) return html`<div class="muted">loading…</div>`;
    if (this.comparing) return this.renderCompare();
    const last = t.steps[t.steps.length - 1];
    const next = last ? null : t.pairCounts().slice(0, 8);
    return html`
      <div class="controls" part="controls">
        <button class="primary" @click=${() => this.userChange(() => this.step(1))} ?disabled=${t.finished}>merge once</button>
        <button @click=${() => this.userChange(() => this.step(10))} ?disabled=${t.finished}>+10</button>
        <button @click=${() => this.userChange(() => this.step(5000))} ?disabled=${t.finished}>all</button>
        <button @click=${() => this.userChange(() => this.retrain(0))}>reset</button>
        <span class="stats"><span class="value">${t.steps.length}</span> merges · vocabulary <span class="value">${t.vocab.size}</span>
          · corpus <span class="value">${t.corpusTokens()}</span> tokens${t.finished ? html` · <span class="muted">no pair repeats: done</span>` : nothing}</span>
      </div>
      <div class="layout">
        <div part="pairs">
          ${last ? this.renderStep(t, last) : html`<h4>pair counts before the first merge</h4>${this.pairBars(t, next!, null)}`}
          ${this.renderVocab(t)}
        </div>
        <div part="tokens">${this.renderTokenizer(t)}</div>
      </div>
    `;
  }

  private renderStep(t: BpeTrainer, s: MergeStep) {
    return html`
      <div class="merge">merge ${s.rank + 1}: ${this.chip(t, s.left, 0)} + ${this.chip(t, s.right, 1)} → ${this.chip(t, s.id, 2, true)}
        <span class="count">seen ${s.count}×</span></div>
      <h4>the most frequent pairs at this step</h4>
      ${this.pairBars(t, s.topPairs, s)}
    `;
  }

  /** Horizontal bars of pair counts; the chosen pair in orange. */
  private pairBars(t: BpeTrainer, pairs: readonly { left: number; right: number; count: number }[], chosen: MergeStep | null) {
    const w = 500;
    const rowH = 27;
    const x = scaleLinear().domain([0, Math.max(1, ...pairs.map((p) => p.count))]).range([0, w - 230]);
    const show = (id: number) => t.vocab.label(id).replace(/ /g, '␣');
    return html`<svg class="chart" viewBox="0 0 ${w} ${pairs.length * rowH}" width="100%" role="img" aria-label="pair counts">
      ${pairs.map((p, i) => svg`<g transform="translate(0, ${i * rowH})">
        <text x="180" y=${rowH / 2} dy="0.35em" text-anchor="end" font-size="17" font-family="ui-monospace, monospace" fill="currentColor">${show(p.left)} + ${show(p.right)}</text>
        <rect x="190" y="4" width=${x(p.count)} height=${rowH - 8} rx="3" fill=${chosen && i === 0 ? palette.orange : palette.sky}></rect>
        <text x=${196 + x(p.count)} y=${rowH / 2} dy="0.35em" font-size="17" fill="currentColor">${p.count}</text>
      </g>`)}
    </svg>`;
  }

  private renderVocab(t: BpeTrainer) {
    const learned = t.steps.slice(-28).reverse();
    return html`<h4>learned tokens, newest first (vocabulary = 256 bytes${t.boundary === 'end-of-word' ? ' + </w>' : ''} + ${t.steps.length} merges)</h4>
      <div class="chips vocab">${learned.length ? learned.map((s, i) => this.chip(t, s.id, i, i === 0)) : html`<span class="muted">none yet: every token is one byte</span>`}</div>`;
  }

  private renderTokenizer(t: BpeTrainer) {
    const tok = t.tokenizer();
    const text = this.currentText;
    const tokens = tok.encode(text);
    const quirk = this.currentQuirk;
    return html`
      <h4>type to tokenise with the ${t.steps.length} merges learned so far</h4>
      <input type="text" aria-label="text to tokenise" .value=${text} maxlength="200"
        @input=${(e: Event) => this.userChange(() => (this._text = (e.target as HTMLInputElement).value))} />
      ${this.tokenRow(t, tokens, text, 'your text', false)}
      <div class="controls quirks">
        <span class="muted">quirks:</span>
        ${QUIRK_NAMES.slice(1).map((name, i) => html`<button aria-pressed=${quirk === BPE_QUIRKS[i] ? 'true' : 'false'}
          @click=${() => this.userChange(() => (this._quirk = quirk === BPE_QUIRKS[i] ? 'none' : name))}>${BPE_QUIRKS[i]!.title}</button>`)}
      </div>
      ${quirk
        ? html`${quirk.texts.map((q) => this.tokenRow(t, tok.encode(q.text), q.text, q.label))}<div class="note">${quirk.note}</div>`
        : nothing}
      <div class="note">A small byte-level tokenizer trained here on ${t.boundary === 'end-of-word' ? 'the classic example' : this.v.corpusText ? 'your text' : this.v.corpus === 'lecture-id' ? '~3,600 characters of Indonesian' : '~4,000 characters of English'}:
        unmerged bytes show as &lt;E0&gt;. Real tokenizers learn 50,000–100,000 tokens from far more text.</div>
    `;
  }

  /** Compare mode: tokens per word of two sample texts under tokenizers trained on two corpora. */
  private renderCompare() {
    const c = this.comparison!;
    const [a, b] = c.corpora;
    const merges = this.compareMerges;
    const cell = (r: CompareRow, k: 0 | 1, own: boolean) => html`<td class=${own ? 'own' : ''}>
      <span class="big tpw" data-row=${r.label} data-tokenizer=${k}>${r.perWord[k].toFixed(2)}</span><br /><span class="count">${r.tokens[k]} tokens</span></td>`;
    return html`<div class="compare">
      <div>
        <table class="tpw" part="table">
          <thead><tr><th>tokens per word</th><th>${a} BPE</th><th>${b} BPE</th></tr></thead>
          <tbody>${c.rows.map((r, i) => html`<tr><th>${r.label}<br /><span class="count">${r.words} words</span></th>${cell(r, 0, i === 0)}${cell(r, 1, i === 1)}</tr>`)}</tbody>
        </table>
        <div class="controls merges" part="controls">
          <label>merges each <input type="range" min="0" max=${COMPARE_MAX} step="10" .value=${String(merges)} aria-label="merges per tokenizer"
            @input=${(e: Event) => this.userChange(() => (this._compareMerges = Number((e.target as HTMLInputElement).value)))} /></label>
          <span class="value">${c.merges[0] === c.merges[1] ? c.merges[0] : `${c.merges[0]} / ${c.merges[1]}`}</span>
        </div>
        <div class="note">Each tokenizer: byte-level BPE on a few thousand characters of its own language, 256 bytes + merges
          (it stops once no pair repeats). Tokens ÷ words, punctuation included. Green: its own language.</div>
      </div>
      <div part="tokens">${c.rows.map((r, i) => html`<div class="sample">
        <input type="text" maxlength="200" aria-label=${`${r.label} to tokenise`} .value=${r.text}
          @input=${(e: Event) => this.userChange(() => { const v = (e.target as HTMLInputElement).value; if (i === 0) this._text = v; else this._compareText = v; })} />
        ${([0, 1] as const).map((k) => this.pieceRow(r.pieces[k], `${c.corpora[k]} BPE`, r.tokens[k]))}
      </div>`)}</div>
    </div>`;
  }

  /** A row of token chips from labels (compare mode). */
  private pieceRow(pieces: readonly string[], label: string, count: number) {
    return html`<div class="row"><span class="src"><b>${label}</b><br /><span class="count">${count} tokens</span></span>
      <span class="chips">${pieces.map((p, i) => html`<span class="chip c${i % CHIP_COLOURS.length}">${p.replace(/ /g, '␣') || '∅'}</span>`)}</span></div>`;
  }

  /** One tokenised line: a label with the counts under it, then the chips. */
  private tokenRow(t: BpeTrainer, tokens: readonly Token[], text: string, label: string, showText = true) {
    const bytes = new TextEncoder().encode(text).length;
    const counts = `${tokens.length} token${tokens.length === 1 ? '' : 's'} · ${bytes} bytes`;
    return html`<div class="row">
      <span class="src"><b>${label}</b>${showText && text.trim() !== label ? html` ${text}` : nothing}<br /><span class="count">${counts}</span></span>
      <span class="chips">${tokens.map((x, i) => this.chip(t, x.id, i))}</span>
    </div>`;
  }

  private chip(t: BpeTrainer, id: number, index: number, isNew = false) {
    const label = t.vocab.label(id);
    const isByte = /^(<[0-9A-F]{2}>)+$/.test(label);
    const shown = label.replace(/ /g, '␣').replace(/\n/g, '⏎').replace(/\t/g, '⇥');
    return html`<span class="chip ${isByte ? 'byte' : ''} ${isNew ? 'new' : ''} c${index % CHIP_COLOURS.length}" title=${`token ${id}`}>${shown || '∅'}</span>`;
  }
}
