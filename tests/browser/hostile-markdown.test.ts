// Hostile Markdown (tests/fixtures/hostile.md), compiled the way decks are
// (Marp with the project's HTML allowlist and bundle, then the site's CSP):
// <script>, on* handlers, javascript: and data: links, an SVG with a script,
// <iframe>/<object>/<embed>/<form>/<meta>/<base>/<link>, <style> that tries to
// restyle the page, and our own elements with on* attributes. Nothing runs,
// nothing reaches outside the slides, no request leaves the host, and the CSP
// blocks script even if some got into the page.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Marp } from '@marp-team/marp-core';
// @ts-expect-error plain ESM config without type declarations
import { marpOptions, demoBundle } from '../../marp.config.mjs';
// @ts-expect-error plain ESM build scripts without type declarations
import { serveStatic } from '../../scripts/static-server.mjs';
// @ts-expect-error plain ESM build scripts without type declarations
import { withCsp } from '../../scripts/csp.mjs';
import { demoHandle, distDir, openBrowser, type Harness } from './harness';

interface Server { url: string; close(): Promise<void> }

describe('hostile Markdown in a deck', () => {
  let h: Harness;
  let dir: string;
  let server: Server;
  let page: Page;
  let html: string;
  const dialogs: string[] = [];
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hostile-deck-'));
    const source = await readFile(path.resolve('tests/fixtures/hostile.md'), 'utf8');
    const rendered = new Marp(marpOptions).use(demoBundle).render(source);
    html = rendered.html;
    const doc = withCsp(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>hostile</title><style>${rendered.css}</style></head><body>${html}</body></html>`);
    await writeFile(path.join(dir, 'hostile.html'), doc);
    await mkdir(path.join(dir, 'assets'));
    await copyFile(path.join(distDir(), 'assets/demos.js'), path.join(dir, 'assets/demos.js'));
    server = await serveStatic(dir);
    h = await openBrowser();
    page = await h.context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    // Record CSP violations from the first script on.
    await page.addInitScript(() => {
      (window as any).__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as any).__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${server.url}hostile.html`, { waitUntil: 'load' });
    await demoHandle(page, '#after').ready();
    // Hover and click everything in the slides, links and our elements included.
    for (const el of await page.locator('section a, section img, section p, section svg, section circle, section button, section softmax-temperature').all()) {
      await el.hover({ force: true, timeout: 1000 }).catch(() => {});
      await el.click({ force: true, timeout: 1000 }).catch(() => {});
    }
    await page.waitForTimeout(300);
  });
  afterAll(async () => {
    await h?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs nothing: no dialog, no global set by any handler, link, frame or form', async () => {
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
    expect(page.url()).toBe(`${server.url}hostile.html`); // no refresh, no navigation to a javascript:/data: link
    expect(errors).toEqual([]);
  });

  it('keeps no script, handler, javascript:/data: link or embedding element in the slides', async () => {
    const found = await page.evaluate(() => {
      const inSlides = [...document.querySelectorAll('section *')];
      return {
        // (Marp's own inline script, allowed by its hash, sits after the last section.)
        scripts: document.querySelectorAll('section script, section svg script').length,
        svgs: [...document.querySelectorAll('section svg')].filter((svg) => svg.querySelector('script') || svg.hasAttribute('onload')).length,
        handlers: inSlides.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.localName}[${a.name}]`)),
        styleAttrs: inSlides.filter((e) => e.hasAttribute('style')).map((e) => e.localName),
        links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')!).filter((href) => /^\s*(javascript|data|vbscript):/i.test(href)),
        embeds: [...document.querySelectorAll('section iframe, section object, section embed, section form, section meta, section base, section link, iframe, object, embed, base')].map((e) => e.localName),
        baseURI: document.baseURI,
      };
    });
    expect(found.scripts).toBe(0);
    expect(found.svgs).toBe(0);
    expect(found.handlers).toEqual([]);
    expect(found.styleAttrs).toEqual([]);
    expect(found.links).toEqual([]);
    expect(found.embeds).toEqual([]);
    expect(found.baseURI).toBe(`${server.url}hostile.html`);
    // The raw HTML holds the script tag escaped, never as markup.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(await page.evaluate(() => document.querySelector('section')!.textContent ?? '')).toContain('<script>alert(1)</script>');
  });

  it('keeps Markdown <style> inside the slides: the page, the body and the other slides are untouched', async () => {
    const look = await page.evaluate(() => {
      const sections = [...document.querySelectorAll('section')];
      const styled = sections.find((s) => s.textContent?.includes('A slide with styles'))!;
      return {
        body: getComputedStyle(document.body).display,
        html: getComputedStyle(document.documentElement).backgroundColor,
        styledBackground: getComputedStyle(styled).backgroundColor,
        otherBackgrounds: sections.filter((s) => s !== styled).map((s) => getComputedStyle(s).backgroundColor),
      };
    });
    expect(look.body).not.toBe('none');
    expect(look.html).not.toBe('rgb(255, 0, 0)');
    // <style scoped> reaches its own slide only.
    expect(look.styledBackground).toBe('rgb(0, 0, 255)');
    for (const bg of look.otherBackgrounds) expect(bg).not.toBe('rgb(0, 0, 255)');
  });

  it('our elements ignore on* attributes and show attribute text as text', async () => {
    const t = demoHandle(page, '#t');
    await t.ready();
    expect(await t.locator.getAttribute('onclick')).toBeNull();
    expect(await t.locator.evaluate((el) => el.shadowRoot!.querySelectorAll('b, script, [onclick]').length)).toBe(0);
    // The next slide's demo works.
    const after = demoHandle(page, '#after');
    expect((await after.prop<number[]>('probabilities')).length).toBeGreaterThan(1);
  });

  it('sends no request to another host (no remote stylesheet, frame or image)', () => {
    const origin = new URL(server.url).origin;
    expect(requests.filter((u) => !u.startsWith(origin) && !/^(data|blob):/.test(u))).toEqual([]);
  });

  it('the CSP holds: script put into the page at run time does not run, and the violation is reported', async () => {
    const result = await page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__xss = "injected"';
      document.body.append(s);
      const div = document.createElement('div');
      div.innerHTML = '<img src="x" onerror="window.__xss = \'injected-handler\'">';
      document.body.append(div);
      await new Promise((r) => setTimeout(r, 300));
      return { xss: (window as any).__xss, violations: (window as any).__violations as string[] };
    });
    expect(result.xss).toBeUndefined();
    expect(result.violations.some((v) => v.startsWith('script-src'))).toBe(true);
  });
});
