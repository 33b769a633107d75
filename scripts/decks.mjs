// Compiles the decks with Marp CLI (configured in marp.config.mjs) and
// describes them for the site index.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { marpCli } from '@marp-team/marp-cli';
import { Marp } from '@marp-team/marp-core';
import { BUNDLE_PATH, marpOptions } from '../marp.config.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const slidesDir = path.join(root, 'slides');

/** Folders of slides/ that hold a series of decks (built into the same folder under dist/). */
export const SERIES_DIRS = ['field-rhymes'];

/** Deck sources: slides/*.md and slides/<series>/*.md (themes excluded; names starting with _ skipped). */
export async function deckFiles() {
  const files = [];
  for (const dir of ['', ...SERIES_DIRS]) {
    const names = await readdir(path.join(slidesDir, dir)).catch(() => []);
    files.push(...names.filter((n) => n.endsWith('.md') && !n.startsWith('_')).sort().map((n) => path.join(slidesDir, dir, n)));
  }
  return files;
}

/** A deck's name: its path under slides/ without ".md" ("temperature", "field-rhymes/act-1-apparatus"). */
export const deckName = (file) => path.relative(slidesDir, file).replace(/\.md$/, '').split(path.sep).join('/');

/** Title, description and slide count of a deck, read the way Marp reads it. */
export async function describeDeck(file) {
  const markdown = await readFile(file, 'utf8');
  const marp = new Marp({ ...marpOptions, math: false });
  const { comments } = marp.render(markdown);
  const front = /^---\n([\s\S]*?)\n---/.exec(markdown)?.[1] ?? '';
  const field = (name) => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(front)?.[1].trim().replace(/^['"]|['"]$/g, '');
  const name = deckName(file);
  const series = field('series');
  return {
    name, file, href: `${name}.html`, title: field('title') ?? name, description: field('description') ?? '', slides: comments.length,
    ...(series ? { series, act: Number(field('act')), chapters: (field('chapters') ?? '').split(';').map((c) => c.trim()).filter(Boolean) } : {}),
  };
}

export async function buildDecks(outDir) {
  process.env.DECKS_OUT = outDir;
  const code = await marpCli(['--config-file', path.join(root, 'marp.config.mjs'), '--no-stdin', '--output', outDir], {});
  if (code !== 0) throw new Error(`marp exited with ${code}`);
  for (const dir of SERIES_DIRS) {
    for (const n of await readdir(path.join(outDir, dir)).catch(() => [])) {
      if (n.endsWith('.html')) await fixBundlePath(path.join(outDir, dir, n), 1);
    }
  }
}

/** Compiles one deck (slides/<name>.md) to <outDir>/<name>.html; returns the HTML file's path. */
export async function buildOneDeck(outDir, file) {
  const name = deckName(file);
  const out = path.join(outDir, `${name}.html`);
  await compileDeck(file, out, name.split('/').length - 1);
  return out;
}

/**
 * Compiles a Markdown file (anywhere) to `out`, a page `depth` folders below the
 * built site's root (where assets/ sits).
 */
export async function compileDeck(file, out, depth = 0) {
  const code = await marpCli(['--config-file', path.join(root, 'scripts/marp.single.mjs'), '--no-stdin', file, '--output', out], {});
  if (code !== 0) throw new Error(`marp exited with ${code} on ${file}`);
  if (depth) await fixBundlePath(out, depth);
}

/** Marp mirrors slides/<series>/ into the output; a deck `depth` folders down loads the bundle from as many folders up. */
async function fixBundlePath(file, depth) {
  const html = await readFile(file, 'utf8');
  await writeFile(file, html.replaceAll(`<script defer src="${BUNDLE_PATH}">`, `<script defer src="${'../'.repeat(depth)}${BUNDLE_PATH}">`));
}
