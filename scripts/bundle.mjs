// Bundles components/ into ONE minified IIFE with a source map. An IIFE with
// `defer` runs from file:// and while Chromium prints; an ES module does not.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function bundle(outDir, { minify = true } = {}) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['components/index.ts'],
    outfile: `${outDir}/assets/demos.js`,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari17'],
    minify,
    sourcemap: true,
    legalComments: 'linked',
    loader: { '.txt': 'text', '.wasm': 'binary' },
    metafile: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundle(process.argv[2] ?? 'dist');
}
