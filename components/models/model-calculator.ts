/**
 * What a decoder-only Transformer costs, from its shape: parameters (split
 * into attention, feed-forward, embeddings and the small rest), FLOPs per
 * token, training compute, weight memory and KV-cache memory.
 *
 * Plain TypeScript on purpose: this is arithmetic on a dozen whole numbers,
 * exact in float64 up to 2⁵³ (9·10¹⁵), so no tensors are involved.
 *
 * Per block, with d = d-model, h heads and h_kv key/value heads of size d_h,
 * and an FFN of hidden size f:
 *   attention  W_Q, W_O: d·h·d_h each; W_K, W_V: d·h_kv·d_h each
 *              = 4·d² for full multi-head attention (h·d_h = d, h_kv = h), less with GQA
 *   FFN        2·d·f (up, down), or 3·d·f when gated (SwiGLU: gate, up, down)
 *              = 8·d² for the classic f = 4·d
 *   so the classic block is ≈ 12·d² (plus biases and norms, O(d)).
 * A mixture of experts has `experts` FFNs per block and a d × experts router;
 * `activeExperts` of them run for each token.
 *
 * Costs (N = all parameters; N_active = those one token uses):
 *   forward FLOPs / token   ≈ 2·N_active (a multiply and an add per weight)
 *                           + 2·layers·context·h·d_h for the attention scores over a full context
 *   training FLOPs / token  ≈ 6·N_active (backward ≈ 2 × forward)
 *   training compute        ≈ 6·N_active·D for D tokens
 *   weight memory           = N · bytes
 *   KV cache                = 2 (K and V) · layers · h_kv · d_h · kv-bytes per token, × context × batch
 *   decode floor (batch 1)  = N_active · bytes / memory bandwidth per token
 *   Adam training state     ≈ 16 bytes / parameter (16-bit weights and gradients, float32 master copy and two moments)
 */
import type { ModelPreset } from '../data/model-presets.js';

/** The architecture a preset publishes; the calculator's inputs add the costs below. */
export type ModelArchitecture = Omit<ModelPreset, 'id' | 'label' | 'source' | 'year' | 'published' | 'publishedActive' | 'tokens'>;

export interface ModelConfig extends ModelArchitecture {
  /** Bytes per weight (2 = 16-bit, 0.5 = 4-bit). */
  bytes: number;
  /** Bytes per cached K or V value. */
  kvBytes: number;
  /** Training tokens D. */
  tokens: number;
  /** Sequences whose KV caches are held at once. */
  batch: number;
  /** Memory bandwidth in TB/s (for the decode floor). */
  bandwidth: number;
}

export interface ParameterCounts {
  /** Per block. */
  block: {
    attention: number;
    /** All experts' FFNs. */
    ffn: number;
    /** The FFNs one token uses. */
    ffnActive: number;
    router: number;
    norms: number;
    biases: number;
    total: number;
    active: number;
  };
  /** The block's two big parts in units of d², e.g. 4 and 8 for GPT-3. */
  blockInD2: { attention: number; ffn: number; total: number };
  embeddings: { input: number; output: number; positions: number; total: number };
  /** Totals over the model. */
  attention: number;
  ffn: number;
  /** Norms, biases and routers. */
  other: number;
  total: number;
  active: number;
  /** layers · block.total: everything but the embeddings and the final norm. */
  nonEmbedding: number;
}

export interface Costs {
  params: ParameterCounts;
  flopsPerTokenForward: number;
  /** 2·layers·context·h·d_h: attention scores and their weighted sum over a full context (not in 2N). */
  attentionFlopsPerToken: number;
  flopsPerTokenTraining: number;
  trainingCompute: number;
  weightBytes: number;
  /** K or V alone, per token: layers · h_kv · d_h · kv-bytes. */
  kvBytesPerTokenPerDirection: number;
  kvBytesPerToken: number;
  /** A full context of every sequence in the batch. */
  kvBytesContext: number;
  /** Lower bound on the time per generated token at batch 1, ms. */
  decodeMsPerToken: number;
  trainingStateBytes: number;
}

export const ADAM_BYTES_PER_PARAM = 16;

