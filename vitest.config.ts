import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Imports `*.txt` as a string, as esbuild's `text` loader does in the bundle. */
const textFiles: Plugin = {
  name: 'text-files',
  transform(_code, id) {
    if (!id.endsWith('.txt')) return null;
    return { code: `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`, map: null };
  },
};

/**
 * The longest files start first (longest-processing-time scheduling): the
 * soaks walk every deck three times, the fuzz and readability tests every
 * element and deck. Vitest's own order on a clean clone (no timing cache)
 * is by file size, which would start the two small soak files last and
 * leave one core idle at the end while they run.
 */
const LONGEST = [/soak-lectures/, /soak-field-rhymes/, /fuzz\.test/, /readability\.test/];
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONGEST.findIndex((r) => r.test(f.moduleId));
      return i < 0 ? LONGEST.length : i;
    };
    return sorted.map((f, i) => [f, i] as const).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([f]) => f);
  }
}

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
    sequence: { sequencer: LongestFirst },
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
