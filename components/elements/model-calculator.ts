import { css, html, nothing, svg, unsafeCSS } from 'lit';
import { scaleLinear } from 'd3-scale';
import { palette } from '../charts/colors.js';
import { MODEL_PRESETS, PRESET_IDS, presetById, type ModelPreset } from '../data/model-presets.js';
import {
  checkConfig,
  computeCosts,
  configFromPreset,
  defaultTokens,
  formatBytes,
  formatCount,
  formatInt,
  formatSci,
  parseFfn,
  type ConfigProblem,
  type Costs,
  type ModelConfig,
} from '../models/model-calculator.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamError, type ParamSpec, type ParamValues } from '../runtime/params.js';

export const ROWS = ['params', 'block', 'flops', 'compute', 'weights', 'kv', 'decode', 'training-memory'] as const;
export type RowId = (typeof ROWS)[number];
const DEFAULT_ROWS: RowId[] = ['params', 'block', 'flops', 'compute', 'weights', 'kv'];

/** A comma-separated list whose items must come from a fixed set. */
function listOf<T extends string>(choices: readonly T[], fallback: T[], what: string, allowEmpty = false): ParamSpec<T[]> {
  const expected = `comma-separated ${what} from ${choices.map((c) => `"${c}"`).join(', ')}${allowEmpty ? ' (or nothing)' : ''}`;
  return {
    fallback,
    expected,
    parse(raw) {
      if (typeof raw !== 'string' && !Array.isArray(raw)) return { ok: false, expected };
      const items = (Array.isArray(raw) ? raw.map(String) : raw.split(',')).map((s) => s.trim()).filter((s) => s !== '');
      if ((items.length === 0 && !allowEmpty) || items.some((s) => !(choices as readonly string[]).includes(s))) return { ok: false, expected };
      return { ok: true, value: items as T[] };
    },
  };
}

/** Whole-number attribute without a fallback of its own: a missing one comes from the preset. */
const whole = (max: number) => param.int({ fallback: 0, min: 1, max });
const positive = (min: number, max: number) => param.number({ fallback: 0, min, max });

const PARAMS = {
  preset: param.oneOf(PRESET_IDS as unknown as readonly [string, ...string[]], 'gpt3-175b'),
  dModel: whole(1_000_000),
  layers: whole(10_000),
  heads: whole(10_000),
  kvHeads: whole(10_000),
  headDim: whole(100_000),
  ffn: param.string({ fallback: '' }),
  gated: param.boolean(false),
  vocab: whole(100_000_000),
  context: whole(1_000_000_000),
  tied: param.boolean(false),
  positions: param.oneOf(['learned', 'rotary'] as const, 'learned'),
  norm: param.oneOf(['layernorm', 'rmsnorm'] as const, 'layernorm'),
  biases: param.boolean(false),
  experts: whole(10_000),
  activeExperts: whole(10_000),
  bytes: positive(0.125, 8),
  kvBytes: positive(0.125, 8),
  tokens: param.number({ fallback: 0, min: 0, max: 1e18 }),
  batch: whole(1_000_000),
  bandwidth: positive(0.001, 1000),
  show: listOf(ROWS, DEFAULT_ROWS, 'rows'),
  presets: listOf(PRESET_IDS, [...PRESET_IDS], 'preset ids', true),
  editable: param.boolean(true),
};

/** Config fields an attribute of the same (kebab-case) name may set. */
const FIELDS = ['dModel', 'layers', 'heads', 'kvHeads', 'headDim', 'gated', 'vocab', 'context', 'tied', 'positions', 'norm', 'biases', 'experts', 'activeExperts', 'bytes', 'kvBytes', 'tokens', 'batch', 'bandwidth'] as const;
type Field = (typeof FIELDS)[number];
/** How a model is served, not what it is: these attributes stay when a preset button is clicked. */
const DEPLOYMENT: readonly Field[] = ['bytes', 'kvBytes', 'batch', 'bandwidth'];
const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The number fields of the editor, in order. */
const EDITORS: { key: keyof ModelConfig; label: string; title: string }[] = [
  { key: 'dModel', label: 'd-model', title: 'width of the residual stream' },
  { key: 'layers', label: 'layers', title: 'Transformer blocks' },
  { key: 'heads', label: 'heads', title: 'query heads' },
  { key: 'kvHeads', label: 'kv-heads', title: 'key/value heads (= heads: MHA; 1: MQA; in between: GQA)' },
  { key: 'ffn', label: 'FFN hidden', title: 'hidden size of the feed-forward network (per expert)' },
  { key: 'vocab', label: 'vocab', title: 'vocabulary size' },
  { key: 'context', label: 'context', title: 'context length in tokens' },
  { key: 'tokens', label: 'tokens (B)', title: 'training tokens D, in billions' },
  { key: 'experts', label: 'experts', title: 'FFN experts per block (1 = dense)' },
  { key: 'activeExperts', label: 'active', title: 'experts each token uses' },
];

