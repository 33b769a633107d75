import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, smallestText, tensorCount, type Harness } from './harness';

interface Point { step: number; heldOut: number; answer: number | null }

describe('<finetune-shift>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens on the recorded default run: the base model cannot answer, the tuned one can, and names are forgotten (also in print)', async () => {
    h.consoleErrors.length = 0;
    const seen: unknown[] = [];
    for (const query of ['', '?print']) {
      const started = Date.now();
      const page = await h.mount('<finetune-shift id="f"></finetune-shift>', { query });
      const d = demoHandle(page, '#f');
      await d.ready(120_000);
      const seconds = (Date.now() - started) / 1000;
      expect(await d.prop('source')).toBe('recorded');
      const history = await d.prop<Point[]>('history');
      expect(history.at(-1)!.step).toBe(2400);
      expect(history[0]!.heldOut).toBeGreaterThan(3.2); // ln 28 = 3.33 before any training
      const pretrained = await d.prop<number>('pretrained');
      expect(pretrained).toBeLessThan(2.5);
      expect(await d.prop('baseAccuracy')).toBeLessThan(0.05);
      expect(await d.prop('tunedAccuracy')).toBeGreaterThan(0.8);
      expect(await d.prop<number>('forgetting')).toBeGreaterThan(0.5);
      expect(await d.part('td.right').count()).toBeGreaterThanOrEqual(3); // after SFT most shown answers are right
      expect(await d.part('svg .series').count()).toBeGreaterThanOrEqual(2);
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(520);
      await h.screenshot(query ? 'finetune-shift-still' : 'finetune-shift', d.locator);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
      seen.push([await d.prop('base'), await d.prop('tuned'), pretrained, seconds]);
    }
    // Seeded: print shows the very run the screen shows.
    expect((seen[1] as unknown[]).slice(0, 3)).toEqual((seen[0] as unknown[]).slice(0, 3));
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  }, 300_000);

  it('is the run training with the defaults gives, step for step', async () => {
    const page = await h.mount('<finetune-shift id="f"></finetune-shift>');
    const d = demoHandle(page, '#f');
    await d.ready();
    const recorded = await d.prop<Point[]>('history');
    const shown = [await d.prop('base'), await d.prop('tuned'), await d.prop('tunedAccuracy')];
    expect(await d.call<number>('train', 2400)).toBe(2400);
    expect(await d.prop('source')).toBe('live');
    const retrained = await d.prop<Point[]>('history');
    expect(retrained.map((p) => p.step)).toEqual(recorded.map((p) => p.step));
    retrained.forEach((p, i) => {
      expect(p.heldOut).toBeCloseTo(recorded[i]!.heldOut, 3);
      if (p.answer !== null) expect(p.answer).toBeCloseTo(recorded[i]!.answer!, 3);
    });
    expect([await d.prop('base'), await d.prop('tuned'), await d.prop('tunedAccuracy')]).toEqual(shown);
  }, 300_000);

  it('forgets less with names mixed into the fine-tuning batches (trained at start-up in print)', async () => {
    const page = await h.mount('<finetune-shift id="f" replay="0.5"></finetune-shift>', { query: '?print' });
    const d = demoHandle(page, '#f');
    await d.ready(120_000);
    expect(await d.prop('source')).toBe('trained');
    expect(await d.prop<number>('forgetting')).toBeLessThan(0.3);
    expect(await d.prop('tunedAccuracy')).toBeGreaterThan(0.4);
  }, 200_000);

  it('with other attributes trains live from step 0 on screen, through the switch to SFT, and frees every tensor when removed', async () => {
    const page = await h.mount('<div id="host"></div>');
    const baseline = await tensorCount(page);
    await page.evaluate(() => {
      document.querySelector('#host')!.innerHTML = '<finetune-shift id="f" pretrain-steps="1000" finetune-steps="100"></finetune-shift>';
    });
    const d = demoHandle(page, '#f');
    await d.ready(120_000);
    expect(await d.prop('source')).toBe('live');
    await page.waitForFunction(() => (document.querySelector('#f') as any).history.at(-1).step > 0, undefined, { timeout: 60_000 });
    const start = await d.call<number>('train', 1); // pauses the live run after its frame in progress
    expect(start).toBeLessThan(900);
    expect(await d.call<number>('train', 950 - start)).toBe(950);
    expect(await d.prop('base')).toBeNull();
    const during = await tensorCount(page);
    expect(await d.call<number>('train', 100)).toBe(1050);
    expect(await tensorCount(page)).toBe(during);
    expect(await d.prop('base')).not.toBeNull(); // recorded when pretraining ended
    expect((await d.prop<string[]>('tuned'))!.length).toBe((await d.prop<string[]>('base'))!.length);
    await d.part('button.live').click();
    await page.waitForFunction(() => (document.querySelector('#f') as any).history.at(-1).step >= 100, undefined, { timeout: 60_000 });
    await d.call('reset');
    expect(await d.prop('source')).toBe('live'); // not the recorded attributes: the screen trains it live
    await page.evaluate(() => document.querySelector('#f')!.remove());
    expect(await tensorCount(page)).toBe(baseline);
  }, 200_000);

  it.each([
    { attrs: 'pretrain-steps="5"', attribute: 'pretrain-steps' },
    { attrs: 'finetune-steps="many"', attribute: 'finetune-steps' },
    { attrs: 'replay="2"', attribute: 'replay' },
    { attrs: 'prompts="jo, emma"', attribute: 'prompts' },
    { attrs: 'prompts="<b>x</b>"', attribute: 'prompts' },
  ])('explains $attrs inside the box and still trains a run', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const small = attribute.endsWith('steps') ? '' : 'pretrain-steps="200" finetune-steps="50"';
    const page = await h.mount(`<finetune-shift id="bad" ${attrs} ${small}></finetune-shift>`);
    const d = demoHandle(page, '#bad');
    await d.ready(120_000);
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect((await d.prop<Point[]>('history')).length).toBeGreaterThan(1);
    expect(h.consoleErrors).toEqual([]);
  }, 200_000);
});
