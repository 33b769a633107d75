// `npm run bench`: the speed figures of the demos, printed (not asserted).
// Each benchmark runs in headless Chromium on the default backend (and others
// where it says so). Figures depend on the machine: headless Chromium here has
// no GPU, so WebGL runs on SwiftShader and the default backend is WebAssembly.
//   node scripts/bench.mjs [bigram|mlp|attention|rnn-recall|pdf ...]
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const wanted = process.argv.slice(2);

const benches = [
  { name: 'build', file: './bench/build.mjs', run: (m) => m.benchBuild() },
  { name: 'bundle', file: './bench/build.mjs', run: (m) => m.benchBundle() },
  { name: 'dev-reload', file: './bench/dev-reload.mjs', run: (m) => m.benchDevReload() },
  { name: 'bigram', file: './bench/bigram.mjs', run: (m) => m.benchBigram() },
  { name: 'attention', file: './bench/attention.mjs', run: (m) => m.benchAttention() },
  { name: 'mlp', file: './bench/mlp.mjs', run: (m) => m.benchMlp() },
  { name: 'rnn-recall', file: './bench/rnn-recall.mjs', run: (m) => m.benchRnnRecall() },
  { name: 'grokking', file: './bench/grokking.mjs', run: (m) => m.benchGrokking() },
  { name: 'policy-bandit', file: './bench/policy-bandit.mjs', run: (m) => m.benchPolicyBandit() },
  { name: 'scaling-sweep', file: './bench/scaling-sweep.mjs', run: (m) => m.benchScalingSweep() },
  { name: 'finetune-shift', file: './bench/finetune-shift.mjs', run: (m) => m.benchFinetuneShift() },
  { name: 'lora-rank', file: './bench/lora-rank.mjs', run: (m) => m.benchLoraRank() },
  { name: 'expert-router', file: './bench/expert-router.mjs', run: (m) => m.benchExpertRouter() },
  { name: 'quant-cliff', file: './bench/quant-cliff.mjs', run: (m) => m.benchQuantCliff() },
  { name: 'growth', file: './bench/growth.mjs', run: (m) => m.benchGrowth() },
  { name: 'pdf-peer', file: './bench/pdf-peer.mjs', run: (m) => m.benchPdfPeer() },
  {
    name: 'pdf',
    file: './pdf.mjs',
    // Seconds per deck for the PDF export (target: under 30 s for an 80-slide deck).
    run: async (m) => {
      const { buildSite } = await import('./build.mjs');
      const { mkdtemp, rm } = await import('node:fs/promises');
      const outDir = await mkdtemp('/tmp/bench-pdf-');
      try {
        await buildSite(outDir, { log: () => {} });
        const results = await m.exportPdfs({ outDir, log: () => {} });
        return results.map(({ deck, pages, seconds }) => ({ deck, pages, seconds }));
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    },
  },
];

if (!existsSync('../shared/data/makemore-names.txt')) {
  console.warn('note: ../shared/data/makemore-names.txt is missing; the bigram and mlp benchmarks need it.');
}

const results = {};
for (const bench of benches) {
  if (wanted.length && !wanted.includes(bench.name)) continue;
  if (!existsSync(here(bench.file))) continue;
  const t0 = performance.now();
  try {
    const result = await bench.run(await import(bench.file));
    console.log(`\n## ${bench.name} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    console.log(JSON.stringify(result, null, 2));
    results[bench.name] = result;
  } catch (error) {
    console.log(`\n## ${bench.name}: failed: ${error.message}`);
    results[bench.name] = { failed: error.message };
    process.exitCode = 1;
  }
}

// bench/results.json and BENCHMARKS.md: the figures of this run, merged over the last full
// report when only some benchmarks ran (`npm run bench -- mlp`).
const { machine, writeReport } = await import('./bench/report.mjs');
const { readFile } = await import('node:fs/promises');
const previous = await readFile(here('../bench/results.json'), 'utf8').then(JSON.parse, () => ({}));
const report = await writeReport({ ...previous, ...results, machine: await machine() });
console.log(`\nwrote ${report.json} and ${report.markdown}`);
