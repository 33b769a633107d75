/**
 * Published configurations of a few decoder-only Transformers, for
 * `<model-calculator>` (components/models/model-calculator.ts). Each entry
 * names its source; `published` is the parameter count as its authors state
 * it, so the calculator can show its own count beside it.
 *
 * Conventions: `ffn` is the hidden size of one feed-forward network (one
 * expert for a mixture of experts); `gated` FFNs (SwiGLU, as in Llama and
 * Mixtral) have three d × ffn matrices instead of two; `tied` means the output
 * projection reuses the input embedding matrix.
 */
export interface ModelPreset {
  id: string;
  /** Button label. */
  label: string;
  /** Where the numbers come from (shown in the calculator's tooltip). */
  source: string;
  year: number;
  dModel: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffn: number;
  gated: boolean;
  vocab: number;
  context: number;
  tied: boolean;
  positions: 'learned' | 'rotary';
  norm: 'layernorm' | 'rmsnorm';
  /** Biases in the attention and FFN projections (GPT-1/2/3 have them, Llama and Mixtral do not). */
  biases: boolean;
  /** A normalisation after the last block (pre-norm models have one; GPT-1, post-norm, does not). */
  finalNorm: boolean;
  experts: number;
  activeExperts: number;
  /** Published parameter count (total). */
  published: number;
  /** Published active parameters per token (mixtures of experts only). */
  publishedActive?: number;
  /** Training tokens as published, or null when the authors did not publish them. */
  tokens: number | null;
}

