/**
 * A small harness over playwright-core and Debian's Chromium so browser tests
 * read like specifications: open a deck or mount one demo, then talk to the
 * demo through its public properties.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
// @ts-expect-error plain ESM build scripts without type declarations
import { launchChromium } from '../../scripts/chromium.mjs';

export const baseUrl = (): string => inject('baseUrl');
export const distDir = (): string => inject('distDir');
export const SHOTS_DIR = path.resolve('test-output', 'screens');

export interface OpenOptions {
  /** Extra query string, e.g. "?backend=cpu". */
  query?: string;
  /** Open from disk (file://) instead of the local server. */
  file?: boolean;
}

export interface Harness {
  context: BrowserContext;
  page: Page;
  /** console.error messages and uncaught exceptions, in order. */
  consoleErrors: string[];
  /** Every request to a host other than the local test server. */
  externalRequests: string[];
  /** Opens a built page (e.g. "temperature.html#3") in the harness's page. */
  open(relative: string, options?: OpenOptions): Promise<Page>;
  /** Opens another page in the same browser context (e.g. a second window). */
  openExtra(relative: string, options?: OpenOptions): Promise<Page>;
  /** Mounts HTML on a blank page that loads the bundle. */
  mount(markup: string, options?: OpenOptions): Promise<Page>;
  screenshot(name: string, target?: Page | Locator): Promise<string>;
  close(): Promise<void>;
}

function urlFor(relative: string, options: OpenOptions = {}): string {
  const [pathPart, hash = ''] = relative.split('#');
  const root = options.file ? `file://${distDir()}/` : baseUrl();
  return `${root}${pathPart}${options.query ?? ''}${hash ? `#${hash}` : ''}`;
}

