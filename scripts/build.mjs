// Production build: bundle, diagrams, decks and the site index into one
// self-contained folder that works from any static host and from disk.
import { copyFile, mkdir, rm, writeFile, access, readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { bundle } from './bundle.mjs';
import { buildDecks, deckFiles, describeDeck } from './decks.mjs';
import { siteIndex } from './site-index.mjs';
import { withCsp } from './csp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const exists = (p) => access(p).then(() => true, () => false);

export async function buildSite(outDir = path.join(root, 'dist'), { clean = true, log = console.log } = {}) {
  const t0 = performance.now();
  if (clean) await rm(outDir, { recursive: true, force: true });
  await mkdir(path.join(outDir, 'assets'), { recursive: true });
  await bundle(outDir);
  await copyFile(path.join(root, 'scripts/site.css'), path.join(outDir, 'assets/site.css'));
  if (await exists(path.join(root, 'scripts/diagrams.mjs'))) {
    const { buildDiagrams } = await import('./diagrams.mjs');
    await buildDiagrams(outDir);
  }
  await buildDecks(outDir);
  const decks = await Promise.all((await deckFiles()).map(describeDeck));
  if (await exists(path.join(root, 'scripts/demo-pages.mjs'))) {
    const { buildDemoPages } = await import('./demo-pages.mjs');
    await buildDemoPages(outDir, decks);
  }
  const extraLinks = (await exists(path.join(outDir, 'demos/index.html')))
    ? [{ href: 'demos/index.html', title: 'Demo gallery', description: 'every live demo on its own page' }]
    : [];
  await writeFile(path.join(outDir, 'index.html'), siteIndex(decks, { extraLinks }));
  await applyCsp(outDir);
  log(`built ${decks.length} decks into ${path.relative(root, outDir) || '.'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { decks };
}

/** Adds the Content-Security-Policy to every HTML page of the build. */
async function applyCsp(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    await writeFile(file, withCsp(await readFile(file, 'utf8')));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildSite(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
}
