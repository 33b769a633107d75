import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// scripts/diagrams.mjs is plain JS run by node; import it by URL and type the part we use.
type DiagramsModule = { buildDiagrams(outDir: string): Promise<string[]> };
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scriptUrl = pathToFileURL(path.join(root, 'scripts/diagrams.mjs')).href;

/** Names decks reference as diagrams/<name>.svg, with labels each must show as visible text. */
const EXPECTED: Record<string, string[]> = {
  // Next Token Prediction
  'learning-journey': ['Intuition', 'Counting', 'Embeddings', 'Neural nets', 'Context', 'Attention', 'ChatGPT'],
  'embedding-space': ['king', 'queen', 'man', 'woman', 'king − man'],
  'char-embedding-2d': ['a', 'e', 'o', 'b', 'd', 'x', 'dim 1', 'dim 2', 'vowels'],
  'nn-architecture': ['context', 'embed', 'concat', 'hidden', 'tanh', 'softmax'],
  'gradient-descent': ['w ← w − η·∂L/∂w', 'start', 'minimum', 'loss L(w)'],
  'rnn-unrolled': ['I', 'love', 'pizza', 'h₀', 'h₃', 'same weights'],
  'attention-qkv': ['Query', 'Keys', 'Values', 'softmax', '0.68', '0.25'],
  'transformer-block': ['Multi-head attention', 'Add & Norm', 'Feed-forward', '× N'],
  'sampling-tree': ['I love to eat', 'pizza', 'pasta', 'shoes', '0.40', '0.30', '0.10'],
  'llm-recipe': ['Pre-training', 'Supervised fine-tuning', 'RLHF', 'ChatGPT'],
  // Gradient Handoff
  'sir-flow': ['Susceptible', 'Infected', 'Recovered', 'β·S·I/N', 'γ·I'],
  'nyc-cases': ['confirmed cases per day', '57', '2,121', '6,353', '9 Mar', '6 Apr', 'next week'],
  'network-of-knobs': ['t (the day)', 'cases', '16 hidden', '321 knobs', 'tanh'],
  'nested-function': ['f( g( h(', 't (the day)', 'infected'],
  handoff: ['input', 'output', 'loss', 'knobs', 'gradient'],
  'verdict-stack': ['Coding assistant', 'Large language model', 'Attention', 'WQ, WK, WV', 'Gradient descent'],
  // Neural Networks & Transformers
  'transformer-pipeline': ['Tokenize', 'Embed', 'Transform ×N', 'Unembed', 'Was the bank flooded?'],
  'digit-network': ['784 inputs', '16 hidden', '10 outputs', '12,960 weights', '42 biases', '13,002 parameters'],
  // The Field Rhymes, Act I
  'fr-1-five-beats': ['The puzzle', 'Bad attempt', 'The trick', 'The math', 'Nobody', 'mentions'],
  'fr-1-rhyme-chain': ['Recurrence', 'Attention', 'Scaling laws', 'Supervised', 'RLHF', 'DPO', 'follows nothing'],
  'fr-1-apparatus': ['tokenize', 'embed', 'f(x; θ)', 'softmax', 'sample', '−log p(true token)', 'Chapter 1 · learns'],
  // The Field Rhymes, Act II
  'fr-2-block-prenorm': ['LN', 'multi-head', 'FFN', 'y = x + Attn(LN(x))', 'z = y + FFN(LN(y))', 'one block ≈ 12d²'],
  'fr-2-architectures': ['encoder-decoder', 'encoder only', 'decoder only', 'cross-attention', 'bidirectional', 'causal'],
  // The Field Rhymes, Act III
  'fr-3-gpt-scale': ['GPT-1 · 2018', 'GPT-2 · 2019', 'GPT-3 · 2020', '117 M', '1.5 B', '175 B', '300 B training tokens', 'BooksCorpus', 'WebText: 40 GB', '×13', '×117', 'log scale'],
  'fr-3-power-law': ['power law a·N⁻ᵇ: a straight line', 'a·N⁻ᵇ + L∞: bends toward the floor', 'L∞, irreducible', 'exponential a·e^(−N/N₀): plunges'],
  // The Field Rhymes, Act IV
  'fr-4-rlhf-models': ['policy π', 'reward model r', 'reference π', 'value model V', 'trained ✎', 'frozen ❄ no gradients'],
  'fr-4-constitutional': ['Phase 1 · supervised learning (SL-CAI)', 'AI critique', 'AI revision', 'AI judge', 'preference model', 'RL (PPO)'],
  // The Field Rhymes, Act V
  'fr-5-paged-kv': ['request A', 'request B', 'block table', 'GPU memory: physical blocks', 'free', 'only the last block of a request is partly empty'],
  // The Field Rhymes, Act VI
  'fr-6-tool-loop': ['User', 'Model', 'Runtime', 'Tool', 'calc(4817*392)', 'writes a call, stops', 'splices the result in', "the model's context", '4,817 × 392 = 1,888,264'],
  // The Field Rhymes, Act VII
  'fr-7-vlm-wiring': ['vision encoder', 'CLIP ViT-L/14', 'projector', '2-layer MLP', 'language model', '576 image', 'frozen', 'trained', '1 · align: 558 K image–caption pairs', '2 · instruct: 665 K mixed examples'],
};

/** Smallest on-screen text we accept, in px, when the SVG is shown at its own width/height. */
const MIN_TEXT_PX = 18;
/** Room for a diagram below a slide heading at 1280x720. */
const MAX_W = 1152;
const MAX_H = 520;

/**
 * Strict XML well-formedness check: balanced, properly nested tags, valid attribute syntax,
 * no stray '<' or '&' in text. Returns the first problem found, or null.
 */
