import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

describe('<embedding-arithmetic>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers king − man + woman ≈ queen, and Berlin − Germany + France ≈ Paris from the presets', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<embedding-arithmetic id="emb"></embedding-arithmetic>');
    const emb = demoHandle(page, '#emb');
    await emb.ready();
    expect(await emb.prop('analogy')).toEqual(['king', 'man', 'woman']);
    expect(await emb.prop('answer')).toBe('queen');
    const list = await emb.prop<{ word: string; cosine: number }[]>('neighbours');
    expect(list).toHaveLength(5);
    expect(list.map((n) => n.word)).not.toContain('king');
    for (let i = 1; i < list.length; i++) expect(list[i]!.cosine).toBeLessThanOrEqual(list[i - 1]!.cosine);
    expect(await emb.part('svg.scatter text').allTextContents()).toContain('princess');
    await h.screenshot('embedding-arithmetic', emb.locator);

    await emb.part('button:has-text("Berlin − Germany + France")').click();
    await page.waitForFunction(() => (document.querySelector('#emb') as any).answer === 'Paris');
    await emb.settled();
    expect(await emb.part('svg.scatter text').allTextContents()).toContain('Tokyo');
    await h.screenshot('embedding-arithmetic-paris', emb.locator);

    await emb.part('select[aria-label="word a"]').selectOption('Germany');
    await emb.part('select[aria-label="word b"]').selectOption('Berlin');
    await page.waitForFunction(() => JSON.stringify((document.querySelector('#emb') as any).analogy) === '["Germany","Berlin","France"]');
    expect(await emb.prop('answer')).not.toBe('Paris');
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('gives the same space for the same seed and frees its tensors when removed', async () => {
    const page = await h.mount(`<embedding-arithmetic id="one" seed="7" a="prince" b="boy" c="girl"></embedding-arithmetic>
      <embedding-arithmetic id="two" seed="7" a="prince" b="boy" c="girl"></embedding-arithmetic>`);
    const [one, two] = [demoHandle(page, '#one'), demoHandle(page, '#two')];
    await one.ready();
    await two.ready();
    expect(await one.prop('answer')).toBe('princess');
    expect(await one.prop('neighbours')).toEqual(await two.prop('neighbours'));
    const before = await tensorCount(page);
    await page.evaluate(() => document.querySelector('#one')!.remove());
    expect(await tensorCount(page)).toBeLessThan(before);
  });

  it.each([
    ['c="wizard"', /c="wizard" is not valid: expected a word of the vocabulary/],
    ['noise="lots"', /noise="lots" is not valid: expected a number from 0 to 0.5/],
  ])('explains %s inside the box and keeps working', async (attrs, message) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<embedding-arithmetic id="bad" ${attrs}></embedding-arithmetic>`);
    const bad = demoHandle(page, '#bad');
    await bad.ready();
    const text = await bad.locator.evaluate((n) => n.shadowRoot?.querySelector('.messages')?.textContent ?? '');
    expect(text).toMatch(message);
    expect(await bad.prop('answer')).toBe('queen');
    expect(h.consoleErrors).toEqual([]);
  });
});
