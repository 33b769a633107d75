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

/**
 * A second built-in table, for "I love to eat": the first step is the
 * distribution of the Next Token Prediction deck's temperature, top-k and
 * top-p slides (0.40, 0.30, 0.10, 0.08, 0.07, 0.05) and its sampling-tree
 * diagram (pizza → tonight 0.35 / with 0.25, pasta → again 0.30 / now 0.20,
 * shoes → end 0.30 / today 0.10). Also ILLUSTRATIVE, written by hand.
 */
export const EAT_PROMPT = 'I love to eat';

export const EAT_TABLE: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'I love to eat': { pizza: 0.4, pasta: 0.3, shoes: 0.1, clouds: 0.08, dreams: 0.07, hope: 0.05 },
  pizza: { tonight: 0.35, with: 0.25, '.': 0.25, again: 0.15 },
  pasta: { again: 0.3, now: 0.2, '.': 0.35, tonight: 0.15 },
  shoes: { '.': 0.3, today: 0.1, '!': 0.6 },
  clouds: { '.': 0.6, and: 0.4 },
  dreams: { '.': 0.7, and: 0.3 },
  hope: { '.': 0.8, '!': 0.2 },
  tonight: { '.': 0.7, '!': 0.3 },
  with: { friends: 0.45, cheese: 0.35, you: 0.2 },
  again: { '.': 0.6, tonight: 0.4 },
  now: { '.': 0.8, '!': 0.2 },
  today: { '.': 0.9, '!': 0.1 },
  and: { rainbows: 0.5, sunshine: 0.5 },
  friends: { '.': 1 },
  cheese: { '.': 1 },
  you: { '.': 1 },
  rainbows: { '.': 1 },
  sunshine: { '.': 1 },
};

/** Built-in tables by the prompt they start from: without a `table` attribute the element takes the one for its prompt. */
export const BUILT_IN_TABLES: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>> = {
  [DEFAULT_PROMPT]: DEFAULT_TABLE,
  [EAT_PROMPT]: EAT_TABLE,
};