/** The config a preset describes, with the calculator's defaults for the rest. */
export function configFromPreset(p: ModelPreset, extra: Partial<ModelConfig> = {}): ModelConfig {
  return {
    dModel: p.dModel,
    layers: p.layers,
    heads: p.heads,
    kvHeads: p.kvHeads,
    headDim: p.headDim,
    ffn: p.ffn,
    gated: p.gated,
    vocab: p.vocab,
    context: p.context,
    tied: p.tied,
    positions: p.positions,
    norm: p.norm,
    biases: p.biases,
    finalNorm: p.finalNorm,
    experts: p.experts,
    activeExperts: p.activeExperts,
    bytes: 2,
    kvBytes: 2,
    tokens: p.tokens ?? defaultTokens(p),
    batch: 1,
    bandwidth: 3,
    ...extra,
  };
}

/** 20 tokens per parameter (Hoffmann et al. 2022's rule of thumb) where no count was published. */
export function defaultTokens(p: Pick<ModelPreset, 'published'>): number {
  return 20 * p.published;
}

/** Problems with a config, each naming the attribute and what it expects. */
export interface ConfigProblem {
  attribute: string;
  got: string;
  expected: string;
}

/** Checks the relations between fields (each field's own range is checked by the element's params). */
export function checkConfig(c: ModelConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const whole = (v: number) => Number.isInteger(v) && v >= 1;
  for (const [attribute, v] of [['d-model', c.dModel], ['layers', c.layers], ['heads', c.heads], ['kv-heads', c.kvHeads], ['head-dim', c.headDim], ['ffn', c.ffn], ['vocab', c.vocab], ['context', c.context], ['experts', c.experts], ['active-experts', c.activeExperts], ['batch', c.batch]] as const) {
    if (!whole(v)) problems.push({ attribute, got: String(v), expected: 'a whole number of at least 1' });
  }
  if (whole(c.heads) && whole(c.kvHeads) && (c.kvHeads > c.heads || c.heads % c.kvHeads !== 0)) {
    problems.push({ attribute: 'kv-heads', got: String(c.kvHeads), expected: `a whole number that divides heads (${c.heads}): ${c.heads} for multi-head attention, 1 for multi-query, in between for grouped-query` });
  }
  if (whole(c.activeExperts) && whole(c.experts) && c.activeExperts > c.experts) {
    problems.push({ attribute: 'active-experts', got: String(c.activeExperts), expected: `a whole number from 1 to experts (${c.experts})` });
  }
  for (const [attribute, v] of [['bytes', c.bytes], ['kv-bytes', c.kvBytes], ['bandwidth', c.bandwidth]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) problems.push({ attribute, got: String(v), expected: 'a positive number' });
  }
  if (!(c.tokens >= 0) || !Number.isFinite(c.tokens)) problems.push({ attribute: 'tokens', got: String(c.tokens), expected: 'a number of tokens ≥ 0' });
  return problems;
}

export function countParameters(c: ModelConfig): ParameterCounts {
  const { dModel: d, heads: h, kvHeads: hkv, headDim: dh, ffn: f, layers: L } = c;
  const attention = 2 * d * h * dh + 2 * d * hkv * dh;
  const ffnOne = (c.gated ? 3 : 2) * d * f;
  const ffn = c.experts * ffnOne;
  const ffnActive = c.activeExperts * ffnOne;
  const router = c.experts > 1 ? d * c.experts : 0;
  const normSize = c.norm === 'layernorm' ? 2 * d : d;
  const norms = 2 * normSize;
  const attnBias = h * dh + 2 * hkv * dh + d;
  const ffnBiasOne = (c.gated ? 2 * f : f) + d;
  const biases = c.biases ? attnBias + c.experts * ffnBiasOne : 0;
  const biasesActive = c.biases ? attnBias + c.activeExperts * ffnBiasOne : 0;
  const blockTotal = attention + ffn + router + norms + biases;
  const blockActive = attention + ffnActive + router + norms + biasesActive;
  const input = c.vocab * d;
  const output = c.tied ? 0 : c.vocab * d;
  const positions = c.positions === 'learned' ? c.context * d : 0;
  const embeddings = input + output + positions;
  const finalNorm = c.finalNorm ? normSize : 0;
  const d2 = d * d;
  return {
    block: { attention, ffn, ffnActive, router, norms, biases, total: blockTotal, active: blockActive },
    blockInD2: { attention: attention / d2, ffn: ffn / d2, total: (attention + ffn) / d2 },
    embeddings: { input, output, positions, total: embeddings },
    attention: L * attention,
    ffn: L * ffn,
    other: L * (router + norms + biases) + finalNorm,
    total: L * blockTotal + embeddings + finalNorm,
    active: L * blockActive + embeddings + finalNorm,
    nonEmbedding: L * blockTotal,
  };
}

