// Builds the lecture diagrams: every source in diagrams/ becomes <outDir>/diagrams/<name>.svg.
//   diagrams/<name>.mmd  Mermaid text, rendered with beautiful-mermaid in the lecture theme's colours
//   diagrams/<name>.svg  SVG written by hand as source, checked and copied through
// Usage: node scripts/diagrams.mjs <outDir>     (or import { buildDiagrams } from './diagrams.mjs')
// Output must be self-contained: no fonts, images or styles fetched from anywhere.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderMermaidSVG } from 'beautiful-mermaid';

export const SOURCE_DIR = fileURLToPath(new URL('../diagrams/', import.meta.url));

/** System fonts only; metric-compatible Arial clones come before the wide DejaVu fallback. */
export const FONT_STACK =
  "-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', 'Noto Sans', 'DejaVu Sans', sans-serif";

/** The light lecture theme (slides/themes/lecture.css), Okabe-Ito accents. */
export const MERMAID_THEME = {
  bg: '#ffffff',
  fg: '#1a1a1a',
  line: '#4d4d4d',
  accent: '#005b8f',
  muted: '#1a1a1a',
  surface: '#f3f5f8',
  border: '#0072b2',
  font: 'Arial',
  padding: 12,
  nodeSpacing: 28,
  layerSpacing: 36,
};

/**
 * Box a diagram should fit on a slide below its heading (px at 1280x720), and the smallest
 * text size we aim for there. Mermaid's fixed 11-13px label sizes are scaled up to this.
 */
export const DISPLAY = { maxWidth: 1152, maxHeight: 500, targetText: 22 };

/** Every http(s) URL in the text other than the SVG/XLink namespaces. */
export function externalUrls(svg) {
  const allowed = new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']);
  return (svg.match(/https?:\/\/[^\s"')]+/g) ?? []).filter((u) => !allowed.has(u));
}

/** Smallest font size (px, in viewBox units) set anywhere in the SVG, by attribute or CSS. */
export function smallestFontSize(svg) {
  const sizes = [...svg.matchAll(/font-size(?:="|:\s*)([\d.]+)/g)].map((m) => Number(m[1]));
  return sizes.length ? Math.min(...sizes) : Number.NaN;
}

/** Render Mermaid text to a self-contained SVG sized so its smallest label reads on a projector. */
export function renderMermaid(source) {
  const raw = renderMermaidSVG(source, MERMAID_THEME);
  // beautiful-mermaid @imports the font from Google Fonts; drop it and use system fonts.
  let svg = raw.replace(/^\s*@import url\([^)]*\);?\s*$/m, '');
  svg = svg.replace(/(text\s*\{\s*font-family:)[^;]*;/, `$1 ${FONT_STACK};`);
  const vb = /viewBox="([\d.\s-]+)"/.exec(svg);
  if (!vb) throw new Error('beautiful-mermaid output has no viewBox');
  const [, , w, h] = vb[1].trim().split(/\s+/).map(Number);
  const scale = Math.min(
    DISPLAY.maxWidth / w,
    DISPLAY.maxHeight / h,
    DISPLAY.targetText / smallestFontSize(svg),
  );
  const width = Math.round(w * scale);
  const height = Math.round(h * scale);
  return svg.replace(
    /<svg([^>]*?) width="[\d.]+" height="[\d.]+"/,
    `<svg$1 width="${width}" height="${height}" role="img"`,
  );
}

/** Build one source file into SVG text. */
export async function buildOne(file) {
  const text = await readFile(path.join(SOURCE_DIR, file), 'utf8');
  const svg = file.endsWith('.mmd') ? renderMermaid(text) : text;
  const urls = externalUrls(svg);
  if (urls.length) throw new Error(`diagrams/${file}: external URL(s) ${urls.join(', ')}`);
  if (!/<svg[^>]*\bviewBox="/.test(svg)) throw new Error(`diagrams/${file}: <svg> root needs a viewBox`);
  return svg;
}

/** Write <outDir>/diagrams/<name>.svg for every source; returns the names built. */
export async function buildDiagrams(outDir) {
  const files = (await readdir(SOURCE_DIR)).filter((f) => /\.(mmd|svg)$/.test(f)).sort();
  const names = files.map((f) => f.replace(/\.(mmd|svg)$/, ''));
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  if (dupes.length) throw new Error(`diagrams: both .mmd and .svg for ${dupes.join(', ')}`);
  const target = path.join(outDir, 'diagrams');
  await mkdir(target, { recursive: true });
  await Promise.all(
    files.map(async (f, i) => writeFile(path.join(target, `${names[i]}.svg`), await buildOne(f))),
  );
  return names;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node scripts/diagrams.mjs <outDir>');
    process.exit(2);
  }
  const names = await buildDiagrams(outDir);
  console.log(`diagrams: ${names.length} written to ${path.join(outDir, 'diagrams')}`);
}