export const MODEL_PRESETS: readonly ModelPreset[] = [
  {
    // Radford, Narasimhan, Salimans & Sutskever 2018, "Improving Language Understanding by
    // Generative Pre-Training", §4.1: 12-layer decoder, 768-d states, 12 heads, 3072-d FFN,
    // 512-token context, learned positions, 40,000 BPE merges (vocabulary 40,478 in the
    // released model); post-norm like the 2017 Transformer, so no final LayerNorm. The "117M"
    // is how the GPT-2 paper (Table 2) refers to it. Training tokens: not published.
    id: 'gpt1', label: 'GPT-1', source: 'Radford et al. 2018', year: 2018,
    dModel: 768, layers: 12, heads: 12, kvHeads: 12, headDim: 64, ffn: 3072, gated: false,
    vocab: 40478, context: 512, tied: true, positions: 'learned', norm: 'layernorm', biases: true, finalNorm: false,
    experts: 1, activeExperts: 1, published: 117e6, tokens: null,
  },
  {
    // Radford et al. 2019, "Language Models are Unsupervised Multitask Learners", Table 2
    // (12 layers, d 768) and §2.3 (vocabulary 50,257, context 1,024); 12 heads from the released
    // hparams.json (github.com/openai/gpt-2). The paper said 117M; the gpt-2 README corrects it:
    // "our original parameter counts were wrong", the small model has 124M. Tokens: not published.
    id: 'gpt2-small', label: 'GPT-2 small', source: 'Radford et al. 2019; openai/gpt-2 README', year: 2019,
    dModel: 768, layers: 12, heads: 12, kvHeads: 12, headDim: 64, ffn: 3072, gated: false,
    vocab: 50257, context: 1024, tied: true, positions: 'learned', norm: 'layernorm', biases: true, finalNorm: true,
    experts: 1, activeExperts: 1, published: 124e6, tokens: null,
  },
  {
    // Radford et al. 2019, Table 2: 48 layers, d 1,600 ("1542M" in the paper; released as
    // the "1558M" model, github.com/openai/gpt-2); 25 heads of 64 from its hparams.json.
    id: 'gpt2-xl', label: 'GPT-2 XL', source: 'Radford et al. 2019; openai/gpt-2', year: 2019,
    dModel: 1600, layers: 48, heads: 25, kvHeads: 25, headDim: 64, ffn: 6400, gated: false,
    vocab: 50257, context: 1024, tied: true, positions: 'learned', norm: 'layernorm', biases: true, finalNorm: true,
    experts: 1, activeExperts: 1, published: 1.5e9, tokens: null,
  },
  {
    // Brown et al. 2020, "Language Models are Few-Shot Learners", Table 2.1: n_params 175.0B,
    // n_layers 96, d_model 12,288, n_heads 96, d_head 128, context 2,048 tokens; §2.1: the
    // GPT-2 architecture (so its 50,257-token BPE, tied embeddings, 4·d FFN) with alternating
    // dense and locally banded sparse attention (same parameter count); §2.2 and Table D.1:
    // trained on 300 billion tokens.
    id: 'gpt3-175b', label: 'GPT-3 175B', source: 'Brown et al. 2020, Table 2.1', year: 2020,
    dModel: 12288, layers: 96, heads: 96, kvHeads: 96, headDim: 128, ffn: 49152, gated: false,
    vocab: 50257, context: 2048, tied: true, positions: 'learned', norm: 'layernorm', biases: true, finalNorm: true,
    experts: 1, activeExperts: 1, published: 175e9, tokens: 300e9,
  },
  {
    // Meta's config.json for meta-llama/Meta-Llama-3-8B (hidden_size 4096, num_hidden_layers 32,
    // num_attention_heads 32, num_key_value_heads 8, intermediate_size 14336, vocab_size 128256,
    // max_position_embeddings 8192, tie_word_embeddings false, RMSNorm, RoPE, no biases);
    // the same in Dubey et al. 2024, "The Llama 3 Herd of Models", Table 3. The model card
    // states 8B ("8.03B" parameters) and "over 15 trillion tokens".
    id: 'llama3-8b', label: 'Llama-3 8B', source: 'Meta 2024, Meta-Llama-3-8B config.json; Dubey et al. 2024, Table 3', year: 2024,
    dModel: 4096, layers: 32, heads: 32, kvHeads: 8, headDim: 128, ffn: 14336, gated: true,
    vocab: 128256, context: 8192, tied: false, positions: 'rotary', norm: 'rmsnorm', biases: false, finalNorm: true,
    experts: 1, activeExperts: 1, published: 8.03e9, tokens: 15e12,
  },
  {
    // Meta's config.json for meta-llama/Meta-Llama-3-70B (hidden_size 8192, num_hidden_layers 80,
    // num_attention_heads 64, num_key_value_heads 8, intermediate_size 28672, vocab_size 128256,
    // max_position_embeddings 8192, untied); Dubey et al. 2024, Table 3. "70.6B" parameters on the
    // model card; over 15 trillion training tokens.
    id: 'llama3-70b', label: 'Llama-3 70B', source: 'Meta 2024, Meta-Llama-3-70B config.json; Dubey et al. 2024, Table 3', year: 2024,
    dModel: 8192, layers: 80, heads: 64, kvHeads: 8, headDim: 128, ffn: 28672, gated: true,
    vocab: 128256, context: 8192, tied: false, positions: 'rotary', norm: 'rmsnorm', biases: false, finalNorm: true,
    experts: 1, activeExperts: 1, published: 70.6e9, tokens: 15e12,
  },
  {
    // Jiang et al. 2024, "Mixtral of Experts", Table 1: dim 4096, n_layers 32, head_dim 128,
    // hidden_dim 14336, n_heads 32, n_kv_heads 8, context_len 32768, vocab_size 32000,
    // num_experts 8, top_k_experts 2 (SwiGLU experts, RMSNorm, RoPE, untied, a d × 8 router
    // per layer). Mistral AI's announcement (Dec 2023): 46.7B total, 12.9B used per token.
    // Training tokens: not published.
    id: 'mixtral-8x7b', label: 'Mixtral 8×7B', source: 'Jiang et al. 2024, Table 1; Mistral AI 2023', year: 2023,
    dModel: 4096, layers: 32, heads: 32, kvHeads: 8, headDim: 128, ffn: 14336, gated: true,
    vocab: 32000, context: 32768, tied: false, positions: 'rotary', norm: 'rmsnorm', biases: false, finalNorm: true,
    experts: 8, activeExperts: 2, published: 46.7e9, publishedActive: 12.9e9, tokens: null,
  },
];

export const PRESET_IDS = MODEL_PRESETS.map((p) => p.id);

export function presetById(id: string): ModelPreset | undefined {
  return MODEL_PRESETS.find((p) => p.id === id);
}
