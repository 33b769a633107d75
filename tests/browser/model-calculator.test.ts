import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoHandle, openBrowser, tensorCount, type Harness, smallestText } from './harness';

/** A slide-sized box at 1280×720: the width a full-width demo gets in a deck. */
const box = (inner: string) => `<div id="slide" style="width:1180px;outline:1px dashed #bbb">${inner}</div>`;

/** The readout table as {row header: value cell text}. */
async function table(page: Page, selector: string): Promise<Record<string, string>> {
  return page.evaluate((sel) => {
    const rows = [...document.querySelector(sel)!.shadowRoot!.querySelectorAll('tr')];
    return Object.fromEntries(rows.map((r) => [r.querySelector('th')!.textContent!.trim(), r.querySelector('td.value')!.textContent!.replace(/\s+/g, ' ').trim()]));
  }, selector);
}

describe('<model-calculator>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('shows GPT-3 175B by default: 174.6 B against the published 175 B, a 12·d² block, 3.14 × 10²³ FLOPs', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount(box('<model-calculator id="calc"></model-calculator>'));
    const d = demoHandle(page, '#calc');
    await d.ready();
    expect(await d.prop('currentPreset')).toBe('gpt3-175b');
    const t = await table(page, '#calc');
    expect(t['parameters N']).toBe('174.6 B');
    expect(t['one block']).toBe('12.00·d² = 1.81 B');
    expect(t['FLOPs per token']).toBe('3.49 × 10¹¹ · 1.05 × 10¹²');
    expect(t['training compute']).toBe('3.14 × 10²³ FLOPs');
    expect(t.weights).toBe('349 GB');
    expect(t['KV cache']).toBe('4.72 MB / token · 9.66 GB');
    const text = (await d.part('table').textContent())!.replace(/\s+/g, ' ');
    expect(text).toContain('published 175 B (Brown et al. 2020, Table 2.1)');
    expect(text).toContain('attention 4.00·d² + FFN 8.00·d²');
    expect(text).toContain('D = 300 B tokens');
    const legend = (await d.part('.legend').textContent())!.replace(/\s+/g, ' ');
    expect(legend).toContain('attention 58.0 B (33 %)');
    expect(legend).toContain('FFN 116.0 B (66 %)');
    expect(await d.part('svg rect.part').count()).toBe(4);
    const small = await smallestText(page.locator('#calc'));
    expect(small.px, `"${small.text}"`).toBeGreaterThanOrEqual(16);
    const height = await page.locator('#calc').evaluate((n) => n.getBoundingClientRect().height);
    expect(height).toBeLessThan(560);
    await h.screenshot('model-calculator', page.locator('#slide'));
    expect(await tensorCount(page)).toBe(0); // arithmetic only: no tensors at all
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('switches preset by button: Llama-3 70B gives 70.6 B, a 12.75·d² block with GQA (attention 2.25·d²) and a 327,680-byte KV cache per token', async () => {
    const page = await h.mount(box('<model-calculator id="calc"></model-calculator>'));
    const d = demoHandle(page, '#calc');
    await d.ready();
    await d.part('button:has-text("Llama-3 70B")').click();
    await expect.poll(() => d.prop('currentPreset')).toBe('llama3-70b');
    const t = await table(page, '#calc');
    expect(t['parameters N']).toBe('70.6 B');
    expect(t['one block']).toBe('12.75·d² = 855.6 M');
    expect(t['KV cache']).toBe('328 KB / token · 2.68 GB');
    const text = (await d.part('table').textContent())!.replace(/\s+/g, ' ');
    expect(text).toContain('attention 2.25·d² + FFN 10.50·d²');
    expect(text).toContain('= 327,680 B');
    expect(await d.part('button[aria-pressed="true"]:has-text("Llama-3 70B")').count()).toBe(1);
    await h.screenshot('model-calculator-llama3-70b', page.locator('#slide'));

    await d.part('button:has-text("Mixtral")').click();
    await expect.poll(() => d.prop('currentPreset')).toBe('mixtral-8x7b');
    expect((await table(page, '#calc'))['parameters N']).toBe('46.7 B · 12.9 B active');

    await d.part('button:has-text("GPT-2 small")').click();
    await expect.poll(() => d.prop('currentPreset')).toBe('gpt2-small');
    const costs = await d.prop<{ params: { total: number } }>('costs');
    expect(costs.params.total).toBe(124_439_808);
    const legend = (await d.part('.legend').textContent())!.replace(/\s+/g, ' ');
    expect(legend).toContain('embeddings 39.4 M (32 %)');
  });

  it('edits live: kv-heads 64 → 8 divides the cache by 8; a kv-heads that does not divide heads is refused with a note', async () => {
    const page = await h.mount(box('<model-calculator id="calc" preset="llama3-70b" kv-heads="64"></model-calculator>'));
    const d = demoHandle(page, '#calc');
    await d.ready();
    const mha = await d.prop<{ kvBytesPerTokenPerDirection: number; kvBytesContext: number }>('costs');
    expect(mha.kvBytesPerTokenPerDirection).toBe(1_310_720); // the book's figure
    expect((await table(page, '#calc'))['KV cache']).toBe('2.62 MB / token · 21.5 GB');
    await page.evaluate(() => {
      (window as any).__keys = 0;
      document.addEventListener('keydown', () => (window as any).__keys++);
    });
    const field = d.part('input[aria-label="kv-heads"]');
    await field.fill('8');
    await expect.poll(async () => (await d.prop<{ kvHeads: number }>('config')).kvHeads).toBe(8);
    expect((await d.prop<{ kvBytesPerToken: number }>('costs')).kvBytesPerToken).toBe(327_680);
    await field.fill('7');
    await expect.poll(() => d.part('.note').textContent()).toContain('kv-heads must be a whole number that divides heads (64)');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect((await d.prop<{ kvHeads: number }>('config')).kvHeads).toBe(8); // the last valid value stays
    // typing into a field (digits, arrows, backspace) never reaches the page's slide navigation
    await field.press('ArrowUp');
    await field.press('Backspace');
    expect(await page.evaluate(() => (window as any).__keys)).toBe(0);

    await d.part('select[aria-label="bytes per weight"]').selectOption('0.5');
    await expect.poll(async () => (await d.prop<{ bytes: number }>('config')).bytes).toBe(0.5);
    expect((await table(page, '#calc')).weights).toBe('35.3 GB');
  });

  it('mirrors another window: applySyncState takes the preset and the typed values', async () => {
    const page = await h.mount('<model-calculator id="calc"></model-calculator>');
    const d = demoHandle(page, '#calc');
    await d.ready();
    await d.part('button:has-text("Llama-3 8B")').click();
    await d.part('input[aria-label="kv-heads"]').fill('32');
    await expect.poll(async () => (await d.prop<{ kvHeads: number }>('config')).kvHeads).toBe(32);
    const state = await d.call('getSyncState');
    expect(state).toEqual({ preset: 'llama3-8b', edits: { kvHeads: 32 } });
    const page2 = await h.mount('<model-calculator id="calc"></model-calculator>');
    const d2 = demoHandle(page2, '#calc');
    await d2.ready();
    await d2.call('applySyncState', state);
    await expect.poll(() => d2.prop('currentPreset')).toBe('llama3-8b');
    expect((await d2.prop<{ kvHeads: number }>('config')).kvHeads).toBe(32);
    expect((await table(page2, '#calc'))['parameters N']).toBe('8.84 B');
  });

  it('takes its shape from attributes: ffn as a multiple, gated and tied flags, rows chosen with show', async () => {
    const page = await h.mount(box(`<model-calculator id="calc" d-model="1024" layers="24" heads="16" kv-heads="4" ffn="8/3x" gated vocab="32000" context="4096" tokens="1e12" show="params, block, decode, training-memory" presets="llama3-8b, llama3-70b"></model-calculator>`));
    const d = demoHandle(page, '#calc');
    await d.ready();
    const c = await d.prop<{ ffn: number; headDim: number; gated: boolean; tokens: number }>('config');
    expect(c.ffn).toBe(2731);
    expect(c.headDim).toBe(64);
    expect(c.gated).toBe(true);
    const t = await table(page, '#calc');
    expect(Object.keys(t)).toEqual(['parameters N', 'one block', 'decode floor', 'Adam training state']);
    expect(await d.part('.presets button').count()).toBe(2);
    expect((await d.part('table').textContent())!).toContain('edited: no published figure');
  });

  it.each([
    { attrs: 'preset="gpt5"', attribute: 'preset', expected: /one of "gpt1"/ },
    { attrs: 'layers="-3"', attribute: 'layers', expected: /whole number/ },
    { attrs: 'd-model="big"', attribute: 'd-model', expected: /whole number/ },
    { attrs: 'kv-heads="7"', attribute: 'kv-heads', expected: /divides heads \(96\)/ },
    { attrs: 'heads="7"', attribute: 'heads', expected: /divides d-model \(12288\)/ },
    { attrs: 'ffn="wide"', attribute: 'ffn', expected: /FFN hidden size/ },
    { attrs: 'bytes="0"', attribute: 'bytes', expected: /number from 0.125 to 8/ },
    { attrs: 'experts="8" active-experts="9"', attribute: 'active-experts', expected: /from 1 to experts \(8\)/ },
    { attrs: 'show="params, cost"', attribute: 'show', expected: /comma-separated rows/ },
    { attrs: 'tied="sometimes"', attribute: 'tied', expected: /true or false/ },
  ])('explains $attrs in the box and shows the preset instead', async ({ attrs, attribute, expected }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<model-calculator id="bad" ${attrs}></model-calculator>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(expected);
    expect(message).toMatch(/expected/);
    expect((await d.prop<{ params: { total: number } }>('costs')).params.total).toBeGreaterThan(1e8);
    expect(await d.part('table tr').count()).toBeGreaterThan(0);
    expect(h.consoleErrors).toEqual([]);
  });
});
