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
    // Two cores, two test files at a time: most of a browser test's time is
    // waiting on a page (training steps, settling, screenshots), so a second
    // file fills the gaps; more than two would only queue for the CPU. Tests
    // assert states and counts, never wall-clock times, so contention slows
    // them without changing their outcome.
    fileParallelism: true,
    maxWorkers: 2,
    minWorkers: 1,
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
