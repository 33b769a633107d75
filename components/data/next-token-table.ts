/**
 * The built-in next-token table of the sampling-tree demo: for the prompt
 * "The cat sat on the", what might come next, and after that, and so on.
 *
 * These numbers are ILLUSTRATIVE, written by hand for the lecture (a plausible
 * shape: one favourite, a few alternatives, a long tail). They are not read out
 * of a trained model. Keys are matched against the END of the text so far and
 * the longest matching key wins, so "and" covers every "... and" (a tiny
 * variable-order n-gram table with back-off).
 */
export const DEFAULT_PROMPT = 'The cat sat on the';

export const DEFAULT_TABLE: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'The cat sat on the': { mat: 0.45, floor: 0.25, sofa: 0.15, roof: 0.1, keyboard: 0.05 },
  mat: { '.': 0.5, and: 0.3, all: 0.2 },
  floor: { '.': 0.55, and: 0.3, again: 0.15 },
  sofa: { '.': 0.4, all: 0.35, and: 0.25 },
  roof: { '.': 0.6, again: 0.25, and: 0.15 },
  keyboard: { and: 0.6, '.': 0.4 },
  again: { '.': 0.8, and: 0.2 },
  and: { purred: 0.4, slept: 0.35, stared: 0.25 },
  'keyboard and': { typed: 0.7, slept: 0.3 },
  all: { day: 0.75, night: 0.25 },
  day: { '.': 0.7, long: 0.3 },
  night: { '.': 0.8, long: 0.2 },
  long: { '.': 1 },
  purred: { '.': 0.7, loudly: 0.3 },
  slept: { '.': 0.6, soundly: 0.4 },
  stared: { '.': 0.5, back: 0.5 },
  typed: { nonsense: 0.8, '.': 0.2 },
  loudly: { '.': 1 },
  soundly: { '.': 1 },
  back: { '.': 1 },
  nonsense: { '.': 1 },
};