function xmlProblem(xml: string): string | null {
  const stack: string[] = [];
  let roots = 0;
  const token = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g;
  for (const m of xml.matchAll(token)) {
    const [all, close, name, , selfClose] = m;
    if (all === '<') return `stray or malformed tag at offset ${m.index}`;
    if (all.startsWith('&')) return `bad entity at offset ${m.index}`;
    if (!name) continue; // comment, processing instruction, CDATA
    if (close) {
      const open = stack.pop();
      if (open !== name) return `</${name}> closes <${open ?? 'nothing'}> at offset ${m.index}`;
    } else {
      if (stack.length === 0) roots += 1;
      if (!selfClose) stack.push(name);
    }
  }
  if (stack.length) return `unclosed <${stack.join('>, <')}>`;
  if (roots !== 1) return `expected one root element, found ${roots}`;
  return null;
}

/** Visible text: the content of every <text> element, tags inside stripped, entities decoded. */
function visibleText(svg: string): string {
  const texts = [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => m[1]);
  return texts
    .join(' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

function rootAttr(svg: string, attr: string): string | undefined {
  const rootTag = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  return new RegExp(`\\s${attr}="([^"]*)"`).exec(rootTag)?.[1];
}

/** Smallest font size in px as displayed at the SVG's own width (viewBox units scaled). */
function smallestDisplayedText(svg: string): number {
  const sizes = [...svg.matchAll(/font-size(?:="|:\s*)([\d.]+)/g)].map((m) => Number(m[1]));
  const [, , vbW] = (rootAttr(svg, 'viewBox') ?? '').trim().split(/[\s,]+/).map(Number);
  const scale = Number(rootAttr(svg, 'width')) / vbW;
  return Math.min(...sizes) * scale;
}

describe('diagrams build (scripts/diagrams.mjs)', () => {
  let outDir = '';
  let built: string[] = [];
  const svgs = new Map<string, string>();

  beforeAll(async () => {
    const { buildDiagrams } = (await import(scriptUrl)) as DiagramsModule;
    outDir = await mkdtemp(path.join(os.tmpdir(), 'diagrams-'));
    built = await buildDiagrams(outDir);
    for (const f of await readdir(path.join(outDir, 'diagrams'))) {
      svgs.set(f.replace(/\.svg$/, ''), await readFile(path.join(outDir, 'diagrams', f), 'utf8'));
    }
  });
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('writes <outDir>/diagrams/<name>.svg for every name the decks use', () => {
    for (const name of Object.keys(EXPECTED)) expect(svgs.has(name), name).toBe(true);
    expect([...svgs.keys()].sort()).toEqual([...built].sort());
  });

  describe.each(Object.entries(EXPECTED))('%s', (name, labels) => {
    const svg = () => svgs.get(name) ?? '';

    it('is well-formed XML with a single <svg> root carrying the SVG namespace and a viewBox', () => {
      expect(xmlProblem(svg())).toBeNull();
      expect(svg().trimStart().startsWith('<svg')).toBe(true);
      expect(rootAttr(svg(), 'xmlns')).toBe('http://www.w3.org/2000/svg');
      const vb = (rootAttr(svg(), 'viewBox') ?? '').trim().split(/[\s,]+/).map(Number);
      expect(vb).toHaveLength(4);
      expect(vb[2]).toBeGreaterThan(0);
      expect(vb[3]).toBeGreaterThan(0);
    });

    it('fetches nothing: no http(s) URL except the SVG namespace, no @import or external href', () => {
      const urls = svg().match(/https?:\/\/[^\s"')]+/g) ?? [];
      expect(urls.filter((u) => u !== 'http://www.w3.org/2000/svg')).toEqual([]);
      expect(svg()).not.toMatch(/@import|@font-face/);
      expect(svg()).not.toMatch(/\bhref="(?!#)/);
    });

    it('shows its key labels as text', () => {
      const text = visibleText(svg());
      for (const label of labels) expect(text, `label "${label}"`).toContain(label);
    });

    it('fits below a slide heading with every label at projector size', () => {
      const w = Number(rootAttr(svg(), 'width'));
      const h = Number(rootAttr(svg(), 'height'));
      expect(w).toBeLessThanOrEqual(MAX_W);
      expect(h).toBeLessThanOrEqual(MAX_H);
      expect(smallestDisplayedText(svg())).toBeGreaterThanOrEqual(MIN_TEXT_PX);
    });

    it('names only system fonts', () => {
      const families = [...svg().matchAll(/font-family:\s*([^;}]+)/g)].map((m) => m[1]);
      expect(families.length).toBeGreaterThan(0);
      for (const f of families) expect(f).toMatch(/sans-serif|monospace/);
      expect(svg()).not.toMatch(/Inter['"]/);
    });
  });

  it('draws the transformer pipeline with four stages, not five', () => {
    const text = visibleText(svgs.get('transformer-pipeline') ?? '');
    expect(['①', '②', '③', '④'].every((n) => text.includes(n))).toBe(true);
    expect(text).not.toContain('⑤');
  });
});

describe('xmlProblem (the test helper)', () => {
  it.each([
    ['<svg><g></svg>', /closes/],
    ['<svg><rect x=1/></svg>', /malformed/],
    ['<svg>a & b</svg>', /entity/],
    ['<svg/><svg/>', /one root/],
  ])('rejects %s', (xml, problem) => {
    expect(xmlProblem(xml)).toMatch(problem);
  });
  it('accepts comments, self-closing tags and entities', () => {
    expect(xmlProblem('<svg a="1"><!-- <x> --><g><rect b=\'2\'/></g>&amp;&#8722;</svg>')).toBeNull();
  });
});
