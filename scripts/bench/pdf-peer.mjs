// PDF export against its peer, in the same run: `npm run pdf` (our exporter:
// loads the built deck with ?print, waits until every demo has drawn its still
// state, prints one 1280×720 page per slide) against `marp --pdf` on the same
// Markdown and themes. Marp's page loads no demo script, so its demos are
// empty boxes; the bench counts the demos drawn on each side so the seconds
// are read against what each PDF holds. Slide pages only (no notes PDF).
//
// Usage: node scripts/bench/pdf-peer.mjs [deck]  (default: neural-networks)
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { marpCli } from '@marp-team/marp-cli';
import { buildSite } from '../build.mjs';
import { exportPdfs } from '../pdf.mjs';
import { slidesDir } from '../decks.mjs';

const seconds = (t0) => +((performance.now() - t0) / 1000).toFixed(2);

/** Pages of a PDF by poppler's pdfinfo (installed with Chromium by ensure-chromium.sh). */
function pdfPages(file) {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? NaN);
}

export async function benchPdfPeer({ deck = 'neural-networks' } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-pdf-peer-'));
  try {
    await buildSite(path.join(dir, 'site'), { log: () => {} });
    const t0 = performance.now();
    const [ours] = await exportPdfs({ outDir: path.join(dir, 'site'), decks: [deck], notes: false, log: () => {} });
    const oursSeconds = seconds(t0);

    const source = path.join(slidesDir, `${deck}.md`);
    const marpHtml = path.join(dir, 'marp.html');
    const marpPdf = path.join(dir, 'marp.pdf');
    const run = async (args) => {
      const code = await marpCli(['--no-stdin', '--no-config-file', '--html', '--allow-local-files', '--browser-path', '/usr/bin/chromium', '--theme-set', path.join(slidesDir, 'themes'), ...args, source], {});
      if (code !== 0) throw new Error(`marp exited with ${code}`);
    };
    const t1 = performance.now();
    await run(['--pdf', '--output', marpPdf]);
    const marpSeconds = seconds(t1);
    await run(['--output', marpHtml]);
    // Marp keeps our tags (with --html) but loads no script that defines them: none is drawn.
    const html = await readFile(marpHtml, 'utf8');
    const marpDemos = /assets\/demos\.js/.test(html) ? null : 0;
    return {
      deck,
      ours: { seconds: oursSeconds, pages: ours.pages, demosDrawn: ours.demos },
      marpPdf: { seconds: marpSeconds, pages: pdfPages(marpPdf), demosDrawn: marpDemos },
      ratio: +(oursSeconds / marpSeconds).toFixed(2),
      note: 'ours waits for every demo to draw its seeded still state; marp --pdf prints after one frame with no demo script',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchPdfPeer({ deck: process.argv[2] }), null, 2));
}
