// Accessibility audit with axe-core (Deque's engine) in headless Chromium: the
// site index, the demo gallery, every standalone demo page, and every deck with
// each of its demo slides shown, in the lecture theme and its dark variant
// (a dark copy of each deck is compiled for the audit). Prints every serious or
// critical violation with its element, so it can be fixed, not silenced.
//   node scripts/audit.mjs [--no-build] [deck ...]
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildSite } from './build.mjs';
import { launchChromium } from './chromium.mjs';
import { serveStatic } from './static-server.mjs';
import { compileDeck, deckFiles, deckName } from './decks.mjs';
import { withCsp } from './csp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SERIOUS = ['serious', 'critical'];

/** Compiles `<dir>/__dark-<deck>.html` next to each deck, with the dark theme; returns their names. */
export async function buildDarkDecks(distDir, names) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'dark-decks-'));
  const out = [];
  try {
    for (const file of await deckFiles()) {
      const name = deckName(file);
      if (names?.length && !names.includes(name)) continue;
      const md = (await readFile(file, 'utf8')).replace(/^theme:\s*lecture\s*$/m, 'theme: lecture-dark');
      const src = path.join(tmp, `${path.basename(file)}`);
      await writeFile(src, md);
      const darkName = path.posix.join(path.posix.dirname(name), `__dark-${path.posix.basename(name)}`).replace(/^\.\//, '');
      const html = path.join(distDir, `${darkName}.html`);
      await compileDeck(src, html, name.split('/').length - 1);
      await writeFile(html, withCsp(await readFile(html, 'utf8')));
      out.push({ name, darkName });
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return out;
}

/** In the page: axe on slide `slide` (1-based; else the document), serious and critical violations as plain objects. */
async function runAxe(page, slide) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  return page.evaluate(async ({ slide, serious }) => {
    const context = slide ? document.querySelectorAll('svg.bespoke-marp-slide')[slide - 1] : document;
    const result = await window.axe.run(context, { resultTypes: ['violations'] });
    return result.violations.filter((v) => serious.includes(v.impact)).flatMap((v) => v.nodes.map((n) => ({
      rule: v.id, impact: v.impact, help: v.help, target: n.target.join(' '), html: n.html.slice(0, 160), summary: n.failureSummary?.split('\n').slice(0, 2).join(' '),
    })));
  }, { slide, serious: SERIOUS });
}

/** Every demo slide of a deck, shown in turn and audited (the active slide only). */
async function auditDeck(page, url, label) {
  await page.goto(url);
  await page.waitForFunction(() => document.querySelectorAll('svg.bespoke-marp-slide').length > 0);
  const slides = await page.evaluate(() => [...document.querySelectorAll('svg.bespoke-marp-slide')].map((s, i) => ({ n: i + 1, demos: [...s.querySelectorAll('*')].some((e) => 'ready' in e) })));
  const found = [];
  // The first slide (title, theme colours) and every slide with a demo.
  for (const { n } of slides.filter((s) => s.demos || s.n === 1)) {
    await page.evaluate((n) => (location.hash = `#${n}`), n);
    await page.waitForFunction((n) => document.querySelectorAll('svg.bespoke-marp-slide')[n - 1]?.classList.contains('bespoke-marp-active'), n);
    await page.waitForFunction((n) => [...document.querySelectorAll('svg.bespoke-marp-slide')[n - 1].querySelectorAll('*')].filter((e) => 'ready' in e).every((e) => e.hasAttribute('data-ready')), n, { timeout: 30_000 }).catch(() => {});
    for (const v of await runAxe(page, n)) found.push({ page: `${label} slide ${n}`, ...v });
  }
  // Document-level rules (lang, title) once per deck.
  for (const v of (await runAxe(page)).filter((v) => ['html-has-lang', 'html-lang-valid', 'document-title'].includes(v.rule))) found.push({ page: label, ...v });
  return found;
}

export async function auditSite({ baseUrl, distDir, decks: wanted = [], log = () => {} }) {
  const context = await launchChromium();
  const page = context.pages()[0] ?? (await context.newPage());
  const violations = [];
  try {
    const dark = await buildDarkDecks(distDir, wanted);
    const demoPages = (await readdir(path.join(distDir, 'demos'))).filter((f) => f.endsWith('.html'));
    const plain = wanted.length ? [] : ['index.html', ...demoPages.map((f) => `demos/${f}`)];
    for (const rel of plain) {
      await page.goto(`${baseUrl}${rel}`);
      await page.waitForFunction(() => [...document.querySelectorAll('*')].filter((e) => 'ready' in e).every((e) => e.hasAttribute('data-ready')), undefined, { timeout: 60_000 }).catch(() => {});
      for (const v of await runAxe(page)) violations.push({ page: rel, ...v });
      log(`${rel}: ${violations.filter((v) => v.page === rel).length}`);
    }
    for (const { name, darkName } of dark) {
      for (const [theme, file] of [['lecture', name], ['lecture-dark', darkName]]) {
        const found = await auditDeck(page, `${baseUrl}${file}.html`, `${name} (${theme})`);
        violations.push(...found);
        log(`${name} (${theme}): ${found.length}`);
      }
    }
  } finally {
    await context.close();
  }
  return violations;
}

/** One line per violation, grouped by rule, for people. */
export function describeViolations(violations) {
  const byRule = new Map();
  for (const v of violations) byRule.set(v.rule, [...(byRule.get(v.rule) ?? []), v]);
  return [...byRule].sort((a, b) => b[1].length - a[1].length).flatMap(([rule, list]) => [
    `${rule} (${list[0].impact}, ${list.length} nodes): ${list[0].help}`,
    ...list.slice(0, 40).map((v) => `  ${v.page}: ${v.target} — ${v.html}`),
    ...(list.length > 40 ? [`  … and ${list.length - 40} more`] : []),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outDir = path.join(root, '.cache', `audit-dist-${process.pid}`);
  await buildSite(outDir, { log: () => {} });
  const server = await serveStatic(outDir);
  try {
    const violations = await auditSite({ baseUrl: server.url, distDir: outDir, decks: args.filter((a) => !a.startsWith('--')), log: console.log });
    console.log(describeViolations(violations).join('\n'));
    console.log(`${violations.length} serious or critical nodes`);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(root, 'test-output'), { recursive: true });
    await writeFile(path.join(root, 'test-output', 'audit.json'), JSON.stringify(violations, null, 2));
  } finally {
    await server.close();
    await rm(outDir, { recursive: true, force: true });
  }
}
