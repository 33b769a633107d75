import { soakSuite } from './soak-run';

// The stand-alone lecture decks (slides/*.md).
soakSuite('lectures', (deck) => !deck.name.includes('/'));
