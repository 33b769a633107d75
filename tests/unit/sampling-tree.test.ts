import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  greedyPath, joinTokens, lookup, parseTable, pathTree, samplePath, tempered, words, type Path,
} from '../../components/models/sampling-tree';
import { DEFAULT_PROMPT, DEFAULT_TABLE } from '../../components/data/next-token-table';
import { createRng } from '../../components/runtime/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const table = parseTable(DEFAULT_TABLE);

/** Plain-JS reference for the tempered distribution: p^(1/T) / Σ p^(1/T). */
const temperRef = (p: number[], t: number) => {
  const w = p.map((x) => x ** (1 / t));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
};

describe('parseTable and lookup', () => {
  it('rescales each context to sum 1 and lists the candidates most likely first', () => {
    const t = parseTable('{"the dog": {"ran": 2, "barked": 6}}');
    expect(lookup(t, 'the dog')).toEqual([{ token: 'barked', p: 0.75 }, { token: 'ran', p: 0.25 }]);
  });

  it('uses the longest key matching the end of the text, ignoring case', () => {
    expect(lookup(table, 'The cat sat on the keyboard and')[0]!.token).toBe('typed');
    expect(lookup(table, 'The cat sat on the mat and')[0]!.token).toBe('purred');
    expect(lookup(table, 'THE CAT SAT ON THE').map((c) => c.token)).toEqual(['mat', 'floor', 'sofa', 'roof', 'keyboard']);
    expect(lookup(table, 'a sentence that ends in zebra')).toEqual([]);
  });

  it.each([
    ['{"a": {"b": 0.5', /not valid JSON/],
    ['[1, 2]', /must be a JSON object/],
    ['{"a": {}}', /context "a" must map to a non-empty object/],
    ['{"a": {"b": -0.2}}', /context "a", token "b": probability must be a number > 0, got -0.2/],
    ['{"a": {"b": "high"}}', /token "b": probability must be a number > 0, got "high"/],
    ['{"": {"b": 1}}', /empty context key/],
  ])('rejects %s with a message naming the problem', (json, message) => {
    expect(() => parseTable(json)).toThrow(message);
  });

  it('splits punctuation off words and glues it back when joining', () => {
    expect(words(' on the mat. ')).toEqual(['on', 'the', 'mat', '.']);
    expect(joinTokens('The cat sat on the', ['mat', 'and', 'purred', '.'])).toBe('The cat sat on the mat and purred.');
  });
});

describe('tempered branch probabilities', () => {
  it.each([0, 0.3, 1, 2, 5])('sum to 1 at every branch point of the default table at T = %s', async (t) => {
    for (const e of table.entries) {
      const pT = await tempered(e.candidates, t);
      expect(pT.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });

  it.each([0.5, 1, 2])('match the plain-JS p^(1/T) / Σ at T = %s', async (t) => {
    const cands = lookup(table, DEFAULT_PROMPT);
    const ref = temperRef(cands.map((c) => c.p), t);
    (await tempered(cands, t)).forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 5));
  });

  it('put everything on the favourite at T = 0', async () => {
    expect(await tempered(lookup(table, DEFAULT_PROMPT), 0)).toEqual([1, 0, 0, 0, 0]);
  });
});

describe('samplePath', () => {
  it('takes the hand-computed greedy path "The cat sat on the mat." at T = 0, whatever the seed', async () => {
    const greedy = await greedyPath(table, DEFAULT_PROMPT);
    expect(greedy.text).toBe('The cat sat on the mat.');
    expect(greedy.end).toBe('sentence');
    for (let seed = 0; seed < 10; seed++) {
      const p = await samplePath(table, DEFAULT_PROMPT, { temperature: 0 }, createRng(seed));
      expect(p.text).toBe(greedy.text);
      expect(p.probability).toBe(1);
    }
  });

  it('repeats exactly for the same seed and differs between runs of one generator', async () => {
    const runs = async (seed: number) => {
      const rng = createRng(seed, 'sampling-tree');
      const texts: string[] = [];
      for (let i = 0; i < 10; i++) texts.push((await samplePath(table, DEFAULT_PROMPT, { temperature: 1 }, rng)).text);
      return texts;
    };
    const a = await runs(7);
    expect(await runs(7)).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(2);
    expect(await runs(8)).not.toEqual(a);
  });

  it('draws the first word with the table frequencies at T = 1', async () => {
    const rng = createRng(1);
    const counts = new Map<string, number>();
    const n = 800;
    for (let i = 0; i < n; i++) {
      const tok = (await samplePath(table, DEFAULT_PROMPT, { temperature: 1, maxDepth: 1 }, rng)).steps[0]!.token;
      counts.set(tok, (counts.get(tok) ?? 0) + 1);
    }
    for (const c of lookup(table, DEFAULT_PROMPT)) expect((counts.get(c.token) ?? 0) / n).toBeCloseTo(c.p, 1);
  });

  it('multiplies the tempered probabilities along the path', async () => {
    const p = await samplePath(table, DEFAULT_PROMPT, { temperature: 1.5 }, createRng(3));
    expect(p.probability).toBeCloseTo(p.steps.reduce((s, x) => s * x.pT, 1), 10);
    expect(p.text).toBe(joinTokens(DEFAULT_PROMPT, p.steps.map((s) => s.token)));
  });

  it('stops at an unknown context and at the depth limit', async () => {
    const loop = parseTable({ go: { on: 1 }, on: { and: 1 }, and: { on: 1 } });
    const capped = await samplePath(loop, 'go', { temperature: 1, maxDepth: 5 }, createRng(1));
    expect([capped.end, capped.steps.length]).toEqual(['max-depth', 5]);
    const open = parseTable({ go: { somewhere: 1 } });
    expect((await samplePath(open, 'go', { temperature: 1 }, createRng(1))).end).toBe('unknown-context');
  });
});

describe('pathTree', () => {
  it('shows every first branch and counts the visits of the sampled paths', async () => {
    const rng = createRng(5);
    const paths: Path[] = [];
    for (let i = 0; i < 12; i++) paths.push(await samplePath(table, DEFAULT_PROMPT, { temperature: 1 }, rng));
    const root = await pathTree(table, DEFAULT_PROMPT, paths, 1);
    expect(root.children.map((c) => c.token)).toEqual(['mat', 'floor', 'sofa', 'roof', 'keyboard']);
    expect(root.children.reduce((s, c) => s + c.pT, 0)).toBeCloseTo(1, 5);
    expect(root.children.reduce((s, c) => s + c.visits, 0)).toBe(12);
    // every node's visits = the visits its children account for, plus paths that ended there
    const check = (n: typeof root) => {
      const below = n.children.reduce((s, c) => s + c.visits, 0);
      const endedHere = paths.filter((p) => joinTokens(DEFAULT_PROMPT, p.steps.map((s) => s.token)) === n.text).length;
      if (n !== root) expect(below + endedHere).toBe(n.visits);
      n.children.forEach(check);
    };
    check(root);
  });
});
