/**
 * The sampling tree: from a prompt, every possible next token branches off
 * with its probability; generating text is walking one path, drawing each
 * step at random. Run it again and the walk can go elsewhere.
 *
 * The probabilities come from a next-token table (context → {token: p});
 * a context is looked up by the longest table key that matches the end of the
 * text so far (back-off). Temperature reshapes each branch point with the
 * project's shared decoding code: softmax(log p / T) = p^(1/T) / Σ p^(1/T);
 * T = 1 keeps the table's numbers, T → 0 always takes the favourite (greedy),
 * large T flattens the choice.
 *
 * Plain TypeScript around models/sampling.ts (which runs the tempered softmax
 * on TensorFlow.js): a tree has a handful of branch points, no big tensors.
 */
import { decode } from './sampling.js';
import type { Rng } from '../runtime/rng.js';

export interface Candidate {
  token: string;
  /** Probability from the table, rescaled so a context's candidates sum to 1. */
  p: number;
}

/** Parsed table: key words (lower-case) → candidates, most likely first. */
export interface NextTokenTable {
  entries: { key: string[]; candidates: Candidate[] }[];
}

/** Tokens that end a sentence, and so a path. */
export const END_TOKENS = new Set(['.', '!', '?']);

/** Splits text into the words a table key is matched against ("mat." → "mat", "."). */
export function words(text: string): string[] {
  return text.trim().split(/\s+|(?=[.,!?;:])|(?<=[.,!?;:])/).filter(Boolean);
}

/** Prompt plus generated tokens as one string; punctuation attaches to the word before. */
export function joinTokens(prompt: string, tokens: readonly string[]): string {
  return tokens.reduce((text, t) => (/^[.,!?;:]/.test(t) ? text + t : `${text} ${t}`), prompt.trim());
}

/**
 * Validates and normalises a table given as an object or a JSON string.
 * Errors say which key or token is wrong and what was expected.
 */
export function parseTable(input: string | Readonly<Record<string, Readonly<Record<string, unknown>>>>): NextTokenTable {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (e) {
      throw new Error(`the table is not valid JSON (${(e as Error).message}); expected {"context": {"token": probability, …}, …}`);
    }
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error('the table must be a JSON object {"context": {"token": probability, …}, …}');
  }
  const entries: NextTokenTable['entries'] = [];
  for (const [context, next] of Object.entries(raw as Record<string, unknown>)) {
    const key = words(context).map((w) => w.toLowerCase());
    if (key.length === 0) throw new Error('the table has an empty context key ""');
    if (!next || typeof next !== 'object' || Array.isArray(next) || Object.keys(next).length === 0) {
      throw new Error(`context "${context}" must map to a non-empty object {"token": probability, …}`);
    }
    const pairs = Object.entries(next as Record<string, unknown>);
    for (const [token, p] of pairs) {
      if (typeof p !== 'number' || !Number.isFinite(p) || p <= 0) {
        throw new Error(`context "${context}", token "${token}": probability must be a number > 0, got ${JSON.stringify(p)}`);
      }
      if (!token.trim()) throw new Error(`context "${context}" has an empty token`);
    }
    const total = pairs.reduce((s, [, p]) => s + (p as number), 0);
    const candidates = pairs
      .map(([token, p]) => ({ token: token.trim(), p: (p as number) / total }))
      .sort((a, b) => b.p - a.p); // stable: ties keep the author's order
    entries.push({ key, candidates });
  }
  return { entries };
}

/** Candidates after `text`: the entry whose key is the longest match of the text's last words; [] if none. */
export function lookup(table: NextTokenTable, text: string): Candidate[] {
  const ctx = words(text).map((w) => w.toLowerCase());
  let best: NextTokenTable['entries'][number] | null = null;
  for (const e of table.entries) {
    if (e.key.length > ctx.length || (best && e.key.length <= best.key.length)) continue;
    const tail = ctx.slice(ctx.length - e.key.length);
    if (tail.every((w, i) => w === e.key[i])) best = e;
  }
  return best ? best.candidates : [];
}

