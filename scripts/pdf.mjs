// PDF handouts: dist/pdf/<deck>.pdf (one page per slide at 1280×720, backgrounds
// printed, every demo drawn in its deterministic still state, a link to each
// demo's live page) and dist/pdf/<deck>-notes.pdf (A4 portrait, each slide with
// its speaker notes beneath it).
//
// Marp CLI's --pdf prints after a single animation frame and cannot wait for
// demos, so this drives Chromium itself: load `<deck>.html?print`, wait for
// every element with a `ready` property to carry `data-ready`, then print.
//   node scripts/pdf.mjs [--no-build] [--out=dist] [--timeout=240] [--base-url=https://host/path/] [deck ...]
import { mkdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { buildSite } from './build.mjs';
import { launchChromium } from './chromium.mjs';
import { serveStatic } from './static-server.mjs';
import { deckFiles, deckName } from './decks.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** In the page: the slide number and tag#id of every demo that has not settled yet. */
function pendingDemos() {
  const slides = [...document.querySelectorAll('svg[data-marpit-svg]')];
  return [...document.querySelectorAll('*')]
    .filter((e) => 'ready' in e && !e.hasAttribute('data-ready'))
    .map((e) => `slide ${slides.findIndex((s) => s.contains(e)) + 1}: <${e.localName}${e.id ? `#${e.id}` : ''}>`);
}

/**
 * Waits until every demo on the page has `data-ready`; on timeout the error
 * names the slide and the demo (tag#id) that did not settle.
 */
export async function waitForDemos(page, { timeoutMs = 240_000, label = 'page' } = {}) {
  try {
    await page.waitForFunction(
      () => [...document.querySelectorAll('*')].filter((e) => 'ready' in e).every((e) => e.hasAttribute('data-ready')),
      undefined,
      { timeout: timeoutMs, polling: 100 },
    );
  } catch (err) {
    const pending = await page.evaluate(pendingDemos).catch(() => []);
    throw new Error(`${label}: demos not ready after ${timeoutMs / 1000} s: ${pending.join(', ') || '(unknown)'}\n${err.message}`);
  }
}

/** In the page: a small "▶ live demo" link after each demo (CSSOM styles, CSP-safe). */
function addLiveLinks(base) {
  let n = 0;
  for (const el of document.querySelectorAll('*')) {
    if (!('ready' in el) || el.nextElementSibling?.classList.contains('live-link')) continue;
    const a = document.createElement('a');
    a.className = 'live-link';
    const rel = `demos/${el.localName}.html${el.id ? `#${el.id}` : ''}`;
    a.setAttribute('href', new URL(rel, base).href);
    a.textContent = '▶ live demo';
    Object.assign(a.style, {
      display: 'block', width: 'fit-content', marginTop: '4px',
      fontSize: '16px', lineHeight: '1.2', textDecoration: 'none', color: '#0b61a4', fontFamily: 'system-ui, sans-serif',
    });
    el.after(a);
    n++;
  }
  return n;
}

/** In the page: re-lays the deck as A4 notes pages (slide scaled to the width, notes beneath). */
function layoutNotes() {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`
    @page { size: A4 portrait; margin: 12mm; }
    @media print {
      html, body { background: #fff !important; height: auto !important; overflow: visible !important; }
      .notes-head { break-before: page; font: 9pt system-ui, sans-serif; color: #666; margin: 0 0 2mm; }
      .notes-head:first-child { break-before: auto; }
      svg[data-marpit-svg] { display: block !important; width: 100% !important; height: auto !important;
        border: 1px solid #bbb; box-sizing: border-box; break-inside: avoid; }
      .notes-text { margin-top: 6mm; white-space: pre-wrap; font: 11pt/1.45 system-ui, sans-serif; color: #111; }
      .notes-text p { margin: 0 0 2.5mm; }
      div#\\:\\$p > svg > foreignObject > section { break-before: auto !important; page-break-before: auto !important; }
    }`);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const notes = new Map();
  for (const n of document.querySelectorAll('.bespoke-marp-note[data-index]')) notes.set(Number(n.dataset.index), n);
  const slides = [...document.querySelectorAll('svg[data-marpit-svg]')];
  slides.forEach((svg, i) => {
    const head = document.createElement('p');
    head.className = 'notes-head';
    head.textContent = `${document.title} · slide ${i + 1} of ${slides.length}`;
    const text = document.createElement('div');
    text.className = 'notes-text';
    const note = notes.get(i);
    if (note && note.textContent.trim()) text.append(...[...note.childNodes].map((c) => c.cloneNode(true)));
    else text.textContent = '(no notes)';
    // The slide itself stays where it is: moving it would re-connect its demos and redraw them.
    svg.before(head);
    svg.after(text);
  });
  return slides.length;
}

/**
 * Exports every deck (or `decks`, by name) of a built site in `outDir` to
 * `outDir/pdf/<deck>.pdf` and `outDir/pdf/<deck>-notes.pdf` (or into `pdfDir`).
 * @returns {Promise<Array<{ deck: string, pdf: string, notes: string | null, pages: number, demos: number, seconds: number, phases: { ready: number, print: number, notes: number } }>>}
 */
export async function exportPdfs({ outDir, decks, baseUrl, pdfDir = path.join(outDir, 'pdf'), timeoutMs = 240_000, notes = true, log = console.log } = {}) {
  const names = (await deckFiles()).map(deckName).filter((d) => !decks?.length || decks.includes(d));
  await mkdir(pdfDir, { recursive: true });
  const server = await serveStatic(outDir);
  const context = await launchChromium();
  const results = [];
  try {
    for (const deck of names) {
      const t0 = performance.now();
      const page = await context.newPage();
      page.on('pageerror', (e) => log(`  ${deck}: page error: ${e.message}`));
      try {
        await page.goto(`${server.url}${deck}.html?print`, { waitUntil: 'load' });
        await page.emulateMedia({ media: 'print' });
        await page.evaluate(() => document.fonts.ready);
        await waitForDemos(page, { timeoutMs, label: deck });
        const tReady = performance.now();
        const pages = await page.evaluate(() => document.querySelectorAll('svg[data-marpit-svg]').length);
        // Demos drawn in their still state on the printed pages (the bench compares with `marp --pdf`, which draws none).
        const demos = await page.evaluate(() => [...document.querySelectorAll('[data-ready]')].filter((e) => 'ready' in e).length);
        // Chromium turns relative hrefs into absolute ones against the page (here the temporary
        // local server), so links point at the published site (--base-url) or else at the built folder on disk.
        const linkBase = baseUrl ? (baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`) : pathToFileURL(`${path.resolve(outDir)}/`).href;
        await page.evaluate(addLiveLinks, linkBase);
        // Bespoke hides inactive slides from assistive tech; printed, every slide must be in the
        // tagged structure and the outline (bookmarks come from the headings).
        await page.evaluate(() => document.querySelectorAll('svg[data-marpit-svg][aria-hidden]').forEach((s) => s.removeAttribute('aria-hidden')));
        const pdf = path.join(pdfDir, `${deck}.pdf`);
        await mkdir(path.dirname(pdf), { recursive: true });
        await page.pdf({
          path: pdf, width: '1280px', height: '720px', printBackground: true,
          outline: true, tagged: true, preferCSSPageSize: true,
        });
        const tPrint = performance.now();
        let notesPdf = null;
        if (notes) {
          await page.evaluate(layoutNotes);
          await waitForDemos(page, { timeoutMs, label: `${deck} (notes)` });
          notesPdf = path.join(pdfDir, `${deck}-notes.pdf`);
          await page.pdf({ path: notesPdf, printBackground: true, outline: true, tagged: true, preferCSSPageSize: true });
        }
        const seconds = (performance.now() - t0) / 1000;
        const phases = { ready: (tReady - t0) / 1000, print: (tPrint - tReady) / 1000, notes: (performance.now() - tPrint) / 1000 };
        results.push({ deck, pdf, notes: notesPdf, pages, demos, seconds, phases });
        const detail = Object.entries(phases).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
        log(`${deck}: ${pages} slides, ${seconds.toFixed(1)} s (${detail}) → ${path.relative(process.cwd(), pdf)}`);
      } finally {
        await page.close();
      }
    }
  } finally {
    await context.close();
    await server.close();
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const outDir = path.resolve(opt('out') ?? path.join(root, 'dist'));
  const timeout = Number(opt('timeout') ?? 240);
  if (!args.includes('--no-build')) await buildSite(outDir);
  const results = await exportPdfs({
    outDir,
    decks: args.filter((a) => !a.startsWith('--')),
    baseUrl: opt('base-url'),
    timeoutMs: timeout * 1000,
    notes: !args.includes('--no-notes'),
  });
  const total = results.reduce((s, r) => s + r.seconds, 0);
  console.log(`${results.length} decks, ${results.reduce((s, r) => s + r.pages, 0)} slides in ${total.toFixed(1)} s`);
}
