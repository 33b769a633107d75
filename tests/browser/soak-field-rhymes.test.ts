import { soakSuite } from './soak-run';

// The act decks of The Field Rhymes (slides/field-rhymes/*.md).
soakSuite('field-rhymes', (deck) => deck.name.startsWith('field-rhymes/'));