function watch(page: Page, h: Pick<Harness, 'consoleErrors' | 'externalRequests'>): void {
  const local = new URL(baseUrl()).origin;
  page.on('console', (m) => {
    if (m.type() === 'error') h.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => h.consoleErrors.push(`uncaught: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:') || url.startsWith(local)) return;
    h.externalRequests.push(url);
  });
}

export async function openBrowser(options: { webgpu?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Harness> {
  const context: BrowserContext = await launchChromium(options);
  const page = context.pages()[0] ?? (await context.newPage());
  const h: Harness = {
    context,
    page,
    consoleErrors: [],
    externalRequests: [],
    async open(relative, opts) {
      await page.goto(urlFor(relative, opts));
      return page;
    },
    async openExtra(relative, opts) {
      const extra = await context.newPage();
      watch(extra, h);
      await extra.goto(urlFor(relative, opts));
      return extra;
    },
    async mount(markup, opts) {
      await page.goto(urlFor('__test.html', opts));
      await page.waitForFunction(() => customElements.get('softmax-temperature') !== undefined);
      await page.evaluate((m) => {
        document.body.innerHTML = m;
      }, markup);
      return page;
    },
    async screenshot(name, target = page) {
      mkdirSync(SHOTS_DIR, { recursive: true });
      const file = path.join(SHOTS_DIR, `${name}.png`);
      await target.screenshot({ path: file });
      return file;
    },
    close: () => context.close(),
  };
  watch(page, h);
  return h;
}

/** Talks to one demo element through its public interface. */
export function demoHandle(page: Page, selector: string) {
  const el = page.locator(selector).first();
  return {
    locator: el,
    /** Waits for the element's `ready` promise and the data-ready attribute. */
    async ready(timeout = 60_000): Promise<void> {
      await el.waitFor({ state: 'attached', timeout });
      await el.evaluate((node: any) => node.ready);
      await page.waitForSelector(`${selector}[data-ready]`, { state: 'attached', timeout });
    },
    /** Waits until data-ready is set again after a change. */
    async settled(timeout = 60_000): Promise<void> {
      await page.waitForSelector(`${selector}[data-ready]`, { state: 'attached', timeout });
    },
    prop<T = unknown>(name: string): Promise<T> {
      return el.evaluate((node: any, n) => {
        const v = node[n];
        return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
      }, name) as Promise<T>;
    },
    async set(name: string, value: unknown): Promise<void> {
      await el.evaluate((node: any, [n, v]) => {
        node[n as string] = v;
      }, [name, value] as const);
    },
    async attr(name: string, value: string | null): Promise<void> {
      await el.evaluate((node, [n, v]) => {
        if (v === null) node.removeAttribute(n as string);
        else node.setAttribute(n as string, v as string);
      }, [name, value] as const);
    },
    call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
      return el.evaluate(async (node: any, [m, a]) => {
        const v = await node[m as string](...(a as unknown[]));
        return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
      }, [method, args] as const) as Promise<T>;
    },
    /** A locator inside the element's shadow root (Playwright's CSS pierces open shadow roots). */
    part(css: string): Locator {
      return el.locator(css);
    },
    /**
     * Cell (row, col) of the element's (first, or `nth`) heatmap: its cells
     * are painted on a canvas, so hover and click go to the cell's centre.
     */
    heatmapCell(row: number, col: number, nth = 0) {
      const canvas = el.locator('canvas.cells').nth(nth);
      const centre = async () => {
        await canvas.scrollIntoViewIfNeeded();
        return canvas.evaluate((c: any, [r, k]) => c.cellCenter(r, k), [row, col] as const) as Promise<{ x: number; y: number }>;
      };
      return {
        async hover(): Promise<void> {
          const { x, y } = await centre();
          await page.mouse.move(x, y);
        },
        async click(): Promise<void> {
          const { x, y } = await centre();
          await page.mouse.click(x, y);
        },
        /** The painted colour at the cell's centre, as [r, g, b]. */
        async rgb(): Promise<[number, number, number]> {
          return canvas.evaluate((c: any, [r, k]) => {
            const { x, y } = c.cellCenter(r, k);
            const box = c.getBoundingClientRect();
            const px = Math.floor(((x - box.left) / box.width) * c.width);
            const py = Math.floor(((y - box.top) / box.height) * c.height);
            const d = c.getContext('2d').getImageData(px, py, 1, 1).data;
            return [d[0], d[1], d[2]];
          }, [row, col] as const) as Promise<[number, number, number]>;
        },
      };
    },
    /** How many cells the element's (first, or `nth`) heatmap draws as masked. */
    async maskedCells(nth = 0): Promise<number> {
      return Number(await el.locator('canvas.cells').nth(nth).getAttribute('data-masked'));
    },
    /** Text of the in-box messages (bad attributes) and of a failure box, if any. */
    async messages(): Promise<string> {
      return el.evaluate((node) => {
        const root = node.shadowRoot;
        return [...(root?.querySelectorAll('.messages li, .failure') ?? [])].map((n) => n.textContent?.trim()).join('\n');
      });
    },
  };
}

/** The deck's current slide number (1-based), as bespoke reports it in the URL hash. */
export async function currentSlide(page: Page): Promise<number> {
  return page.evaluate(() => Number(location.hash.replace('#', '')) || 1);
}

/** Number of slides in a Marp deck. */
export async function slideCount(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelectorAll('svg[data-marpit-svg]').length || document.querySelectorAll('section').length);
}

/** Goes to slide n (1-based) through the URL hash, as bespoke does. */
export async function goToSlide(page: Page, n: number): Promise<void> {
  await page.evaluate((i) => {
    location.hash = `#${i}`;
  }, n);
  await page.waitForFunction((i) => {
    const slides = document.querySelectorAll('svg.bespoke-marp-slide');
    return slides.length === 0 || slides[i - 1]?.classList.contains('bespoke-marp-active');
  }, n);
}

/** Live tensors on the page (tf.memory().numTensors), after the backend is up. */
export async function tensorCount(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const rt = (globalThis as any).__demoRuntime;
    await rt.initBackend();
    return rt.tf.memory().numTensors as number;
  });
}

/** The page's chosen backend and why others were skipped. */
export async function pageBackend(page: Page): Promise<{ name: string; skipped: string[]; forced: boolean }> {
  return page.evaluate(async () => (globalThis as any).__demoRuntime.initBackend());
}

/**
 * The smallest text a demo shows on screen, in px: every visible text node in
 * its shadow root (nested shadow roots included), HTML at its computed size,
 * SVG text at its font size times the SVG's on-screen scale.
 */
export async function smallestText(el: Locator): Promise<{ px: number; text: string }> {
  return el.evaluate((host) => {
    let best = { px: Infinity, text: '' };
    const walk = (root: Node) => {
      const w = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      for (let n = w.currentNode as Node | null; n; n = w.nextNode()) {
        if (n.nodeType === Node.TEXT_NODE && n.textContent!.trim()) {
          const parent = n.parentElement!;
          if (['STYLE', 'TITLE', 'OPTION'].includes(parent.tagName) || parent.closest('title')) continue;
          const r = parent.getBoundingClientRect();
          if (r.width === 0 || r.height === 0) continue;
          const font = parseFloat(getComputedStyle(parent).fontSize);
          const m = parent instanceof SVGElement ? (parent as unknown as SVGGraphicsElement).getScreenCTM?.() : null;
          const px = m ? font * Math.hypot(m.a, m.b) : font;
          if (px < best.px) best = { px, text: n.textContent!.trim().slice(0, 40) };
        } else if ((n as Element).shadowRoot) walk((n as Element).shadowRoot!);
      }
    };
    walk(host.shadowRoot ?? host);
    return best;
  });
}
