// The published site as a whole: served under a sub-path, no request to any
// other host, no console errors (CSP violations included), a CSP on every
// page and the demo gallery live. (Markdown unable to run script: hostile-markdown.test.ts.)
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
// @ts-expect-error plain ESM build scripts without type declarations
import { serveStatic } from '../../scripts/static-server.mjs';
import { demoHandle, distDir, openBrowser, type Harness } from './harness';

interface Server { url: string; close(): Promise<void> }

/** Every built page, relative to dist. */
async function htmlPages(): Promise<string[]> {
  const root = distDir();
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.html') && !e.name.startsWith('__'))
    .map((e) => path.relative(root, path.join(e.parentPath ?? (e as any).path, e.name)));
}

/** Deck pages: the single decks at the root and the series' decks one folder down (field-rhymes/…). */
const deckPages = async () => (await htmlPages()).filter((p) => p !== 'index.html' && !p.startsWith('demos/') && p.split('/').length <= 2).sort();

/** Records requests, failed responses and console errors of one page. */
function record(page: Page, localOrigin: string) {
  const log = { requests: [] as string[], external: [] as string[], failed: [] as string[], errors: [] as string[] };
  page.on('request', (r) => {
    const url = r.url();
    log.requests.push(url);
    if (!/^(data|blob|file):/.test(url) && !url.startsWith(localOrigin)) log.external.push(url);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) log.failed.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => log.failed.push(`failed ${r.url()}: ${r.failure()?.errorText}`));
  page.on('console', (m) => {
    if (m.type() === 'error') log.errors.push(m.text());
  });
  page.on('pageerror', (e) => log.errors.push(`uncaught: ${e.message}`));
  return log;
}

describe('the static site', () => {
  let h: Harness;
  let sub: Server;

  beforeAll(async () => {
    h = await openBrowser();
    sub = await serveStatic(distDir(), { base: '/some/sub/path/' });
  });
  afterAll(async () => {
    await h?.close();
    await sub?.close();
  });

  it('every built page carries a CSP without unsafe-inline scripts or eval', async () => {
    const pages = await htmlPages();
    expect(pages).toContain('demos/index.html');
    for (const rel of pages) {
      const html = await readFile(path.join(distDir(), rel), 'utf8');
      const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
      expect(meta, `${rel} has no CSP meta`).not.toBeNull();
      const policy = meta![1];
      // A valid language tag on <html> (decks: Marp's lang option in marp.config.mjs, "en").
      expect(/<html[^>]*\slang="([^"]*)"/i.exec(html)?.[1] ?? '', `${rel} <html lang>`).toMatch(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/);
      const scriptSrc = policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) ?? '';
      expect(scriptSrc, rel).not.toBe('');
      expect(scriptSrc, rel).not.toContain("'unsafe-inline'");
      expect(policy, rel).not.toContain("'unsafe-eval'");
      expect(policy, rel).toMatch(/default-src 'none'/);
    }
  });

  it('served under /some/sub/path/, the index, every deck and the gallery load without 404s, foreign requests or console errors', async () => {
    const origin = new URL(sub.url).origin;
    const pages = ['index.html', ...(await deckPages()), 'demos/index.html'];
    expect(pages.length).toBeGreaterThan(3);
    for (const rel of pages) {
      const page = await h.context.newPage();
      const log = record(page, origin);
      const response = await page.goto(`${sub.url}${rel}`, { waitUntil: 'load' });
      expect(response?.status(), rel).toBe(200);
      await page.waitForTimeout(rel.endsWith('index.html') ? 300 : 1000);
      // Every link on the index points inside the sub-path.
      if (rel === 'index.html') {
        const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
        for (const href of hrefs) expect(href.startsWith(sub.url), href).toBe(true);
      }
      expect(log.requests.length, rel).toBeGreaterThan(0);
      expect(log.failed, rel).toEqual([]);
      expect(log.external, rel).toEqual([]);
      expect(log.errors, rel).toEqual([]);
      await page.close();
    }
  });

  it('the gallery shows every demo live, each one reaching ready', async () => {
    const allowlist = JSON.parse(await readFile(path.resolve('components/allowlist.json'), 'utf8')) as Record<string, string[]>;
    const tags = Object.keys(allowlist);
    const page = await h.context.newPage();
    const log = record(page, new URL(sub.url).origin);
    await page.goto(`${sub.url}demos/index.html`);
    const shown = await page.$$eval('.thumb .zoom > *', (els) => els.map((e) => e.localName));
    expect(shown.sort()).toEqual([...tags].sort());
    await Promise.all(tags.map((tag) => demoHandle(page, `.thumb ${tag}`).ready(60_000)));
    // Each card links to a demo page that exists.
    const links = await page.$$eval('.card a[href$=".html"]', (as) => as.map((a) => a.getAttribute('href')));
    for (const tag of tags) expect(links).toContain(`${tag}.html`);
    expect(log.external).toEqual([]);
    expect(log.failed).toEqual([]);
    expect(log.errors).toEqual([]);
    await h.screenshot('site-gallery', page);
    await page.close();
  });

  it('a demo page shows its presets live and links back to its slides', async () => {
    const page = await h.context.newPage();
    const log = record(page, new URL(sub.url).origin);
    await page.goto(`${sub.url}demos/softmax-temperature.html`);
    const presets = await page.$$eval('.stage softmax-temperature', (els) => els.map((e) => e.id));
    expect(presets.length).toBeGreaterThanOrEqual(2);
    await Promise.all(presets.map((id) => demoHandle(page, `#${id}`).ready(60_000)));
    const back = await page.$$eval('a[href^="../"][href*=".html#"]', (as) => as.map((a) => a.getAttribute('href')));
    expect(back.length).toBeGreaterThan(0);
    expect(await page.locator('dl.attrs dt').count()).toBeGreaterThan(2);
    expect(log.external).toEqual([]);
    expect(log.failed).toEqual([]);
    expect(log.errors).toEqual([]);
    await page.screenshot({ path: path.resolve('test-output/screens/site-demo-page.png'), fullPage: true });
    await page.close();
  });
});
