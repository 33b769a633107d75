import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';

/** Imports `*.txt` as a string, as esbuild's `text` loader does in the bundle. */
const textFiles: Plugin = {
  name: 'text-files',
  transform(_code, id) {
    if (!id.endsWith('.txt')) return null;
    return { code: `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`, map: null };
  },
};

export default defineConfig({
  plugins: [textFiles],
  test: {
    // Two cores: one test file (one Chromium) at a time keeps timings sane.
    fileParallelism: false,
    projects: [
      {
        plugins: [textFiles],
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        plugins: [textFiles],
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/browser/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