export function computeCosts(c: ModelConfig): Costs {
  const params = countParameters(c);
  const attentionFlopsPerToken = 2 * c.layers * c.context * c.heads * c.headDim;
  const kvBytesPerTokenPerDirection = c.layers * c.kvHeads * c.headDim * c.kvBytes;
  const kvBytesPerToken = 2 * kvBytesPerTokenPerDirection;
  const weightBytes = params.total * c.bytes;
  return {
    params,
    flopsPerTokenForward: 2 * params.active,
    attentionFlopsPerToken,
    flopsPerTokenTraining: 6 * params.active,
    trainingCompute: 6 * params.active * c.tokens,
    weightBytes,
    kvBytesPerTokenPerDirection,
    kvBytesPerToken,
    kvBytesContext: kvBytesPerToken * c.context * c.batch,
    decodeMsPerToken: ((params.active * c.bytes) / (c.bandwidth * 1e12)) * 1000,
    trainingStateBytes: params.total * ADAM_BYTES_PER_PARAM,
  };
}

/**
 * An `ffn` attribute: a hidden size ("14336") or a multiple of d-model ("4x",
 * "8/3x", or a bare number up to 16, read as a multiplier). Returns the hidden
 * size (rounded to a whole number) or null when it cannot be read.
 */
export function parseFfn(raw: unknown, dModel: number): number | null {
  if (typeof raw === 'number') return raw > 0 && raw <= 16 ? Math.round(raw * dModel) : Number.isInteger(raw) && raw > 16 ? raw : null;
  if (typeof raw !== 'string') return null;
  const text = raw.trim().toLowerCase().replace(/\s+/g, '');
  const m = /^(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?(x|×|d|\*d)?$/.exec(text);
  if (!m) return null;
  const value = m[2] ? Number(m[1]) / Number(m[2]) : Number(m[1]);
  if (!(value > 0) || !Number.isFinite(value)) return null;
  if (m[3] || m[2] || value <= 16) return Math.max(1, Math.round(value * dModel));
  return Number.isInteger(value) ? value : null;
}

const SUP = '⁻⁰¹²³⁴⁵⁶⁷⁸⁹';
const superscript = (e: number) => String(e).replace(/[-0-9]/g, (ch) => SUP['-0123456789'.indexOf(ch)]);

/** Two decimals below 10, one below 1000: 8.03 B, 70.6 B, 173.9 B, 124.4 M. */
function scaled(v: number): string {
  if (v < 10) return v.toFixed(2);
  return v.toFixed(1);
}

/** 174,604,259,328 → "174.6 B"; 124,439,808 → "124.4 M"; 15e12 → "15.0 T"; below 10,000 with separators. */
export function formatCount(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e12) return `${scaled(n / 1e12)} T`;
  if (a >= 1e9) return `${scaled(n / 1e9)} B`;
  if (a >= 1e6) return `${scaled(n / 1e6)} M`;
  if (a >= 1e4) return `${scaled(n / 1e3)} K`;
  return Math.round(n).toLocaleString('en-US');
}

/** Decimal units, three significant digits: 349 GB, 2.68 GB, 1.12 TB, 328 KB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const text = i === 0 ? String(Math.round(v)) : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${text} ${units[i]}`;
}

/** 3.143e23 → "3.14 × 10²³" (three significant digits; plain below 10,000). */
export function formatSci(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const a = Math.abs(n);
  if (a < 1e4 && a >= 0.01) return Number(n.toPrecision(3)).toLocaleString('en-US');
  let e = Math.floor(Math.log10(a));
  let m = n / 10 ** e;
  if (Math.abs(Number(m.toFixed(2))) >= 10) {
    e += 1;
    m /= 10;
  }
  return `${m.toFixed(2)} × 10${superscript(e)}`;
}

/** Whole numbers with separators: 327680 → "327,680". */
export const formatInt = (n: number) => Math.round(n).toLocaleString('en-US');
