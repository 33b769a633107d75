import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NYC_CASES, NYC_START } from '../../components/data/nyc-spring-2020';

// scripts/nyc-cases-diagram.mjs is plain JS run by node; import it by URL and type the part we use.
type Generator = {
  renderNycCases(cases: readonly number[], start: string): string;
  readNycData(): Promise<{ cases: number[]; start: string }>;
  OUT_FILE: string;
  SHOWN_DAYS: number;
};
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const load = () => import(pathToFileURL(path.join(root, 'scripts/nyc-cases-diagram.mjs')).href) as Promise<Generator>;

describe('diagrams/nyc-cases.svg (slide 2 of the gradient-handoff deck)', () => {
  it('reads the same numbers from the TypeScript data file as the demos import', async () => {
    const g = await load();
    const { cases, start } = await g.readNycData();
    expect(cases).toEqual([...NYC_CASES]);
    expect(start).toBe(NYC_START);
  });

  it('is what the generator makes from the current data (run `node scripts/nyc-cases-diagram.mjs` after a data change)', async () => {
    const g = await load();
    expect(await readFile(g.OUT_FILE, 'utf8')).toBe(g.renderNycCases(NYC_CASES, NYC_START));
  });

  it('draws one bar per day from 29 Feb to 6 Apr, each as tall as its count', async () => {
    const g = await load();
    const svg = g.renderNycCases(NYC_CASES, NYC_START);
    const bars = [...svg.matchAll(/<rect class="day" data-day="(\d+)" data-cases="(\d+)" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g)];
    expect(bars).toHaveLength(g.SHOWN_DAYS);
    // Heights are proportional to the counts: height / count is the same for every day of 100 cases or more
    // (heights are written to 0.1 px, so tiny bars round).
    const perCase = bars.filter((b) => Number(b[2]) >= 100).map((b) => Number(b[4]) / Number(b[2]));
    expect(perCase.length).toBeGreaterThan(20);
    bars.forEach((b, i) => expect(Number(b[2])).toBe(NYC_CASES[i]));
    for (const r of perCase) expect(Math.abs(r / perCase[0] - 1)).toBeLessThan(0.01);
    // The numbers read out on the slide: 57 on 9 Mar, 2,121 on 16 Mar, 3,570 on 23 Mar, 6,353 on 6 Apr.
    for (const label of ['57', '2,121', '3,570', '6,353', '9 Mar', '6 Apr', 'next week']) expect(svg).toContain(`>${label}<`);
  });
});