const BYTE_CHOICES: [number, string][] = [[0.5, '4-bit'], [1, '8-bit'], [2, '16-bit'], [4, '32-bit']];
const bitsLabel = (b: number) => BYTE_CHOICES.find(([v]) => v === b)?.[1] ?? `${b * 8}-bit`;

const BAR = { W: 1000, H: 40 };

/** A round published figure without trailing zeros: 175 B, 1.5 B, 8.03 B, 15 T. */
const formatRound = (n: number) => {
  const [num, unit] = formatCount(n).split(' ');
  return unit ? `${Number(num)} ${unit}` : num;
};
const PART_COLORS = { attention: palette.blue, ffn: palette.orange, embeddings: palette.green, other: palette.grey };

interface Resolved {
  config: ModelConfig;
  /** Where the training tokens came from. */
  tokensAssumed: boolean;
  preset: ModelPreset;
  /** Fields set by attributes (they override the preset until a preset button is clicked). */
  fromAttributes: Set<Field | 'ffn'>;
}

/**
 * `<model-calculator>` — what a decoder-only Transformer costs, from its shape.
 * Pure arithmetic in plain TypeScript (components/models/model-calculator.ts):
 * no tensors are involved, every count is exact.
 *
 * Shows, for a preset (GPT-1, GPT-2 small and XL, GPT-3 175B, Llama-3 8B and
 * 70B, Mixtral 8×7B; published configs with sources in
 * components/data/model-presets.ts) or any shape typed in: the parameter count
 * beside the published one; one block's parameters in units of d² (attention
 * 4·d² for full multi-head attention, less with grouped-query KV heads; FFN 8·d²
 * for the classic 4·d hidden layer, 3 matrices when gated); FLOPs per token
 * (≈ 2·N forward, 6·N training, plus the attention over the context); training
 * compute 6·N·D; weight memory N·bytes; the KV cache per token
 * (2 · layers · kv-heads · head-dim · bytes) and for a full context; optional
 * rows for the decode-time floor (weights ÷ bandwidth) and Adam's ≈ 16 bytes
 * per parameter. A stacked bar splits the parameters into attention, FFN,
 * embeddings and the rest. For a mixture of experts, N in the FLOPs is the
 * active count. A preset button resets the architecture and the tokens to that
 * preset (attribute overrides and typed values included); bytes, kv-bytes,
 * batch and bandwidth stay. The number fields edit live; a value that does not
 * fit (kv-heads not dividing heads, …) is marked and named under the fields.
 *
 * Default (GPT-3 175B, 16-bit): 174.6 B parameters (published 175 B); a block is
 * 12.00·d² = 1.81 B (attention 4.00·d² + FFN 8.00·d²); 3.49 × 10¹¹ FLOPs per
 * token forward, 1.05 × 10¹² training; 3.14 × 10²³ FLOPs for 300 B tokens;
 * 349 GB of weights; KV cache 4.72 MB per token, 9.66 GB at 2,048 tokens.
 *
 * Size: full slide width (about 1150 × 420 px with the default rows; editable="false" saves ~110 px).
 *
 * @attr preset - "gpt1" | "gpt2-small" | "gpt2-xl" | "gpt3-175b" (default) | "llama3-8b" | "llama3-70b" | "mixtral-8x7b"
 * @attr d-model - width of the residual stream (overrides the preset, as do the shape attributes below)
 * @attr layers - Transformer blocks
 * @attr heads - query heads
 * @attr kv-heads - key/value heads, dividing heads (= heads: MHA; 1: MQA; in between: GQA)
 * @attr head-dim - size of one head (default d-model ÷ heads)
 * @attr ffn - FFN hidden size ("14336") or a multiple of d-model ("4x", "8/3x"; a bare number ≤ 16 is a multiple)
 * @attr gated - boolean: SwiGLU-style FFN with 3 matrices instead of 2
 * @attr vocab - vocabulary size
 * @attr context - context length in tokens
 * @attr tied - boolean: the output matrix is the input embedding
 * @attr positions - "learned" (context × d-model parameters) | "rotary" (none)
 * @attr norm - "layernorm" (scale and shift) | "rmsnorm" (scale only)
 * @attr biases - boolean: biases in the attention and FFN projections
 * @attr experts - FFN experts per block (default 1: dense)
 * @attr active-experts - experts each token uses
 * @attr bytes - bytes per weight, 0.125 to 8 (default 2 = 16-bit; 0.5 = 4-bit)
 * @attr kv-bytes - bytes per cached K or V value (default: bytes)
 * @attr tokens - training tokens D (default: the published count, else 20 per parameter, labelled as assumed)
 * @attr batch - sequences whose KV caches are held at once (default 1)
 * @attr bandwidth - memory bandwidth in TB/s for the decode row (default 3)
 * @attr show - rows, comma-separated: params, block, flops, compute, weights, kv (the default set), decode, training-memory
 * @attr presets - preset buttons to offer, comma-separated ids (default all; presets="" shows none)
 * @attr editable - boolean: the number fields (default true)
 * @prop config - ModelConfig shown; costs - Costs (params {total, active, attention, ffn, embeddings, block, blockInD2, …},
 *   flopsPerTokenForward, flopsPerTokenTraining, attentionFlopsPerToken, trainingCompute, weightBytes, kvBytesPerToken,
 *   kvBytesPerTokenPerDirection, kvBytesContext, decodeMsPerToken, trainingStateBytes)
 * @prop currentPreset - id; published - the preset's published parameter count
 * @method setPreset(id) - as the button; setValue(key, value) - as typing into a field; returns false (and changes nothing) when invalid
 * @fires model-calculator-change - detail {preset, config, costs} after a user change
 * @csspart frame - the box; presets - the preset buttons; fields - the number fields; table - the readout table; bar - the split bar
 * @cssprop --demo-accent - buttons; the bar uses the project's colour-blind-safe palette
 */
