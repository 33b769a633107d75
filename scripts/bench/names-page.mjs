// Shared set-up of the benchmarks (bigram.mjs, mlp.mjs, attention.mjs): a
// served bundle with a blank page, one Chromium, and the makemore names as
// text (handed to the demos as their text content, so nothing is fetched).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundle } from '../bundle.mjs';
import { launchChromium } from '../chromium.mjs';
import { serveStatic } from '../static-server.mjs';

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<style>body{margin:20px;font:24px system-ui,sans-serif;width:1180px}</style>
<script defer src="assets/demos.js"></script></head><body></body></html>`;

export const MAKEMORE_PATH = path.resolve('../shared/data/makemore-names.txt');

export async function makemoreText() {
  return readFile(MAKEMORE_PATH, 'utf8');
}

/** Runs `work(open)` with a browser context and a served bundle (reusing the caller's if given). */
export async function withBench({ context, baseUrl } = {}, work) {
  const owned = [];
  try {
    if (!baseUrl) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-names-'));
      owned.push(() => rm(dir, { recursive: true, force: true }));
      await bundle(dir);
      await writeFile(path.join(dir, 'bench.html'), PAGE);
      const server = await serveStatic(dir);
      owned.push(() => server.close());
      baseUrl = server.url;
    }
    if (!context) {
      context = await launchChromium();
      const c = context;
      owned.push(() => c.close());
    }
    /** A fresh page on `backend` ('default' or a name), with the demos defined. */
    const open = async (backend) => {
      const page = await context.newPage();
      await page.goto(`${baseUrl}bench.html${backend === 'default' ? '' : `?backend=${backend}`}`);
      await page.waitForFunction(() => customElements.get('mlp-trainer') !== undefined);
      const name = await page.evaluate(async () => (await globalThis.__demoRuntime.initBackend()).name);
      return { page, name };
    };
    return await work(open);
  } finally {
    for (const close of owned.reverse()) await close();
  }
}

export function percentiles(samples, digits = 1) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, p50: +at(0.5).toFixed(digits), p95: +at(0.95).toFixed(digits), max: +s[s.length - 1].toFixed(digits) };
}

/**
 * Milliseconds the page takes for a fixed plain-JS loop (10⁷ square roots): a
 * yardstick of how loaded the machine is, printed beside a timing (≈ 10 ms idle).
 */
export function cpuCalibrationMs(page) {
  return page.evaluate(() => {
    const t0 = performance.now();
    let x = 0;
    for (let i = 0; i < 1e7; i++) x += Math.sqrt(i);
    return x > 0 ? +(performance.now() - t0).toFixed(1) : NaN;
  });
}