/** The candidates' probabilities at temperature T (sum 1; T = 0 → all on the favourite). */
export async function tempered(candidates: readonly Candidate[], temperature: number): Promise<number[]> {
  if (candidates.length === 0) return [];
  const d = await decode(candidates.map((c) => Math.log(c.p)), { temperature });
  return d.probabilities;
}

export interface PathStep {
  token: string;
  /** Index among the candidates at that point. */
  index: number;
  /** Table probability and tempered probability of the branch taken. */
  p: number;
  pT: number;
}

export interface Path {
  steps: PathStep[];
  /** Prompt + tokens. */
  text: string;
  /** Product of the tempered probabilities along the path. */
  probability: number;
  /** Why it stopped: an end token, no table entry for the context, or the depth limit. */
  end: 'sentence' | 'unknown-context' | 'max-depth';
}

export interface WalkOptions {
  temperature: number;
  /** At most this many generated tokens (default 8). */
  maxDepth?: number;
}

/** One seeded random walk: at each step draw from the tempered candidates. */
export async function samplePath(table: NextTokenTable, prompt: string, opts: WalkOptions, rng: Rng): Promise<Path> {
  return walk(table, prompt, opts, (pT) => rng.choice(pT));
}

/** Always the most likely branch (ties → the first listed): what T → 0 converges to. */
export async function greedyPath(table: NextTokenTable, prompt: string, maxDepth = 8): Promise<Path> {
  return walk(table, prompt, { temperature: 1, maxDepth }, (_pT, cands) => argmax(cands.map((c) => c.p)));
}

async function walk(
  table: NextTokenTable,
  prompt: string,
  opts: WalkOptions,
  pick: (pT: number[], candidates: readonly Candidate[]) => number,
): Promise<Path> {
  const steps: PathStep[] = [];
  const maxDepth = opts.maxDepth ?? 8;
  let text = prompt.trim();
  let probability = 1;
  for (;;) {
    if (steps.length >= maxDepth) return { steps, text, probability, end: 'max-depth' };
    const cands = lookup(table, text);
    if (cands.length === 0) return { steps, text, probability, end: 'unknown-context' };
    const pT = await tempered(cands, opts.temperature);
    const index = pick(pT, cands);
    const c = cands[index]!;
    steps.push({ token: c.token, index, p: c.p, pT: pT[index]! });
    probability *= pT[index]!;
    text = joinTokens(text, [c.token]);
    if (END_TOKENS.has(c.token)) return { steps, text, probability, end: 'sentence' };
  }
}

function argmax(values: readonly number[]): number {
  return values.reduce((best, v, i) => (v > values[best]! ? i : best), 0);
}

/** A node of the tree the demo draws. */
export interface TreeNode {
  /** The token on the edge into this node ('' for the root). */
  token: string;
  /** Prompt + tokens up to here. */
  text: string;
  /** Tempered probability of the edge into this node (1 for the root). */
  pT: number;
  /** How many of the given paths went through this node. */
  visits: number;
  children: TreeNode[];
}

/**
 * The tree to draw: the root with ALL first candidates (the branching the
 * room should see), and below them only the nodes some path visited, each
 * with its visit count. `pT` at a branch point is the tempered probability.
 */
export async function pathTree(
  table: NextTokenTable, prompt: string, paths: readonly Path[], temperature: number,
): Promise<TreeNode> {
  const root: TreeNode = { token: '', text: prompt.trim(), pT: 1, visits: paths.length, children: [] };
  const first = lookup(table, root.text);
  const firstPT = await tempered(first, temperature);
  root.children = first.map((c, i) => ({ token: c.token, text: joinTokens(root.text, [c.token]), pT: firstPT[i]!, visits: 0, children: [] }));
  for (const path of paths) {
    let node = root;
    for (const step of path.steps) {
      let child = node.children.find((c) => c.token === step.token);
      if (!child) {
        child = { token: step.token, text: joinTokens(node.text, [step.token]), pT: step.pT, visits: 0, children: [] };
        node.children.push(child);
      }
      child.visits++;
      node = child;
    }
  }
  return root;
}
