// Build benchmarks against their peers, measured in the same run:
//   - `npm run build` (bundle, diagrams, decks, demo pages, CSP) against Marp CLI
//     alone compiling the same Markdown with Marp's defaults;
//   - the bundle's bytes by package (esbuild's metafile), raw, and the whole file gzipped.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { marpCli } from '@marp-team/marp-cli';
import { bundle } from '../bundle.mjs';
import { buildSite } from '../build.mjs';
import { deckFiles, slidesDir } from '../decks.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const seconds = (t0) => +((performance.now() - t0) / 1000).toFixed(2);

async function timeIt(work, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-build-'));
    const t0 = performance.now();
    try {
      await work(dir);
      times.push(seconds(t0));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return Math.min(...times);
}

/** Best of `runs`: our whole build vs `marp` on the same decks and themes (Marp's defaults otherwise: no bundle, diagrams, demo pages or CSP). */
export async function benchBuild({ runs = 2 } = {}) {
  const files = await deckFiles();
  const ours = await timeIt((dir) => buildSite(dir, { log: () => {} }), runs);
  const marp = await timeIt(async (dir) => {
    const code = await marpCli(['--no-stdin', '--html', '--input-dir', slidesDir, '--theme-set', path.join(slidesDir, 'themes'), '--output', dir], {});
    if (code !== 0) throw new Error(`marp exited with ${code}`);
  }, runs);
  return { decks: files.length, buildSeconds: ours, marpAloneSeconds: marp, ratio: +(ours / marp).toFixed(2), target: 'ratio ≤ 1.5' };
}

/** The package an esbuild input belongs to ("lit", "@tensorflow/tfjs-core", or "project"). */
function packageOf(input) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return m ? m[1] : 'project';
}

export async function benchBundle() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-bundle-'));
  try {
    const { metafile } = await bundle(dir);
    const [outName, out] = Object.entries(metafile.outputs).find(([name]) => name.endsWith('.js'));
    const bytes = new Map();
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      bytes.set(packageOf(input), (bytes.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
    const code = await readFile(path.resolve(root, outName));
    return {
      file: path.basename(outName),
      rawBytes: code.length,
      gzipBytes: gzipSync(code, { level: 9 }).length,
      target: 'first-load script ≤ 300 KB gzip',
      byPackage: [...bytes].sort((a, b) => b[1] - a[1]).map(([name, raw]) => ({ package: name, rawBytes: raw })),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
