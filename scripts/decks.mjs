// Compiles the decks with Marp CLI (configured in marp.config.mjs) and
// describes them for the site index.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { marpCli } from '@marp-team/marp-cli';
import { Marp } from '@marp-team/marp-core';
import { marpOptions } from '../marp.config.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const slidesDir = path.join(root, 'slides');

/** Deck sources: slides/*.md (themes and other folders excluded). */
export async function deckFiles() {
  const names = await readdir(slidesDir);
  return names.filter((n) => n.endsWith('.md') && !n.startsWith('_')).sort().map((n) => path.join(slidesDir, n));
}

/** Title, description and slide count of a deck, read the way Marp reads it. */
export async function describeDeck(file) {
  const markdown = await readFile(file, 'utf8');
  const marp = new Marp({ ...marpOptions, math: false });
  const { comments } = marp.render(markdown);
  const front = /^---\n([\s\S]*?)\n---/.exec(markdown)?.[1] ?? '';
  const field = (name) => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(front)?.[1].trim().replace(/^['"]|['"]$/g, '');
  const name = path.basename(file, '.md');
  return { name, file, href: `${name}.html`, title: field('title') ?? name, description: field('description') ?? '', slides: comments.length };
}

export async function buildDecks(outDir) {
  process.env.DECKS_OUT = outDir;
  const code = await marpCli(['--config-file', path.join(root, 'marp.config.mjs'), '--no-stdin', '--output', outDir], {});
  if (code !== 0) throw new Error(`marp exited with ${code}`);
}
