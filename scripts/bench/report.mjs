// Writes what `npm run bench` measured: bench/results.json (every figure) and
// BENCHMARKS.md (tables and SVG bar charts, the machine and versions stated).
// Each comparison is a ratio against a peer measured in the same run: these
// machines are noisy, so absolute seconds alone mean little.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaleBand, scaleLinear, scaleLog } from 'd3-scale';

const root = fileURLToPath(new URL('../..', import.meta.url));
const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export async function machine() {
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
  const version = (name) => JSON.parse(execFileSync('npm', ['ls', name, '--json', '--depth=0'], { cwd: root, encoding: 'utf8' })).dependencies?.[name]?.version ?? pkg.dependencies?.[name] ?? pkg.devDependencies?.[name];
  let chromium = 'not found';
  try {
    chromium = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {}
  return {
    date: new Date().toISOString(), cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadAverage: os.loadavg().map((l) => +l.toFixed(2)), node: process.version, chromium,
    versions: Object.fromEntries(['@tensorflow/tfjs-core', '@marp-team/marp-cli', 'lit', 'esbuild'].map((n) => [n, version(n)])),
  };
}

/**
 * A horizontal bar chart as SVG text: one bar per row, a dashed line at `mark`
 * (e.g. 1 for a ratio's parity). Text is 18 px so it reads when shown at width.
 */
export function barSvg(rows, { title, unit = '', mark = null, width = 900 } = {}) {
  const rowH = 40;
  const left = 380;
  const height = 70 + rows.length * rowH;
  const max = Math.max(mark ?? 0, ...rows.map((r) => r.value)) * 1.12 || 1;
  const x = scaleLinear().domain([0, max]).range([left, width - 30]);
  const y = scaleBand().domain(rows.map((r) => r.label)).range([50, height - 20]).padding(0.2);
  const bars = rows.map((r) => `<text x="${left - 10}" y="${y(r.label) + y.bandwidth() / 2}" text-anchor="end" dominant-baseline="middle">${escape(r.label)}</text>
<rect x="${left}" y="${y(r.label)}" width="${Math.max(1, x(r.value) - left)}" height="${y.bandwidth()}" fill="${r.color ?? '#0072b2'}"/>
<text x="${x(r.value) + 6}" y="${y(r.label) + y.bandwidth() / 2}" dominant-baseline="middle">${escape(r.text ?? `${r.value}${unit}`)}</text>`).join('\n');
  const line = mark == null ? '' : `<line x1="${x(mark)}" x2="${x(mark)}" y1="44" y2="${height - 14}" stroke="#555" stroke-dasharray="6 4"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="18" fill="#1a1a1a">
<rect width="100%" height="100%" fill="#fff"/>
<text x="16" y="28" font-weight="700" font-size="20">${escape(title)}</text>
${bars}
${line}
</svg>
`;
}

/**
 * A log–log line chart as SVG text: one series (points [size, value]) with its
 * fitted exponent in the title, the measured points marked. Text is 18 px.
 */
export function logLogSvg(series, { width = 900, height = 420 } = {}) {
  const m = { left: 90, right: 30, top: 60, bottom: 70 };
  const xs = series.points.map((p) => p[0]);
  const ys = series.points.map((p) => p[1]);
  const x = scaleLog().domain([Math.min(...xs), Math.max(...xs)]).range([m.left, width - m.right]);
  const y = scaleLog().domain([Math.min(...ys) / 1.3, Math.max(...ys) * 1.3]).range([height - m.bottom, m.top]).nice();
  const path = series.points.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
  const xTicks = xs.map((v) => `<text x="${x(v)}" y="${height - m.bottom + 26}" text-anchor="middle">${v}</text>`).join('');
  const yTicks = y.ticks(4).filter((v, i, a) => a.length <= 6 || i % 2 === 0).map((v) => `<text x="${m.left - 10}" y="${y(v)}" text-anchor="end" dominant-baseline="middle">${+v.toPrecision(2)}</text><line x1="${m.left}" x2="${width - m.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`).join('');
  const dots = series.points.map((p) => `<circle cx="${x(p[0])}" cy="${y(p[1])}" r="5" fill="#0072b2"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="18" fill="#1a1a1a">
<rect width="100%" height="100%" fill="#fff"/>
<text x="16" y="28" font-weight="700" font-size="20">${escape(series.label)}: slope ${series.slope}</text>
${yTicks}
<path d="${path}" fill="none" stroke="#0072b2" stroke-width="2.5"/>
${dots}
${xTicks}
<text x="${(m.left + width - m.right) / 2}" y="${height - 16}" text-anchor="middle">${escape(series.sizeUnit)} (log scale)</text>
</svg>
`;
}

const table = (head, rows) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const fmt = (v, d = 2) => (v == null ? 'n/a' : typeof v === 'number' ? v.toFixed(d) : String(v));

/** The peer comparisons found in `results`, each { label, ours, peer, unit, lowerIsBetter }. */
export function comparisons(results) {
  const out = [];
  const mlp = results.mlp;
  if (mlp?.peer?.stepsPerSecond) {
    if (mlp.batch32?.stepsPerSecond) out.push({ label: 'MLP steps/s, batch 32', ours: mlp.batch32.stepsPerSecond, peer: mlp.peer.stepsPerSecond.batch32, unit: 'steps/s', peerName: 'PyTorch', lowerIsBetter: false });
    if (mlp.batch128?.stepsPerSecond) out.push({ label: 'MLP steps/s, batch 128', ours: mlp.batch128.stepsPerSecond, peer: mlp.peer.stepsPerSecond.batch128, unit: 'steps/s', peerName: 'PyTorch', lowerIsBetter: false });
    if (mlp.timeToVal230?.reached && mlp.peer.toVal230Seconds) out.push({ label: 'MLP seconds to val < 2.30', ours: mlp.timeToVal230.seconds, peer: mlp.peer.toVal230Seconds, unit: 's', peerName: 'PyTorch', lowerIsBetter: true });
  }
  const b = results.build;
  if (b?.buildSeconds) out.push({ label: 'build, all decks', ours: b.buildSeconds, peer: b.marpAloneSeconds, unit: 's', peerName: 'Marp CLI alone', lowerIsBetter: true });
  const pdf = results['pdf-peer'];
  if (pdf?.ours?.seconds) out.push({ label: `PDF export, ${pdf.deck} (demos drawn ${pdf.ours.demosDrawn} vs ${pdf.marpPdf.demosDrawn})`, ours: pdf.ours.seconds, peer: pdf.marpPdf.seconds, unit: 's', peerName: 'marp --pdf', lowerIsBetter: true });
  return out;
}

/** The growth series of `results.growth`, flattened: [{ key, label, sizeUnit, points, slope }]. */
const growthSeries = (g) => (g ? [['bigram', g.bigram], ['attention', g.attention], ['mlp-hidden', g.mlp?.byHidden], ['mlp-batch', g.mlp?.byBatch]].filter(([, s]) => s?.points).map(([key, s]) => ({ key, ...s })) : []);

export async function writeReport(results, { dir = path.join(root, 'bench'), markdown = path.join(root, 'BENCHMARKS.md') } = {}) {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const cmp = comparisons(results);
  const parts = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`scripts/bench.mjs`); every figure is in `bench/results.json`. Each comparison is a ratio against a peer measured in the same run on the same machine.',
    '',
    '## Machine',
    '',
    table(['what', 'value'], Object.entries(results.machine ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? Object.entries(v).map(([a, b]) => `${a} ${b}`).join(', ') : String(v)])),
  ];
  if (cmp.length) {
    const ratio = (c) => +(c.lowerIsBetter ? c.ours / c.peer : c.peer / c.ours).toFixed(2);
    await writeFile(path.join(dir, 'ratios.svg'), barSvg(cmp.map((c) => ({ label: c.label, value: ratio(c), color: ratio(c) <= 1 ? '#009e73' : '#d55e00' })), { title: 'Cost relative to the peer (≤ 1: we are at least as fast)', mark: 1, unit: '×' }));
    parts.push('', '## Against the peers', '', table(['figure', 'ours', 'peer', 'peer is', 'cost ratio (≤ 1 is better)'], cmp.map((c) => [c.label, `${fmt(c.ours)} ${c.unit}`, `${fmt(c.peer)} ${c.unit}`, c.peerName, `${fmt(ratio(c))}×`])), '', '![cost ratios](bench/ratios.svg)');
  }
  if (results.bundle) {
    const top = results.bundle.byPackage.slice(0, 10);
    await writeFile(path.join(dir, 'bundle.svg'), barSvg(top.map((p) => ({ label: p.package, value: +(p.rawBytes / 1024).toFixed(0) })), { title: `Bundle bytes by package (KB, raw; whole file ${(results.bundle.gzipBytes / 1024).toFixed(0)} KB gzip)`, unit: ' KB' }));
    parts.push('', '## The bundle', '', `${results.bundle.file}: ${(results.bundle.rawBytes / 1024).toFixed(0)} KB raw, ${(results.bundle.gzipBytes / 1024).toFixed(0)} KB gzip (${results.bundle.target}).`, '', table(['package', 'KB in the bundle (raw)'], results.bundle.byPackage.map((p) => [p.package, (p.rawBytes / 1024).toFixed(1)])), '', '![bundle by package](bench/bundle.svg)');
  }
  const growth = growthSeries(results.growth);
  if (growth.length) {
    parts.push('', '## How the cost grows', '', `On ${results.growth.backend}; the slope is k in time ∝ size^k (least squares on log–log).`, '',
      table(['series', 'sizes', 'ms', 'slope k'], growth.map((g) => [g.label, g.points.map((p) => p[0]).join(', '), g.points.map((p) => fmt(p[1])).join(', '), fmt(g.slope)])));
    for (const g of growth) {
      await writeFile(path.join(dir, `growth-${g.key}.svg`), logLogSvg(g));
      parts.push('', `![${g.label}](bench/growth-${g.key}.svg)`);
    }
  }
  const rest = Object.entries(results).filter(([k]) => !['machine', 'bundle'].includes(k));
  parts.push('', '## Every benchmark', '', ...rest.flatMap(([k, v]) => [`### ${k}`, '', '```json', JSON.stringify(v, null, 2), '```', '']));
  await writeFile(markdown, `${parts.join('\n')}\n`);
  return { json: path.join(dir, 'results.json'), markdown };
}
