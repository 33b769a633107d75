/**
 * Self-consistency (majority / plurality voting over sampled chains of thought).
 *
 * One sampled answer is right with probability p; the wrong probability 1 − p
 * is spread evenly over m distinct wrong answers (q = (1 − p)/m each). k
 * samples are drawn and the most common answer is returned. Ties are broken
 * uniformly at random among the tied answers, so a tie between the right
 * answer and t wrong ones counts 1/(t + 1).
 *
 * The exact probability sums the multinomial over every outcome
 * (c₀ right, c₁…c_m wrong). Outcomes are grouped by c₀ = r: the wrong counts
 * sum to n = k − r, and a small dynamic programme over the m wrong answers
 * accumulates ∏ 1/cᵢ! by (total so far, how many equal r), each cᵢ ≤ r.
 * Plain float64, no tensors.
 */

export interface VoteSetting {
  /** Chance that one sampled chain of thought is right, 0…1. */
  p: number;
  /** Number of distinct wrong answers (≥ 1), sharing 1 − p evenly. */
  wrong: number;
  /** Number of samples (≥ 1). */
  k: number;
}

const factorials: number[] = [1];
function factorial(n: number): number {
  for (let i = factorials.length; i <= n; i++) factorials.push(factorials[i - 1]! * i);
  return factorials[n]!;
}

/** C(n, r) as a float64. */
function choose(n: number, r: number): number {
  return factorial(n) / (factorial(r) * factorial(n - r));
}

/**
 * Exact P(the plurality of k samples is the right answer), ties broken
 * uniformly at random among the tied answers.
 */
export function pluralityRight({ p, wrong: m, k }: VoteSetting): number {
  if (!(p >= 0 && p <= 1) || !Number.isInteger(m) || m < 1 || !Number.isInteger(k) || k < 1) {
    throw new RangeError(`pluralityRight: need 0 ≤ p ≤ 1, integer m ≥ 1, k ≥ 1 (got p=${p}, m=${m}, k=${k})`);
  }
  let total = 0;
  for (let r = 1; r <= k; r++) {
    const n = k - r;
    // f[s][t]: sum over the wrong answers so far with total s, t of them at exactly r, of ∏ 1/cᵢ!.
    let f: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
    f[0]![0] = 1;
    for (let j = 0; j < m; j++) {
      const g: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
      for (let s = 0; s <= n; s++) {
        for (let t = 0; t <= j; t++) {
          const v = f[s]![t]!;
          if (v === 0) continue;
          for (let c = 0; c <= Math.min(r, n - s); c++) {
            g[s + c]![t + (c === r ? 1 : 0)]! += v / factorial(c);
          }
        }
      }
      f = g;
    }
    // Multinomial of the wrong counts: n!/∏cᵢ! × (1/m)^n; the tie weight 1/(t + 1).
    let wrongPart = 0;
    for (let t = 0; t <= m; t++) wrongPart += f[n]![t]! / (t + 1);
    wrongPart *= factorial(n) / m ** n;
    total += choose(k, r) * p ** r * (1 - p) ** n * wrongPart;
  }
  return Math.min(1, Math.max(0, total));
}

/** P(plurality right) for k = 1 … maxK at the given p and m. */
export function pluralityCurve(p: number, wrong: number, maxK: number): { k: number; exact: number }[] {
  return Array.from({ length: maxK }, (_, i) => ({ k: i + 1, exact: pluralityRight({ p, wrong, k: i + 1 }) }));
}

/** A source of uniform numbers in [0, 1) (the runtime's seeded Rng fits). */
export interface Uniform {
  next(): number;
}

export interface SimulatedVotes {
  /** One entry per trial: 1 = the plurality (after the tie-break) was right. */
  outcomes: number[];
  /** Share of trials won by the right answer. */
  share: number;
  /** Wilson 95 % confidence interval of that share. */
  low: number;
  high: number;
}

/** Wilson score interval at 95 % (z = 1.96) for `wins` of `n`. */
export function wilson(wins: number, n: number, z = 1.959963984540054): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const ph = wins / n;
  const z2 = z * z;
  const centre = (ph + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((ph * (1 - ph)) / n + z2 / (4 * n * n));
  return { low: wins === 0 ? 0 : Math.max(0, centre - half), high: wins === n ? 1 : Math.min(1, centre + half) };
}

/**
 * Draws `trials` votes of k samples each: a sample is right with chance p,
 * else one of the m wrong answers uniformly; the plurality wins, ties broken
 * uniformly among the tied answers.
 */
export function simulateVotes({ p, wrong: m, k }: VoteSetting, trials: number, rng: Uniform): SimulatedVotes {
  const outcomes: number[] = [];
  const counts = new Array<number>(m + 1);
  let wins = 0;
  for (let trial = 0; trial < trials; trial++) {
    counts.fill(0);
    for (let i = 0; i < k; i++) {
      if (rng.next() < p) counts[0]!++;
      else counts[1 + Math.min(m - 1, Math.floor(rng.next() * m))]!++;
    }
    const top = Math.max(...counts);
    const tied = counts.reduce((a, c) => a + (c === top ? 1 : 0), 0);
    let win = 0;
    if (counts[0] === top) win = tied === 1 || Math.floor(rng.next() * tied) === 0 ? 1 : 0;
    outcomes.push(win);
    wins += win;
  }
  const { low, high } = wilson(wins, trials);
  return { outcomes, share: trials ? wins / trials : 0, low, high };
}
