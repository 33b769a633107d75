/**
 * Hostile attributes: every element of components/allowlist.json, every
 * attribute it declares there, fed seeded bad values (empty, whitespace,
 * random Unicode, HTML and script text, NaN, Infinity, -1, 1e308, huge
 * integers, 1 MB of text, ragged matrices, wrong separators, JSON junk).
 *
 * Each case must end within 5 s either drawn (data-ready, a box that is not
 * blank, no failure message) or with a message in the box that names the
 * attribute; never an uncaught exception, a hang or a blank box; no markup in
 * a value ever runs. One page per element, one browser: the first cases of an
 * attribute mount fresh elements with the value (as Markdown does), the
 * following ones set the attribute on those elements while they are live. A failure prints the case: replay it with
 * FUZZ_SEED=<seed> FUZZ_ONLY=<tag>[:<attribute>].
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, tensorCount, type Harness } from './harness';

const SEED = Number(process.env.FUZZ_SEED ?? 13);
const CASES = Number(process.env.FUZZ_CASES ?? 20);
/** Elements side by side on the page: the first CHUNK cases of an attribute mount them, the others are set on them live. */
const CHUNK = Number(process.env.FUZZ_CHUNK ?? 7);
const DEADLINE_MS = Number(process.env.FUZZ_DEADLINE ?? 5000);
const [onlyTag, onlyAttr] = (process.env.FUZZ_ONLY ?? '').split(':');

const allowlist = JSON.parse(readFileSync(path.resolve('components/allowlist.json'), 'utf8')) as Record<string, string[]>;
const tags = Object.keys(allowlist).filter((t) => !onlyTag || t === onlyTag).sort();

/* ------------------------------ generator ------------------------------ */

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const MB = 1 << 20;
const SCRIPTS = [
  '<script>window.__fuzz = "script"</script>',
  '"><img src=x onerror="window.__fuzz = \'onerror\'">',
  '<svg onload="window.__fuzz = \'svg\'"></svg>',
  'javascript:window.__fuzz = "link"',
  '${window.__fuzz = "template"}',
  '</style><b>bold</b>',
];

function unicode(r: () => number, length: number): string {
  const pools = [
    [0x20, 0x7e], [0xa0, 0x24f], [0x370, 0x3ff], [0x590, 0x6ff], [0x300, 0x36f], [0x4e00, 0x4fff],
    [0x1f300, 0x1f64f], [0x200b, 0x200f], [0x2028, 0x202e], [0xfff0, 0xffff], [0xd800, 0xdfff],
  ];
  let s = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = pools[Math.floor(r() * pools.length)];
    s += String.fromCodePoint(lo + Math.floor(r() * (hi - lo + 1)));
  }
  return s;
}

/** Bad value number `i` for one attribute: the first cases walk every kind once, the rest are drawn at random. */
const KINDS: ((r: () => number) => string)[] = [
  () => '',
  (r) => [' ', '\t', '\n', '\u00a0', '\u3000'].slice(0, 1 + Math.floor(r() * 5)).join(''),
  (r) => unicode(r, 1 + Math.floor(r() * 40)),
  (r) => SCRIPTS[Math.floor(r() * SCRIPTS.length)],
  () => 'NaN',
  (r) => (r() < 0.5 ? 'Infinity' : '-Infinity'),
  () => '-1',
  (r) => (r() < 0.5 ? '1e308' : '-1e308'),
  (r) => ['9007199254740993', '99999999999', '2147483648', '1e21', '123456789012345678901234567890'][Math.floor(r() * 5)],
  (r) => (r() < 0.5 ? 'x'.repeat(MB) : '1, '.repeat(MB / 3)),
  (r) => ['1, 2; 3', '[[1, 2], [3]]', '1, 2; 3, 4, 5; 6', '[[1, 2], "a"]', '[[]]', ';;;'][Math.floor(r() * 6)],
  (r) => ['1; 2; 3', '1 2 3', '1|2|3', '1,,2', ',', '1.2.3', '0x10', '1,2,', '１，２'][Math.floor(r() * 9)],
  (r) => ['{"a": 1}', '[', 'null', 'undefined', 'true', '[1, [2]]', '{}', '__proto__'][Math.floor(r() * 8)],
  (r) => ['0', '-0', '1e-308', '0.0000001', '-2147483649', '3.5', '1e3', '+7'][Math.floor(r() * 8)],
];