export class ModelCalculator extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .presets { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3em 0.45em; margin-bottom: 0.3em; }
      .presets .name, .flags { color: var(--muted); font-size: 0.85em; }
      .presets button { font-size: 0.85em; padding: 0.15em 0.6em; }
      .fields { display: grid; grid-template-columns: repeat(8, auto); gap: 0.25em 0.6em; align-items: center; justify-content: start; font-size: 0.85em; }
      .fields label { justify-content: flex-end; color: var(--muted); white-space: nowrap; }
      .fields input, .fields select { width: 7.2em; font-size: 1em; }
      .fields input[aria-invalid='true'] { border-color: var(--bad); }
      .fields .toggles { grid-column: span 2; display: flex; gap: 0.4em; }
      .fields .toggles button { font-size: 0.95em; padding: 0.1em 0.5em; }
      .flags { margin: 0.2em 0 0.1em; }
      .note { color: var(--bad); font-size: 0.85em; margin: 0.15em 0; }
      table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin-top: 0.25em; }
      td, th { padding: 0.12em 0.5em; text-align: left; vertical-align: baseline; border-bottom: 1px solid var(--border); }
      th { font-weight: 600; white-space: nowrap; }
      td.value { font-weight: 700; white-space: nowrap; }
      td.how { color: var(--muted); font-size: 0.92em; }
      .bar { margin-top: 0.35em; }
      .legend { display: flex; flex-wrap: wrap; gap: 0.1em 1.2em; font-size: 0.85em; }
      .swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px; vertical-align: -0.1em; margin-right: 0.3em; }
      .swatch.attention { background: ${unsafeCSS(PART_COLORS.attention)}; }
      .swatch.ffn { background: ${unsafeCSS(PART_COLORS.ffn)}; }
      .swatch.embeddings { background: ${unsafeCSS(PART_COLORS.embeddings)}; }
      .swatch.other { background: ${unsafeCSS(PART_COLORS.other)}; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _preset: { state: true },
    _edits: { state: true },
    _note: { state: true },
  };

  declare preset: string | undefined;
  declare ffn: string | number | undefined;
  declare show: string | undefined;
  declare presets: string | undefined;
  declare editable: string | boolean | undefined;
  /** A preset chosen by a click (null: the attribute's, with its overrides). */
  declare _preset: string | null;
  /** Values typed into the fields. */
  declare _edits: Partial<ModelConfig>;
  declare _note: string | null;

  private p!: ParamValues<typeof PARAMS>;
  private resolved!: Resolved;
  private attrProblems: ParamError[] = [];

  constructor() {
    super();
    this._preset = null;
    this._edits = {};
    this._note = null;
  }

  get config(): ModelConfig {
    return { ...this.resolved.config };
  }

  get costs(): Costs {
    return computeCosts(this.resolved.config);
  }

  get currentPreset(): string {
    return this.resolved.preset.id;
  }

  get published(): number {
    return this.resolved.preset.published;
  }

  /** Parses attributes over the chosen preset, then applies the typed edits. */
  private resolve(): Resolved {
    const raw = this as unknown as Record<string, unknown>;
    const badAttrs = new Set(this._paramErrors.filter((e) => e.kind === 'error').map((e) => e.attribute));
    const presetId = this._preset ?? this.p.preset;
    const preset = presetById(presetId) ?? presetById('gpt3-175b')!;
    const useAttributes = this._preset === null;
    const fromAttributes = new Set<Field | 'ffn'>();
    const base = configFromPreset(preset);
    const attrs: Partial<ModelConfig> = {};
    const problems: ParamError[] = [];
    for (const k of FIELDS) {
      if (raw[k] === undefined || raw[k] === null || badAttrs.has(kebab(k))) continue;
      if (!useAttributes && !DEPLOYMENT.includes(k)) continue;
      (attrs as Record<string, unknown>)[k] = this.p[k];
      fromAttributes.add(k);
    }
    let config: ModelConfig = { ...base, ...attrs };
    // head size: d-model / heads unless given
    if (!fromAttributes.has('headDim')) config.headDim = config.dModel / config.heads;
    if (useAttributes && this.ffn !== undefined && this.ffn !== null) {
      const f = parseFfn(this.ffn, config.dModel);
      if (f === null) problems.push({ attribute: 'ffn', got: String(this.ffn), expected: 'the FFN hidden size (a whole number, e.g. "14336") or a multiple of d-model (e.g. "4x" or "8/3x")', kind: 'error' });
      else {
        config.ffn = f;
        fromAttributes.add('ffn');
      }
    } else if (fromAttributes.has('dModel') && !fromAttributes.has('ffn')) {
      // a new width keeps the preset's FFN ratio
      config.ffn = Math.round((preset.ffn / preset.dModel) * config.dModel);
    }
    if (!Number.isInteger(config.headDim)) {
      problems.push({ attribute: 'heads', got: String(config.heads), expected: `a whole number that divides d-model (${config.dModel}), or give head-dim`, kind: 'error' });
      config = { ...config, heads: base.heads, headDim: config.dModel / base.heads };
      if (!Number.isInteger(config.headDim)) config = { ...config, dModel: base.dModel, headDim: base.headDim };
    }
    for (const p of checkConfig(config)) {
      problems.push({ ...p, kind: 'error' });
      const key = FIELDS.find((k) => kebab(k) === p.attribute);
      if (key) (config as unknown as Record<string, unknown>)[key] = key === 'kvHeads' ? config.heads : key === 'activeExperts' ? Math.min(config.experts, base.activeExperts) : base[key];
    }
    this.attrProblems = problems;
    // typed edits on top
    const edited = this.applyEdits(config, this._edits, fromAttributes.has('headDim'));
    // the cache is stored like the weights unless kv-bytes says otherwise
    if (!fromAttributes.has('kvBytes') && this._edits.kvBytes === undefined) edited.kvBytes = edited.bytes;
    const tokensGiven = fromAttributes.has('tokens') || this._edits.tokens !== undefined;
    return { config: edited, tokensAssumed: !tokensGiven && preset.tokens === null, preset, fromAttributes };
  }

  private applyEdits(config: ModelConfig, edits: Partial<ModelConfig>, headDimFixed: boolean): ModelConfig {
    const next = { ...config, ...edits };
    if (!headDimFixed && (edits.dModel !== undefined || edits.heads !== undefined)) next.headDim = next.dModel / next.heads;
    return next;
  }

  /** Problems a candidate edit would cause, as a sentence (null when fine). */
  private editProblem(candidate: ModelConfig): string | null {
    if (!Number.isInteger(candidate.headDim) || candidate.headDim < 1) return `heads must divide d-model (${candidate.dModel})`;
    const p: ConfigProblem | undefined = checkConfig(candidate)[0];
    return p ? `${p.attribute} must be ${p.expected}` : null;
  }

  override willUpdate(): void {
    this.p = this.readParams(PARAMS);
    this.resolved = this.resolve();
    if (this.attrProblems.length) {
      const merged = [...this._paramErrors.filter((e) => !this.attrProblems.some((a) => a.attribute === e.attribute)), ...this.attrProblems];
      const text = (es: ParamError[]) => es.map((e) => `${e.attribute}|${e.got}|${e.expected}`).join('\n');
      if (text(merged) !== text(this._paramErrors)) this._paramErrors = merged;
    }
  }

  override updated(): void {
    this.markReady();
  }

  /** Shows a preset as its button does (every field, attribute overrides included, reset to it). */
  setPreset(id: string): boolean {
    if (!presetById(id)) return false;
    this._preset = id;
    const kept: Partial<ModelConfig> = {};
    for (const k of DEPLOYMENT) if (this._edits[k] !== undefined) (kept as Record<string, unknown>)[k] = this._edits[k];
    this._edits = kept;
    this._note = null;
    return true;
  }

  /** Sets one field as typing into it does; false (and no change) when the value is not valid. */
  setValue(key: keyof ModelConfig, value: number | boolean): boolean {
    const edits = { ...this._edits, [key]: value } as Partial<ModelConfig>;
    const candidate = this.applyEdits(this.resolved.config, { [key]: value } as Partial<ModelConfig>, this.resolved.fromAttributes.has('headDim'));
    if (key === 'bytes' && !this.resolved.fromAttributes.has('kvBytes') && this._edits.kvBytes === undefined) candidate.kvBytes = candidate.bytes;
    const problem = typeof value === 'number' && !Number.isFinite(value) ? `${key} must be a number` : this.editProblem(candidate);
    if (problem) {
      this._note = problem;
      return false;
    }
    this._note = null;
    this._edits = edits;
    return true;
  }

  private userChanged(): void {
    this.publishState();
    this.updateComplete.then(() => {
      this.dispatchEvent(new CustomEvent('model-calculator-change', {
        detail: { preset: this.currentPreset, config: this.config, costs: this.costs },
        bubbles: true,
        composed: true,
      }));
    });
  }

  override getSyncState(): unknown {
    return { preset: this._preset, edits: this._edits };
  }

  override applySyncState(state: unknown): void {
    const s = state as { preset?: unknown; edits?: unknown } | null;
    if (!s) return;
    this._preset = typeof s.preset === 'string' && presetById(s.preset) ? s.preset : null;
    const edits: Partial<ModelConfig> = {};
    if (s.edits && typeof s.edits === 'object') {
      for (const [k, v] of Object.entries(s.edits as Record<string, unknown>)) {
        if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') (edits as Record<string, unknown>)[k] = v;
      }
    }
    this._edits = edits;
  }

  private onField(key: keyof ModelConfig, e: Event): void {
    const input = e.target as HTMLInputElement | HTMLSelectElement;
    const raw = Number(input.value);
    const value = key === 'tokens' ? raw * 1e9 : raw;
    const ok = input.value.trim() !== '' && this.setValue(key, value);
    input.setAttribute('aria-invalid', ok ? 'false' : 'true');
    if (ok) this.userChanged();
  }

  private renderFields(c: ModelConfig) {
    const fieldValue = (key: keyof ModelConfig) => (key === 'tokens' ? Number((c.tokens / 1e9).toPrecision(6)) : (c[key] as number));
    const bytes = BYTE_CHOICES.some(([v]) => v === c.bytes) ? BYTE_CHOICES : [...BYTE_CHOICES, [c.bytes, `${c.bytes} bytes`] as [number, string]];
    return html`<div class="fields" part="fields">
      ${EDITORS.map(({ key, label, title }) => html`<label for=${`f-${key}`} title=${title}>${label}</label>
        <input id=${`f-${key}`} type="number" min=${key === 'tokens' ? 0 : 1} step=${key === 'tokens' ? 'any' : 1} .value=${String(fieldValue(key))}
          aria-label=${label} @input=${(e: Event) => this.onField(key, e)} />`)}
      <label for="f-bytes" title="bytes per weight">weights</label>
      <select id="f-bytes" aria-label="bytes per weight" @change=${(e: Event) => this.onField('bytes', e)}>
        ${bytes.map(([v, name]) => html`<option value=${v} ?selected=${v === c.bytes}>${name}</option>`)}
      </select>
      <span class="toggles">
        <button aria-pressed=${c.gated ? 'true' : 'false'} title="SwiGLU: gate, up and down matrices" @click=${() => { if (this.setValue('gated', !c.gated)) this.userChanged(); }}>gated FFN</button>
        <button aria-pressed=${c.tied ? 'true' : 'false'} title="output matrix = input embedding" @click=${() => { if (this.setValue('tied', !c.tied)) this.userChanged(); }}>tied embeddings</button>
      </span>
    </div>`;
  }

  private renderRow(id: RowId, r: Resolved, k: Costs) {
    const c = r.config;
    const p = k.params;
    const moe = c.experts > 1;
    const pre = r.preset;
    const isPreset = this.matchesPreset(r);
    switch (id) {
      case 'params': {
        const published = isPreset
          ? `published ${formatRound(pre.published)}${pre.publishedActive ? ` · ${formatRound(pre.publishedActive)} active` : ''} (${pre.source.split(';')[0]})`
          : 'edited: no published figure';
        return html`<tr><th>parameters N</th>
          <td class="value">${formatCount(p.total)}${moe ? html` · ${formatCount(p.active)} active` : nothing}</td>
          <td class="how">${published}</td></tr>`;
      }
      case 'block': {
        const d2 = p.blockInD2;
        const small = p.block.norms + p.block.biases + p.block.router;
        return html`<tr><th>one block</th>
          <td class="value">${d2.total.toFixed(2)}·d² = ${formatCount(p.block.attention + p.block.ffn)}</td>
          <td class="how">attention ${d2.attention.toFixed(2)}·d² + FFN ${d2.ffn.toFixed(2)}·d²${moe ? ` (${c.experts} experts)` : ''} + ${formatCount(small)} norms${c.biases ? ', biases' : ''}${moe ? ', router' : ''}</td></tr>`;
      }
      case 'flops':
        return html`<tr><th>FLOPs per token</th>
          <td class="value">${formatSci(k.flopsPerTokenForward)} · ${formatSci(k.flopsPerTokenTraining)}</td>
          <td class="how">forward 2·N${moe ? '_active' : ''} · training 6·N${moe ? '_active' : ''}; attention over ${formatInt(c.context)} tokens adds ${formatSci(k.attentionFlopsPerToken)}</td></tr>`;
      case 'compute':
        return html`<tr><th>training compute</th>
          <td class="value">${formatSci(k.trainingCompute)} FLOPs</td>
          <td class="how">6·N${moe ? '_active' : ''}·D, D = ${formatRound(c.tokens)} tokens${r.tokensAssumed ? ' (not published: 20 per parameter assumed)' : ''}</td></tr>`;
      case 'weights':
        return html`<tr><th>weights</th>
          <td class="value">${formatBytes(k.weightBytes)}</td>
          <td class="how">N × ${c.bytes} bytes (${bitsLabel(c.bytes)})</td></tr>`;
      case 'kv':
        return html`<tr><th>KV cache</th>
          <td class="value">${formatBytes(k.kvBytesPerToken)} / token · ${formatBytes(k.kvBytesContext)}</td>
          <td class="how">2 · ${c.layers} layers · ${c.kvHeads} KV heads · ${c.headDim} · ${c.kvBytes} B = ${formatInt(k.kvBytesPerToken)} B; × ${formatInt(c.context)} tokens${c.batch > 1 ? ` × ${formatInt(c.batch)} sequences` : ''}</td></tr>`;
      case 'decode': {
        const ms = k.decodeMsPerToken;
        return html`<tr><th>decode floor</th>
          <td class="value">${ms >= 10 ? ms.toFixed(1) : ms.toPrecision(2)} ms / token</td>
          <td class="how">${moe ? 'active ' : ''}weights ÷ ${c.bandwidth} TB/s at batch 1: at most ${(1000 / ms).toPrecision(3)} tokens/s</td></tr>`;
      }
      case 'training-memory':
        return html`<tr><th>Adam training state</th>
          <td class="value">${formatBytes(k.trainingStateBytes)}</td>
          <td class="how">≈ 16 bytes per parameter (16-bit weights and gradients, float32 master copy, two moments)</td></tr>`;
    }
  }

  /** True while the shown config is exactly the preset's (so its published count applies). */
  private matchesPreset(r: Resolved): boolean {
    const base = configFromPreset(r.preset);
    const c = r.config;
    return (['dModel', 'layers', 'heads', 'kvHeads', 'headDim', 'ffn', 'gated', 'vocab', 'context', 'tied', 'positions', 'norm', 'biases', 'experts', 'activeExperts'] as const).every((k) => c[k] === base[k]);
  }

  private renderBar(k: Costs) {
    const p = k.params;
    const parts = [
      { id: 'attention', label: 'attention', v: p.attention },
      { id: 'ffn', label: 'FFN', v: p.ffn },
      { id: 'embeddings', label: 'embeddings', v: p.embeddings.total },
      { id: 'other', label: ['norms', ...(this.resolved.config.biases ? ['biases'] : []), ...(this.resolved.config.experts > 1 ? ['routers'] : [])].join(', '), v: p.other },
    ] as const;
    const x = scaleLinear().domain([0, p.total]).range([0, BAR.W]);
    let at = 0;
    const rects = parts.map((part) => {
      const r = svg`<rect class=${`part ${part.id}`} x=${x(at)} y="0" width=${Math.max(0, x(part.v))} height=${BAR.H} fill=${PART_COLORS[part.id]}><title>${part.label}: ${formatCount(part.v)}</title></rect>`;
      at += part.v;
      return r;
    });
    const pct = (v: number) => {
      const q = (100 * v) / p.total;
      return q >= 10 ? q.toFixed(0) : q >= 1 ? q.toFixed(1) : q >= 0.01 ? q.toFixed(2) : '< 0.01';
    };
    return html`<div class="bar" part="bar">
      <svg class="chart" viewBox="0 0 ${BAR.W} ${BAR.H}" width="100%" preserveAspectRatio="none" role="img" aria-label="parameters split into attention, FFN, embeddings and the rest">${rects}</svg>
      <div class="legend">${parts.map((part) => html`<span><span class=${`swatch ${part.id}`}></span>${part.label} ${formatCount(part.v)} (${pct(part.v)} %)</span>`)}</div>
    </div>`;
  }

  protected override renderDemo() {
    const r = this.resolved;
    const c = r.config;
    const k = computeCosts(c);
    const flags = [
      c.gated ? 'gated (SwiGLU) FFN, 3 matrices' : 'FFN with 2 matrices',
      c.tied ? 'tied embeddings' : 'untied embeddings',
      c.positions === 'learned' ? 'learned positions' : 'rotary positions',
      c.norm === 'layernorm' ? 'LayerNorm' : 'RMSNorm',
      c.biases ? 'biases' : 'no biases',
      `head size ${c.headDim}`,
    ];
    const offered = MODEL_PRESETS.filter((m) => this.p.presets.includes(m.id));
    return html`
      ${offered.length
        ? html`<div class="presets" part="presets" role="group" aria-label="presets"><span class="name">preset</span>
            ${offered.map((m) => html`<button aria-pressed=${m.id === r.preset.id && this.matchesPreset(r) ? 'true' : 'false'} title=${m.source}
              @click=${() => { this.setPreset(m.id); this.userChanged(); }}>${m.label}</button>`)}</div>`
        : nothing}
      ${this.p.editable ? this.renderFields(c) : nothing}
      ${this._note ? html`<div class="note" role="status">${this._note}</div>` : nothing}
      <div class="flags">${flags.join(' · ')}</div>
      <table part="table"><tbody>${this.p.show.map((id) => this.renderRow(id, r, k))}</tbody></table>
      ${this.renderBar(k)}
    `;
  }
}

/** Tokens a preset trains on by default (published, else 20 per parameter). */
export const presetTokens = (p: ModelPreset) => p.tokens ?? defaultTokens(p);
