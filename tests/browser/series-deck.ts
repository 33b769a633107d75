/**
 * What every act deck of The Field Rhymes is checked for, written once: the
 * chapters each open on a `chapter` title slide and run the five beats in
 * order (puzzle, attempt, trick, math, nobody mentions) before the next
 * chapter or the closing `lead` slide; and the speaker notes of a demo's
 * slide, read from the Markdown source, so a deck test can compare the
 * numbers they quote with the numbers the demo shows.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { demoHandle, goToSlide } from './harness';

type DemoHandle = ReturnType<typeof demoHandle>;

export const BEATS = ['beat-puzzle', 'beat-attempt', 'beat-trick', 'beat-math', 'beat-nobody'] as const;

export interface SlideInfo {
  classes: string[];
  /** Custom elements on the slide (MathJax's own excluded), in document order. */
  tags: string[];
  /** `mode` attributes of the slide's <policy-bandit> elements. */
  modes: (string | null)[];
}

/** Every slide's classes and demo tags, in order. */
export async function seriesSlides(page: Page): Promise<SlideInfo[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('svg.bespoke-marp-slide section')].map((s) => ({
      classes: s.className.split(/\s+/),
      tags: [...s.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()).filter((t) => t.includes('-') && !t.startsWith('mjx-')),
      modes: [...s.querySelectorAll('policy-bandit')].map((e) => e.getAttribute('mode')),
    })),
  );
}

export interface Chapter {
  number: number;
  /** Index of the chapter's title slide. */
  start: number;
  /** Index of the next chapter's title slide, or of the closing slide. */
  end: number;
}

/** The chapters, numbered from `first`, as runs of slides between title slides. */
export function chaptersOf(slides: readonly SlideInfo[], first: number): Chapter[] {
  const starts = slides.flatMap((s, i) => (s.classes.includes('chapter') ? [i] : []));
  return starts.map((start, k) => ({
    number: first + k,
    start,
    end: starts[k + 1] ?? slides.findIndex((s, i) => i > start && s.classes.includes('lead')),
  }));
}

/**
 * Expects `count` chapters from `first`, each running the five beats in
 * order and ending on "nobody mentions", with `slides` content slides (a
 * [min, max] range) when given.
 */
export function expectFiveBeats(all: readonly SlideInfo[], first: number, count: number, slides?: [number, number]): Chapter[] {
  const chapters = chaptersOf(all, first);
  expect(chapters).toHaveLength(count);
  for (const { number, start, end } of chapters) {
    expect(end, `chapter ${number} ends before the closing slide`).toBeGreaterThan(start);
    const beats = all.slice(start + 1, end).map((s) => BEATS.findIndex((b) => s.classes.includes(b)));
    expect(beats.every((b) => b >= 0), `chapter ${number}: every slide has a beat`).toBe(true);
    expect([...new Set(beats)], `chapter ${number}: each beat once or more`).toEqual([0, 1, 2, 3, 4]);
    expect(beats, `chapter ${number}: beats in order`).toEqual([...beats].sort((a, b) => a - b));
    if (slides) {
      expect(end - start - 1, `chapter ${number}: slides`).toBeGreaterThanOrEqual(slides[0]);
      expect(end - start - 1, `chapter ${number}: slides`).toBeLessThanOrEqual(slides[1]);
    }
  }
  return chapters;
}

/** The chapter (by number) a slide index falls in. */
export const chapterAt = (chapters: readonly Chapter[], index: number): number | undefined =>
  chapters.find((c) => index > c.start && index < c.end)?.number;

/** A deck's slides as Markdown (front matter dropped), in order. */
export function sourceSlides(deck: string): string[] {
  const body = readFileSync(path.resolve('slides', `${deck}.md`), 'utf8').replace(/^---\n[\s\S]*?\n---\n/, '');
  return body.split(/\n---\n/);
}

/** A slide's speaker notes: its HTML comments that are not Marp directives. */
export const notesOf = (slide: string): string =>
  [...slide.matchAll(/<!--([\s\S]*?)-->/g)].map((m) => m[1]!.trim()).filter((c) => !/^_?[a-z]+:/.test(c)).join('\n');

/** The speaker notes of the slide of `deck` whose Markdown contains `needle` (e.g. `id="sft"` or `<scaling-sweep`). */
export function notesWith(deck: string, needle: string): string {
  const slide = sourceSlides(deck).find((s) => s.includes(needle));
  if (!slide) throw new Error(`no slide of ${deck} contains ${needle}`);
  return notesOf(slide);
}

/** Goes to the slide holding `#id` and waits for that demo to be ready; returns its handle. */
export async function showDemo(page: Page, id: string, timeout = 90_000): Promise<DemoHandle> {
  const n = await page.evaluate((sel) => [...document.querySelectorAll('svg.bespoke-marp-slide')].findIndex((s) => s.querySelector(sel)) + 1, `#${id}`);
  expect(n, `a slide holds #${id}`).toBeGreaterThan(0);
  await goToSlide(page, n);
  const d = demoHandle(page, `#${id}`);
  await d.ready(timeout);
  return d;
}
