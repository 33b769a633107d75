import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, type Harness } from './harness';

describe('<bpe-tokenizer>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('steps through the classic merges e+s, es+t, est+</w> and tokenises "lowest"', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<bpe-tokenizer id="bpe" corpus="classic" text="lowest newer"></bpe-tokenizer>');
    const bpe = demoHandle(page, '#bpe');
    await bpe.ready();
    expect(await bpe.prop('mergeCount')).toBe(0);
    expect(await bpe.prop('vocabSize')).toBe(257);
    await bpe.part('button:has-text("merge once")').click();
    expect(await bpe.prop('lastMerge')).toEqual({ left: 'e', right: 's', token: 'es', count: 9 });
    await bpe.part('button:has-text("merge once")').click();
    await bpe.part('button:has-text("merge once")').click();
    expect(await bpe.prop('lastMerge')).toEqual({ left: 'est', right: '</w>', token: 'est</w>', count: 9 });
    expect(await bpe.prop('corpusTokens')).toBe(95 - 27);
    await h.screenshot('bpe-tokenizer-classic', bpe.locator);
    await bpe.part('button:has-text("all")').click();
    expect(await bpe.prop('mergeCount')).toBe(15);
    expect(await bpe.prop('tokens')).toEqual(['low', 'est</w>', 'new', 'e', 'r', '</w>']);
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('shows the quirks: a non-Latin greeting costs one token per byte, English far fewer', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<bpe-tokenizer id="bpe" merges="400" quirk="scripts"></bpe-tokenizer>');
    const bpe = demoHandle(page, '#bpe');
    await bpe.ready();
    const rows = await bpe.prop<{ text: string; label: string; tokens: string[] }[]>('quirkRows');
    const hello = rows.find((r) => r.label === 'English')!;
    const hindi = rows.find((r) => r.label === 'Hindi')!;
    expect(hindi.tokens).toHaveLength(new TextEncoder().encode('नमस्ते').length);
    expect(hindi.tokens.length).toBeGreaterThan(3 * hello.tokens.length);
    await h.screenshot('bpe-tokenizer-scripts', bpe.locator);

    await bpe.part('button:has-text("A word split across tokens")').click();
    const split = (await bpe.prop<{ text: string; label: string; tokens: string[] }[]>('quirkRows'))[0]!;
    expect(split.text).toBe(' strawberry');
    expect(split.tokens.length).toBeGreaterThan(1);

    const input = bpe.part('input[aria-label="text to tokenise"]');
    await input.fill('the garden');
    expect(await bpe.prop('tokens')).toEqual(['the', ' garden']);
    await h.screenshot('bpe-tokenizer-split', bpe.locator);
    expect(h.consoleErrors).toEqual([]);
  });

  it.each([
    ['corpus="shakespeare"', /corpus="shakespeare" is not valid: expected one of "lecture-en", "classic"/],
    ['merges="-3"', /merges="-3" is not valid: expected a whole number at least 0/],
    ['quirk="emoji"', /quirk="emoji" is not valid/],
  ])('explains %s inside the box and keeps working', async (attrs, message) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<bpe-tokenizer id="bad" ${attrs}></bpe-tokenizer>`);
    const bad = demoHandle(page, '#bad');
    await bad.ready();
    expect(await bad.messages()).toMatch(message);
    expect((await bad.prop<string[]>('tokens')).length).toBeGreaterThan(0);
    expect(h.consoleErrors).toEqual([]);
  });
});

describe('<bpe-tokenizer compare="lecture-id">: English against Indonesian', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  interface Row { label: string; text: string; words: number; tokens: [number, number]; perWord: [number, number]; pieces: [string[], string[]] }

  /** The same numbers from the model in Node: both corpora, 300 merges each, the held-out sentences. */
  const reference = async (merges: number) => {
    const { BpeTrainer, tokensPerWord } = await import('../../components/models/bpe');
    const { BPE_CORPORA, BPE_SAMPLE_TEXTS } = await import('../../components/data/bpe-corpora');
    const tok = (c: string) => { const t = new BpeTrainer(BPE_CORPORA[c]!); t.train(merges); return t.tokenizer(); };
    const [en, id] = [tok('lecture-en'), tok('lecture-id')];
    return ['lecture-en', 'lecture-id'].map((c) => [tokensPerWord(en, BPE_SAMPLE_TEXTS[c]!), tokensPerWord(id, BPE_SAMPLE_TEXTS[c]!)]);
  };

  it('shows tokens per word of an English and an Indonesian sentence under tokenizers trained on each', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<bpe-tokenizer id="cmp" compare="lecture-id"></bpe-tokenizer>');
    const cmp = demoHandle(page, '#cmp');
    await cmp.ready();
    const c = await cmp.prop<{ corpora: string[]; merges: number[]; rows: Row[] }>('comparison');
    expect(c.corpora).toEqual(['English', 'Indonesian']);
    expect(c.merges).toEqual([300, 300]);
    const ref = await reference(300);
    c.rows.forEach((r, i) => {
      expect(r.tokens).toEqual([ref[i]![0]!.tokens, ref[i]![1]!.tokens]);
      expect(r.words).toBe(ref[i]![0]!.words);
    });
    // Each language is cheaper under its own tokenizer.
    expect(c.rows[0]!.perWord[0]).toBeLessThan(c.rows[0]!.perWord[1]);
    expect(c.rows[1]!.perWord[1]).toBeLessThan(c.rows[1]!.perWord[0]);
    // The table shows the same numbers.
    const shown = await cmp.part('.tpw.big').allTextContents();
    expect(shown).toEqual(c.rows.flatMap((r) => r.perWord.map((v) => v.toFixed(2))));
    await h.screenshot('bpe-tokenizer-compare', cmp.locator);
    const box = (await cmp.locator.boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(1180);
    expect(box.height).toBeLessThanOrEqual(520);

    // The merges slider retrains both; at 0 merges every token is a byte.
    await cmp.part('input[aria-label="merges per tokenizer"]').evaluate((el: HTMLInputElement) => {
      el.value = '0';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const zero = await cmp.prop<{ merges: number[]; rows: Row[] }>('comparison');
    expect(zero.merges).toEqual([0, 0]);
    for (const r of zero.rows) expect(r.tokens).toEqual([new TextEncoder().encode(r.text).length, new TextEncoder().encode(r.text).length]);

    // Typing a new Indonesian sentence re-tokenises it under both.
    // (the deck's speaker notes quote these counts, at 300 merges)
    await cmp.part('input[aria-label="merges per tokenizer"]').evaluate((el: HTMLInputElement) => {
      el.value = '300';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await cmp.part('input[aria-label="Indonesian text to tokenise"]').fill('Di Jalan Merdeka');
    const typed = await cmp.prop<{ rows: Row[] }>('comparison');
    expect(typed.rows[1]!.text).toBe('Di Jalan Merdeka');
    expect(typed.rows[1]!.words).toBe(3);
    expect(typed.rows[1]!.tokens).toEqual([13, 3]);
    expect(typed.rows[1]!.pieces[1]).toEqual(['Di', ' Jalan', ' Merdeka']);
    expect(h.consoleErrors).toEqual([]);
  });

  it('trains the step-by-step view on Indonesian with corpus="lecture-id"', async () => {
    const page = await h.mount('<bpe-tokenizer id="id" corpus="lecture-id" merges="5"></bpe-tokenizer>');
    const id = demoHandle(page, '#id');
    await id.ready();
    expect(await id.prop('mergeCount')).toBe(5);
    expect((await id.prop<{ token: string }>('lastMerge')).token).toBe('en');
  });

  it('explains compare="klingon" inside the box', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<bpe-tokenizer id="bad" compare="klingon"></bpe-tokenizer>');
    const bad = demoHandle(page, '#bad');
    await bad.ready();
    expect(await bad.messages()).toMatch(/compare="klingon" is not valid: expected one of "none", "lecture-en"/);
    expect(await bad.prop('comparison')).toBeNull();
    expect(h.consoleErrors).toEqual([]);
  });
});
