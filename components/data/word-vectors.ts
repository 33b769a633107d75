/**
 * A small, HAND-SET word-vector space for the analogy demo.
 *
 * Honest origin: these vectors were not learned from text. Each word gets a
 * value on a few interpretable axes (royalty, gender, youth, "is a capital",
 * which country, ...) chosen by hand, and the model adds seeded Gaussian noise
 * on top (models/embedding-arithmetic.ts) so that no two words are exact
 * copies and nearest-neighbour search has real competition. Real embeddings
 * (word2vec, GloVe, an LLM's input table) have hundreds of learned axes that
 * are NOT individually interpretable; this toy space makes the geometry of
 * analogies visible because its axes are.
 *
 * Magnitudes differ on purpose (gender ±1, royalty 1.2, youth 1) so the
 * principal components of a group come out in a stable order.
 */

/** Axis names, in vector order. */
export const AXES = [
  'royalty', 'gender (− male, + female)', 'youth', 'person',
  'place', 'capital city', 'France', 'Germany', 'Italy', 'Japan', 'Spain',
  'animal', 'size', 'domestic',
  'colour', 'warmth',
  'quality (− bad, + good)', 'comparative',
  'walk', 'swim', 'past tense', '-ing form',
] as const;

export type Axis = (typeof AXES)[number];

export interface WordEntry {
  word: string;
  /** Which cluster the word belongs to; the plot shows the clusters of the chosen words. */
  group: 'people' | 'places' | 'animals' | 'colours' | 'comparison' | 'verbs';
  /** Non-zero axes only; every other axis is 0. */
  features: Partial<Record<Axis, number>>;
}

const G = 'gender (− male, + female)';
const person = (royal: number, gender: number, young: number) => ({
  royalty: royal, [G]: gender, youth: young, person: 1,
});
const country = (name: Axis) => ({ place: 1, [name]: 1 });
const capital = (name: Axis) => ({ place: 1, 'capital city': 1, [name]: 1 });
const verb = (stem: Axis, form: '' | 'past tense' | '-ing form') => (form ? { [stem]: 1, [form]: 1 } : { [stem]: 1 });

export const WORD_ENTRIES: readonly WordEntry[] = [
  { word: 'king', group: 'people', features: person(1.2, -1, 0) },
  { word: 'queen', group: 'people', features: person(1.2, 1, 0) },
  { word: 'man', group: 'people', features: person(0, -1, 0) },
  { word: 'woman', group: 'people', features: person(0, 1, 0) },
  { word: 'prince', group: 'people', features: person(1.2, -1, 1) },
  { word: 'princess', group: 'people', features: person(1.2, 1, 1) },
  { word: 'boy', group: 'people', features: person(0, -1, 1) },
  { word: 'girl', group: 'people', features: person(0, 1, 1) },

  { word: 'France', group: 'places', features: country('France') },
  { word: 'Paris', group: 'places', features: capital('France') },
  { word: 'Germany', group: 'places', features: country('Germany') },
  { word: 'Berlin', group: 'places', features: capital('Germany') },
  { word: 'Italy', group: 'places', features: country('Italy') },
  { word: 'Rome', group: 'places', features: capital('Italy') },
  { word: 'Japan', group: 'places', features: country('Japan') },
  { word: 'Tokyo', group: 'places', features: capital('Japan') },
  { word: 'Spain', group: 'places', features: country('Spain') },
  { word: 'Madrid', group: 'places', features: capital('Spain') },

  { word: 'dog', group: 'animals', features: { animal: 1, size: 0.5, domestic: 1 } },
  { word: 'cat', group: 'animals', features: { animal: 1, size: 0.3, domestic: 1.1 } },
  { word: 'horse', group: 'animals', features: { animal: 1, size: 1.2, domestic: 0.6 } },
  { word: 'tiger', group: 'animals', features: { animal: 1, size: 1, domestic: -0.6 } },

  { word: 'red', group: 'colours', features: { colour: 1, warmth: 1 } },
  { word: 'orange', group: 'colours', features: { colour: 1, warmth: 0.7 } },
  { word: 'green', group: 'colours', features: { colour: 1, warmth: -0.3 } },
  { word: 'blue', group: 'colours', features: { colour: 1, warmth: -1 } },

  { word: 'good', group: 'comparison', features: { 'quality (− bad, + good)': 1 } },
  { word: 'better', group: 'comparison', features: { 'quality (− bad, + good)': 1, comparative: 1 } },
  { word: 'bad', group: 'comparison', features: { 'quality (− bad, + good)': -1 } },
  { word: 'worse', group: 'comparison', features: { 'quality (− bad, + good)': -1, comparative: 1 } },

  { word: 'walk', group: 'verbs', features: verb('walk', '') },
  { word: 'walked', group: 'verbs', features: verb('walk', 'past tense') },
  { word: 'walking', group: 'verbs', features: verb('walk', '-ing form') },
  { word: 'swim', group: 'verbs', features: verb('swim', '') },
  { word: 'swam', group: 'verbs', features: verb('swim', 'past tense') },
  { word: 'swimming', group: 'verbs', features: verb('swim', '-ing form') },
];

/** Analogies the space is built to answer (a − b + c ≈ expected); the demo offers them as presets. */
export const ANALOGIES: readonly { a: string; b: string; c: string; expected: string }[] = [
  { a: 'king', b: 'man', c: 'woman', expected: 'queen' },
  { a: 'Berlin', b: 'Germany', c: 'France', expected: 'Paris' },
  { a: 'Paris', b: 'France', c: 'Japan', expected: 'Tokyo' },
  { a: 'prince', b: 'boy', c: 'girl', expected: 'princess' },
  { a: 'better', b: 'good', c: 'bad', expected: 'worse' },
  { a: 'walked', b: 'walking', c: 'swimming', expected: 'swam' },
];
