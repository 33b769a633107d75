import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS, presetById } from '../../components/data/model-presets';
import {
  checkConfig,
  computeCosts,
  configFromPreset,
  countParameters,
  formatBytes,
  formatCount,
  formatSci,
  parseFfn,
  type ModelConfig,
} from '../../components/models/model-calculator';

const preset = (id: string, extra: Partial<ModelConfig> = {}) => configFromPreset(presetById(id)!, extra);

describe('countParameters: GPT-3 175B (Brown et al. 2020, Table 2.1)', () => {
  const c = preset('gpt3-175b');
  const p = countParameters(c);
  it('has 12·d² per block: 12 · 12,288² · 96 = 173,946,175,488 ≈ 173.9 B in the blocks\' matrices', () => {
    expect(12 * 12288 ** 2 * 96).toBe(173_946_175_488);
    expect(p.attention + p.ffn).toBe(173_946_175_488);
    expect(p.blockInD2).toEqual({ attention: 4, ffn: 8, total: 12 });
    expect(formatCount(p.attention + p.ffn)).toBe('173.9 B');
  });

  it('counts 174.6 B in all, within 0.3 % of the published 175 B', () => {
    // blocks 12d² + 13d (biases 9d, two LayerNorms 4d) · 96, tied 50,257 × d embedding,
    // 2,048 × d learned positions, final LayerNorm 2d
    const d = 12288;
    expect(p.total).toBe(96 * (12 * d * d + 13 * d) + 50257 * d + 2048 * d + 2 * d);
    expect(p.total).toBe(174_604_259_328);
    expect(Math.abs(p.total - 175e9) / 175e9).toBeLessThan(0.003);
    expect(formatCount(p.total)).toBe('174.6 B');
  });

  it('splits its 4·d² attention evenly over W_Q, W_K, W_V, W_O (full MHA)', () => {
    expect(p.block.attention).toBe(4 * 12288 ** 2);
    expect(p.block.ffn).toBe(8 * 12288 ** 2);
  });

  it('needs 6·N·D = 3.14 × 10²³ FLOPs for its 300 B tokens', () => {
    const costs = computeCosts(c);
    expect(costs.trainingCompute).toBeCloseTo(6 * 174_604_259_328 * 300e9, -10);
    expect(formatSci(costs.trainingCompute)).toBe('3.14 × 10²³');
    // and with the published round 175 B: the 3.15e23 usually quoted
    expect(formatSci(6 * 175e9 * 300e9)).toBe('3.15 × 10²³');
  });
});

describe('countParameters: GPT-2 small with tied embeddings', () => {
  it('gives the 124,439,808 parameters of the released checkpoint (≈ 124 M)', () => {
    const p = countParameters(preset('gpt2-small'));
    // wte 50,257·768 + wpe 1,024·768 + 12 blocks · 7,087,872 + ln_f 1,536
    expect(p.total).toBe(50257 * 768 + 1024 * 768 + 12 * 7_087_872 + 1536);
    expect(p.total).toBe(124_439_808);
    expect(formatCount(p.total)).toBe('124.4 M');
    expect(p.block.total).toBe(7_087_872);
  });

  it('would have 38.6 M more with an untied output matrix', () => {
    const tied = countParameters(preset('gpt2-small'));
    const untied = countParameters(preset('gpt2-small', { tied: false }));
    expect(untied.total - tied.total).toBe(50257 * 768);
  });
});

