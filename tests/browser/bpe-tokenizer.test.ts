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