function badValue(tag: string, attribute: string, i: number, seed = SEED): { seed: number; kind: number; value: string } {
  const caseSeed = hash(`${seed}:${tag}:${attribute}:${i}`);
  const r = mulberry32(caseSeed);
  const kind = i < KINDS.length ? i : Math.floor(r() * KINDS.length);
  return { seed: caseSeed, kind, value: KINDS[kind](r) };
}

const shown = (v: string) => (v.length > 60 ? `${JSON.stringify(v.slice(0, 60))}… (${v.length} chars)` : JSON.stringify(v));

/* ------------------------------ in the page ------------------------------ */

/** ms: until drawn or a message; blockedMs: how long the mount (or update) held the main thread before the first poll. */
interface Outcome { index: number; ok: boolean; ms: number; why: string; blockedMs: number }

/**
 * One round of cases in #stage. `fresh`: one new element per case, the
 * attribute set before it is attached (as Markdown does). Otherwise the
 * elements already there get the next values, one each, while live. Waits (at
 * most the deadline) until each is drawn or shows a message.
 */
async function runRound(args: { tag: string; attribute: string; cases: { index: number; value: string }[]; deadline: number; fresh: boolean }): Promise<Outcome[]> {
  const { tag, attribute, cases, deadline, fresh } = args;
  const stage = document.querySelector('#stage')!;
  const t0 = performance.now();
  let els: Element[];
  if (fresh) {
    stage.replaceChildren();
    els = cases.map((c) => {
      const el = document.createElement(tag);
      el.id = `case-${c.index}`;
      el.setAttribute(attribute, c.value);
      stage.append(el);
      return el;
    });
  } else {
    els = [...stage.children].slice(0, cases.length);
    els.forEach((el, k) => el.setAttribute(attribute, cases[k].value));
    // Let the update that reads the new value run (Lit updates in a microtask) before judging the state;
    // not updateComplete, which a demo that redraws while it trains keeps putting off.
    await new Promise((r) => setTimeout(r, 0));
  }
  const verdict = (el: Element): { done: boolean; ok: boolean; why: string } => {
    const root = el.shadowRoot;
    const messages = [...(root?.querySelectorAll('.messages li') ?? [])].map((n) => n.textContent ?? '');
    const failure = root?.querySelector('.failure')?.textContent ?? '';
    if (messages.some((m) => m.includes(attribute))) return { done: true, ok: true, why: 'message' };
    if (failure) {
      return failure.includes(attribute)
        ? { done: true, ok: true, why: 'failure naming the attribute' }
        : { done: true, ok: false, why: `failure box not naming ${attribute}: ${failure.slice(0, 200)}` };
    }
    if (!el.hasAttribute('data-ready')) return { done: false, ok: false, why: 'not ready' };
    const frame = root?.querySelector('.frame');
    const box = frame?.getBoundingClientRect();
    const blank = !frame || !box || box.height < 20 || ((frame.textContent ?? '').trim() === '' && !frame.querySelector('svg, canvas, img'));
    return blank ? { done: true, ok: false, why: 'blank box' } : { done: true, ok: true, why: 'drawn' };
  };
  return new Promise((resolve) => {
    const results = new Map<number, Outcome>();
    let blockedMs = -1;
    const poll = () => {
      const now = performance.now() - t0;
      if (blockedMs < 0) blockedMs = Math.round(now);
      els.forEach((el, k) => {
        if (results.has(k)) return;
        const v = verdict(el);
        // The poll itself may come late when the page is busy: that lateness is the case's.
        if (v.done) results.set(k, { index: cases[k].index, ok: v.ok && now <= deadline, ms: Math.round(now), why: now <= deadline ? v.why : `${v.why} only after ${Math.round(now)} ms`, blockedMs });
        else if (now > deadline) results.set(k, { index: cases[k].index, ok: false, ms: Math.round(now), why: `neither drawn nor a message after ${deadline} ms`, blockedMs });
      });
      if (results.size === els.length) resolve([...results.values()]);
      else setTimeout(poll, 25);
    };
    setTimeout(poll, 0);
  });
}

/* ------------------------------ the tests ------------------------------ */