describe('countParameters: Llama-3 (Meta config.json; Dubey et al. 2024, Table 3)', () => {
  it('gives 8,030,261,248 ≈ 8.03 B for Llama-3 8B (d 4096, 32 layers, 8 KV heads, SwiGLU 14,336, untied 128,256)', () => {
    const p = countParameters(preset('llama3-8b'));
    const d = 4096;
    const block = 2 * d * d + 2 * d * 1024 + 3 * d * 14336 + 2 * d; // Q, O; K, V at 8 × 128; gate, up, down; two RMSNorms
    expect(p.block.total).toBe(block);
    expect(p.total).toBe(32 * block + 2 * 128256 * d + d);
    expect(p.total).toBe(8_030_261_248);
    expect(formatCount(p.total)).toBe('8.03 B');
  });

  it('gives 70,553,706,496 ≈ 70.6 B for Llama-3 70B (d 8192, 80 layers, 64 heads, 8 KV heads, SwiGLU 28,672)', () => {
    const p = countParameters(preset('llama3-70b'));
    expect(p.total).toBe(70_553_706_496);
    expect(formatCount(p.total)).toBe('70.6 B');
  });

  it('shrinks attention below 4·d² with grouped-query attention: 2.5·d² with 8 of 32 KV heads', () => {
    const p = countParameters(preset('llama3-8b'));
    expect(p.blockInD2.attention).toBe(2.5);
    expect(p.blockInD2.ffn).toBe(10.5); // 3 · 14336 / 4096
    const mha = countParameters(preset('llama3-8b', { kvHeads: 32 }));
    expect(mha.blockInD2.attention).toBe(4);
  });
});

describe('computeCosts: KV cache', () => {
  it('stores 327,680 bytes per token for Llama-3 70B in 16-bit: 80 layers × 8 KV heads × 128 × 2 (K, V) × 2 bytes', () => {
    const costs = computeCosts(preset('llama3-70b'));
    expect(costs.kvBytesPerToken).toBe(80 * 8 * 128 * 2 * 2);
    expect(costs.kvBytesPerToken).toBe(327_680);
    expect(costs.kvBytesContext).toBe(327_680 * 8192);
    expect(formatBytes(costs.kvBytesContext)).toBe('2.68 GB');
  });

  it('gives the book\'s 1,310,720 bytes per token per direction and 21.5 GB at 8K tokens with 64 KV heads (MHA)', () => {
    const costs = computeCosts(preset('llama3-70b', { kvHeads: 64 }));
    expect(costs.kvBytesPerTokenPerDirection).toBe(1_310_720);
    expect(formatBytes(costs.kvBytesContext)).toBe('21.5 GB');
  });

  it('multiplies by the batch and divides by heads / kv-heads', () => {
    const one = computeCosts(preset('llama3-8b'));
    const four = computeCosts(preset('llama3-8b', { batch: 4 }));
    const mha = computeCosts(preset('llama3-8b', { kvHeads: 32 }));
    expect(four.kvBytesContext).toBe(4 * one.kvBytesContext);
    expect(mha.kvBytesPerToken).toBe(4 * one.kvBytesPerToken);
  });
});

describe('computeCosts: FLOPs, memory, decode floor', () => {
  it('uses 2·N forward and 6·N training FLOPs per token', () => {
    const c = preset('gpt2-small');
    const costs = computeCosts(c);
    expect(costs.flopsPerTokenForward).toBe(2 * 124_439_808);
    expect(costs.flopsPerTokenTraining).toBe(6 * 124_439_808);
    expect(costs.attentionFlopsPerToken).toBe(2 * 12 * 1024 * 768);
  });

  it('needs 141 GB for Llama-3 70B\'s weights in 16-bit and 35.3 GB in 4-bit', () => {
    expect(formatBytes(computeCosts(preset('llama3-70b')).weightBytes)).toBe('141 GB');
    expect(formatBytes(computeCosts(preset('llama3-70b', { bytes: 0.5 })).weightBytes)).toBe('35.3 GB');
  });

  it('reads every weight once per token: 47.0 ms per token for 141 GB at 3 TB/s', () => {
    const costs = computeCosts(preset('llama3-70b'));
    expect(costs.decodeMsPerToken).toBeCloseTo((70_553_706_496 * 2) / 3e12 * 1000, 9);
    expect(costs.decodeMsPerToken).toBeCloseTo(47.04, 2);
  });

  it('needs ≈ 16 bytes per parameter to train with Adam: 1.13 TB for Llama-3 70B', () => {
    expect(formatBytes(computeCosts(preset('llama3-70b')).trainingStateBytes)).toBe('1.13 TB');
  });
});

