/**
 * The PDF export (scripts/pdf.mjs) on one deck: one page per slide, the demo
 * drawn inside its box on its page, a live-demo link, and the notes handout.
 * Pages are rasterised with poppler's pdftoppm and read as binary PPM.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distDir, openBrowser } from './harness';
// @ts-expect-error plain ESM build scripts without type declarations
import { exportPdfs, waitForDemos } from '../../scripts/pdf.mjs';

interface Export { deck: string; pdf: string; notes: string; pages: number; seconds: number }
interface Image { width: number; height: number; data: Buffer }
interface Box { x: number; y: number; width: number; height: number; slide: number }

/** A binary PPM (P6, maxval 255) as width, height and RGB bytes. */
function readPpm(file: string): Image {
  const buf = readFileSync(file);
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 4) {
    while (/\s/.test(String.fromCharCode(buf[i]))) i++;
    if (buf[i] === 0x23) { // a comment line
      while (buf[i] !== 0x0a) i++;
      continue;
    }
    let tok = '';
    while (!/\s/.test(String.fromCharCode(buf[i]))) tok += String.fromCharCode(buf[i++]);
    fields.push(tok);
  }
  i++; // the single whitespace after maxval
  const [magic, w, h, max] = fields;
  if (magic !== 'P6' || max !== '255') throw new Error(`${file}: not an 8-bit P6 PPM (${fields.join(' ')})`);
  const width = Number(w);
  const height = Number(h);
  return { width, height, data: buf.subarray(i, i + width * height * 3) };
}

function pdfPages(file: string): number {
  return Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
}

describe('PDF export', () => {
  let tmp: string;
  let result: Export;
  let demo: Box;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'pdf-test-'));
    [result] = (await exportPdfs({ outDir: distDir(), pdfDir: tmp, decks: ['temperature'], log: () => {} })) as Export[];
    // The demo's box in slide coordinates (1280×720), measured in print mode.
    const h = await openBrowser();
    try {
      const page = await h.open('temperature.html', { query: '?print' });
      await page.emulateMedia({ media: 'print' });
      await page.waitForSelector('softmax-temperature[data-ready]', { state: 'attached', timeout: 60_000 });
      demo = await page.evaluate(() => {
        const el = document.querySelector('softmax-temperature')!;
        const slides = [...document.querySelectorAll('svg[data-marpit-svg]')];
        const svg = slides.find((s) => s.contains(el))!;
        const s = svg.getBoundingClientRect();
        const r = el.getBoundingClientRect();
        const k = 1280 / s.width;
        return { x: (r.x - s.x) * k, y: (r.y - s.y) * k, width: r.width * k, height: r.height * k, slide: slides.indexOf(svg) + 1 };
      });
    } finally {
      await h.close();
    }
  }, 120_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('prints one 1280×720 page per slide, tagged', () => {
    expect(result.deck).toBe('temperature');
    expect(result.pages).toBe(7);
    expect(pdfPages(result.pdf)).toBe(7);
    const info = execFileSync('pdfinfo', [result.pdf], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+960 x 540 pts/);
    expect(info).toMatch(/Tagged:\s+yes/);
    // Bookmarks from every slide's headings (pdftohtml -xml lists the outline).
    const xml = execFileSync('pdftohtml', ['-xml', '-i', '-stdout', result.pdf], { encoding: 'utf8' });
    const items = [...xml.matchAll(/<item page="(\d+)">([^<]*)<\/item>/g)].map((m) => [Number(m[1]), m[2]]);
    expect(items).toContainEqual([6, 'Try it: drag the temperature']);
    expect(new Set(items.map(([p]) => p)).size).toBe(7);
  });

  it('draws the demo inside its box on its page', () => {
    expect(demo.slide).toBe(6);
    expect(demo.width).toBeGreaterThan(200);
    expect(demo.height).toBeGreaterThan(100);
    const prefix = path.join(tmp, 'page');
    execFileSync('pdftoppm', ['-r', '30', result.pdf, prefix]);
    const files = readdirSync(tmp).filter((f) => f.startsWith('page-') && f.endsWith('.ppm')).sort();
    expect(files).toHaveLength(7);
    const img = readPpm(path.join(tmp, files[demo.slide - 1]));
    expect(img.width / img.height).toBeCloseTo(16 / 9, 1);
    const k = img.width / 1280;
    const x0 = Math.floor(demo.x * k);
    const y0 = Math.floor(demo.y * k);
    const x1 = Math.min(img.width, Math.ceil((demo.x + demo.width) * k));
    const y1 = Math.min(img.height, Math.ceil((demo.y + demo.height) * k));
    let inked = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const o = (y * img.width + x) * 3;
        if (Math.min(img.data[o], img.data[o + 1], img.data[o + 2]) < 200) inked++;
      }
    }
    const share = inked / ((x1 - x0) * (y1 - y0));
    // Bars, axis, labels and controls: a blank (undrawn) demo would be ~0.
    expect(share).toBeGreaterThan(0.03);
  });

  it('links the demo to its live page', () => {
    const text = readFileSync(result.pdf).toString('latin1');
    const uris = [...text.matchAll(/\/URI \(([^)]*)\)/g)].map((m) => m[1]);
    expect(uris).toContain(`file://${distDir()}/demos/softmax-temperature.html#temperature-demo`);
    expect(uris.some((u) => u.includes('127.0.0.1'))).toBe(false);
  });

  it('names the slide and the demo that did not settle', async () => {
    const h = await openBrowser();
    try {
      const page = await h.open('temperature.html', { query: '?print' });
      await page.evaluate(() => {
        const stuck = document.createElement('stuck-demo');
        stuck.id = 'never';
        Object.assign(stuck, { ready: new Promise(() => {}) });
        document.querySelectorAll('svg[data-marpit-svg] section')[2].append(stuck);
      });
      await expect(waitForDemos(page, { timeoutMs: 1500, label: 'temperature' })).rejects.toThrow(/slide 3: <stuck-demo#never>/);
    } finally {
      await h.close();
    }
  });

  it('writes the notes handout, a page per slide with its notes', () => {
    expect(pdfPages(result.notes)).toBeGreaterThanOrEqual(7);
    const text = execFileSync('pdftotext', ['-layout', result.notes, '-'], { encoding: 'utf8' });
    expect(text).toContain('Opening line: every chatbot');
    expect(text).toContain('Click the slider');
  });
});