describe('hostile attributes: every element, every declared attribute, seeded bad values', () => {
  let h: Harness;
  let page: Page;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('has elements to fuzz', () => {
    expect(tags.length, `FUZZ_ONLY=${process.env.FUZZ_ONLY} matches no element`).toBeGreaterThan(0);
  });

  it.each(tags)('<%s> ends every case drawn or with a message naming the attribute, within 5 s', async (tag) => {
    page = await h.mount('<div id="stage"></div>');
    h.consoleErrors.length = 0;
    const uncaught = () => h.consoleErrors.filter((e) => e.startsWith('uncaught'));
    let baseline = await tensorCount(page);
    const failures: string[] = [];
    const attributes = allowlist[tag].filter((a) => !onlyAttr || a === onlyAttr);
    let slowest = 0;
    // How long one element with no attribute takes to draw: heavy demos share the page with fewer cases.
    const [alone] = await page.evaluate(runRound, { tag, attribute: 'data-fuzz-probe', cases: [{ index: 0, value: '' }], deadline: 30_000, fresh: true });
    // A demo that holds the main thread while it builds (a second, say) is judged alone: side by side, each would wait for the others.
    let heavy = Math.max(alone.ms, 5 * alone.blockedMs);
    for (const attribute of attributes) {
      const cases = Array.from({ length: CASES }, (_, i) => ({ index: i, ...badValue(tag, attribute, i) }));
      // Round 0 mounts case 0 alone: how long one element takes to come up sets how many share the page
      // (a heavy demo builds its data on the main thread; several at once would be judged on their sum).
      // Then round r takes every rounds-th remaining case, so the fresh mounts of round 1 span the kinds of value.
      let rounds = 1;
      const rest = cases.slice(1);
      for (let round = 0; round <= rounds; round++) {
        const chunk = round === 0 ? cases.slice(0, 1) : rest.filter((_, i) => i % rounds === round - 1);
        const before = uncaught().length;
        const hung = new Promise<null>((resolve) => setTimeout(() => resolve(null), DEADLINE_MS + 30_000));
        const outcomes = await Promise.race([
          page.evaluate(runRound, { tag, attribute, cases: chunk.map(({ index, value }) => ({ index, value })), deadline: DEADLINE_MS, fresh: round <= 1 }),
          hung,
        ]);
        if (!outcomes) {
          failures.push(`<${tag} ${attribute}=…> cases ${chunk.map((c) => c.index).join(', ')}: the page hung (values ${chunk.map((c) => shown(c.value)).join(', ')}; FUZZ_SEED=${SEED} FUZZ_ONLY=${tag}:${attribute})`);
          page = await h.mount('<div id="stage"></div>');
          baseline = await tensorCount(page);
          break;
        }
        if (round === 0) {
          heavy = Math.max(heavy, outcomes[0].ms, 5 * outcomes[0].blockedMs);
          const side = heavy > DEADLINE_MS / 5 ? 1 : heavy > DEADLINE_MS / 15 ? 3 : CHUNK;
          rounds = Math.ceil(rest.length / side);
        }
        const ran = await page.evaluate(() => (window as any).__fuzz);
        for (const o of outcomes) {
          slowest = Math.max(slowest, o.ms);
          const c = cases[o.index];
          if (!o.ok) failures.push(`<${tag} ${attribute}=${shown(c.value)}>: ${o.why} (case ${o.index}, kind ${c.kind}, case seed ${c.seed}; replay FUZZ_SEED=${SEED} FUZZ_ONLY=${tag}:${attribute})`);
        }
        if (uncaught().length > before) failures.push(`<${tag} ${attribute}=…> cases ${chunk.map((c) => c.index).join(', ')}: ${uncaught().slice(before).join(' | ').slice(0, 300)} (FUZZ_SEED=${SEED} FUZZ_ONLY=${tag}:${attribute})`);
        if (ran !== undefined) failures.push(`<${tag} ${attribute}=…>: markup in a value ran (window.__fuzz = ${ran}) (FUZZ_SEED=${SEED})`);
      }
      await page.evaluate(() => document.querySelector('#stage')?.replaceChildren());
    }
    // Every hostile case gone: no tensor outlives it.
    await page.waitForTimeout(200);
    const after = await tensorCount(page);
    if (after > baseline) failures.push(`<${tag}>: ${after - baseline} tensors left after every case was removed`);
    console.log(`[fuzz] <${tag}>: ${attributes.length} attributes × ${CASES} cases, slowest ${slowest} ms (one alone: up to ${heavy} ms), ${failures.length} failures`);
    expect(failures).toEqual([]);
  }, 300_000);
});