describe('countParameters: Mixtral 8×7B (mixture of experts)', () => {
  it('has 46.7 B parameters in all and 12.9 B active per token (2 of 8 experts), as published', () => {
    const p = countParameters(preset('mixtral-8x7b'));
    expect(p.total).toBe(46_702_792_704);
    expect(p.active).toBe(12_879_925_248);
    expect(formatCount(p.total)).toBe('46.7 B');
    expect(formatCount(p.active)).toBe('12.9 B');
  });

  it('computes FLOPs from the active parameters only', () => {
    const costs = computeCosts(preset('mixtral-8x7b'));
    expect(costs.flopsPerTokenForward).toBe(2 * 12_879_925_248);
  });
});

describe('every preset', () => {
  it.each(MODEL_PRESETS.map((p) => [p.id, p] as const))('%s: the count is within 4 % of the published figure, and the config is consistent', (_id, p) => {
    const counts = countParameters(configFromPreset(p));
    // the widest gap is GPT-2 XL: 1.56 B counted against the round "1.5B" (1542M in the paper, 1558M released)
    expect(Math.abs(counts.total - p.published) / p.published).toBeLessThan(0.04);
    if (p.publishedActive) expect(Math.abs(counts.active - p.publishedActive) / p.publishedActive).toBeLessThan(0.01);
    expect(checkConfig(configFromPreset(p))).toEqual([]);
    expect(p.heads * p.headDim).toBe(p.dModel);
  });
});

describe('checkConfig', () => {
  it.each([
    [{ kvHeads: 5 }, 'kv-heads', /divides heads \(32\)/],
    [{ kvHeads: 64 }, 'kv-heads', /divides heads/],
    [{ activeExperts: 3, experts: 2 }, 'active-experts', /from 1 to experts \(2\)/],
    [{ bytes: 0 }, 'bytes', /positive/],
    [{ layers: 2.5 }, 'layers', /whole number/],
  ] as const)('reports %o as a problem with %s', (extra, attribute, expected) => {
    const problems = checkConfig(preset('llama3-8b', extra as Partial<ModelConfig>));
    expect(problems.map((p) => p.attribute)).toContain(attribute);
    expect(problems.find((p) => p.attribute === attribute)!.expected).toMatch(expected);
  });
});

describe('parseFfn', () => {
  it.each([
    ['14336', 4096, 14336],
    ['4x', 768, 3072],
    ['4', 768, 3072],
    ['8/3x', 4096, 10923],
    ['3.5×', 1000, 3500],
    [3072, 768, 3072],
    [4, 768, 3072],
    ['lots', 768, null],
    ['12.5', 768, 9600],
    ['20.5', 768, null],
  ] as const)('reads ffn=%s with d-model %i as %s', (raw, d, expected) => {
    expect(parseFfn(raw, d)).toBe(expected);
  });
});

describe('formatting', () => {
  it.each([
    [174_604_259_328, '174.6 B'],
    [124_439_808, '124.4 M'],
    [8_030_261_248, '8.03 B'],
    [15e12, '15.0 T'],
    [4096, '4,096'],
    [38_597_376, '38.6 M'],
  ])('formatCount(%d) = %s', (n, text) => {
    expect(formatCount(n)).toBe(text);
  });

  it.each([
    [327_680, '328 KB'],
    [2_684_354_560, '2.68 GB'],
    [349_208_518_656, '349 GB'],
    [512, '512 B'],
  ])('formatBytes(%d) = %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });

  it.each([
    [3.1428e23, '3.14 × 10²³'],
    [9.996e11, '1.00 × 10¹²'],
    [248_879_616, '2.49 × 10⁸'],
    [42, '42'],
  ])('formatSci(%d) = %s', (n, text) => {
    expect(formatSci(n)).toBe(text);
  });
});
