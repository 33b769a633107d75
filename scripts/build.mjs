// Production build: bundle, diagrams, decks and the site index into one
// self-contained folder that works from any static host and from disk.
// The phases are exported for `npm start`, which rebuilds only what a change touches.
import { copyFile, mkdir, rm, writeFile, access, readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { bundle } from './bundle.mjs';
import { buildDecks, buildOneDeck, deckFiles, describeDeck } from './decks.mjs';
import { siteIndex } from './site-index.mjs';
import { withCsp } from './csp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const exists = (p) => access(p).then(() => true, () => false);

/** dist/assets/: the demo bundle and the site's stylesheet. */
export async function buildAssets(outDir) {
  await mkdir(path.join(outDir, 'assets'), { recursive: true });
  await Promise.all([bundle(outDir), copyFile(path.join(root, 'scripts/site.css'), path.join(outDir, 'assets/site.css'))]);
}

export async function buildDiagramsInto(outDir) {
  if (!(await exists(path.join(root, 'scripts/diagrams.mjs')))) return;
  const { buildDiagrams } = await import('./diagrams.mjs');
  await buildDiagrams(outDir);
}

/** The index and the demo pages, which both describe every deck. */
export async function buildIndex(outDir, decks) {
  if (await exists(path.join(root, 'scripts/demo-pages.mjs'))) {
    const { buildDemoPages } = await import('./demo-pages.mjs');
    await buildDemoPages(outDir, decks);
    await applyCsp(path.join(outDir, 'demos'));
  }
  const extraLinks = (await exists(path.join(outDir, 'demos/index.html')))
    ? [{ href: 'demos/index.html', title: 'Demo gallery', description: 'every live demo on its own page' }]
    : [];
  await writeFile(path.join(outDir, 'index.html'), withCsp(siteIndex(decks, { extraLinks })));
}

export async function buildSite(outDir = path.join(root, 'dist'), { clean = true, log = console.log } = {}) {
  const t0 = performance.now();
  if (clean) await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  // esbuild bundles in its own process while Marp compiles the decks here.
  const describing = deckFiles().then((files) => Promise.all(files.map(describeDeck)));
  await Promise.all([buildAssets(outDir), buildDiagramsInto(outDir), buildDecks(outDir)]);
  await applyCsp(outDir, { recursive: true, skip: 'demos' });
  const decks = await describing;
  await buildIndex(outDir, decks);
  log(`built ${decks.length} decks into ${path.relative(root, outDir) || '.'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { decks };
}

/** One changed deck: compiles it alone and adds the CSP (the index and demo pages are the caller's to refresh). */
export async function rebuildDeck(outDir, file) {
  const html = await buildOneDeck(outDir, file);
  await writeFile(html, withCsp(await readFile(html, 'utf8')));
  return html;
}

/** Adds the Content-Security-Policy to every HTML page under `dir` (not below `skip`). */
async function applyCsp(dir, { recursive = true, skip } = {}) {
  const entries = await readdir(dir, { withFileTypes: true, recursive }).catch(() => []);
  await Promise.all(entries.map(async (entry) => {
    if (!entry.isFile() || !entry.name.endsWith('.html')) return;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    if (skip && path.relative(dir, file).split(path.sep)[0] === skip) return;
    await writeFile(file, withCsp(await readFile(file, 'utf8')));
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildSite(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
}
