import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { demoHandle, openBrowser, type Harness } from './harness';

type Errors = { degree: number; trainRmse: number; heldOutRmse: number }[];

/** Daily counts 29 Feb – 30 Jun 2020 from the CSV (the test's own copy of the series). */
const CASES = readFileSync('../shared/data/nyc-cases-by-day.csv', 'utf8').trim().split('\n').slice(1, 124)
  .map((line) => Number(line.split(',')[1]));

/** Plain-JS least squares (normal equations, float64) on monomials: RMSE on the fitted points. */
function referenceRmse(days: number[], degree: number): number {
  const t = days.map((d) => (2 * d) / 122 - 1);
  const y = days.map((d) => CASES[d]);
  const k = degree + 1;
  const A = Array.from({ length: k }, () => new Array(k + 1).fill(0));
  t.forEach((x, n) => {
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) A[r][c] += x ** (r + c);
      A[r][k] += x ** r * y[n];
    }
  });
  for (let col = 0; col < k; col++) {
    for (let r = col + 1; r < k; r++) {
      const f = A[r][col] / A[col][col];
      for (let c = col; c <= k; c++) A[r][c] -= f * A[col][c];
    }
  }
  const coef = new Array(k).fill(0);
  for (let r = k - 1; r >= 0; r--) coef[r] = (A[r][k] - A[r].slice(r + 1, k).reduce((s, a, j) => s + a * coef[r + 1 + j], 0)) / A[r][r];
  const fit = t.map((x) => coef.reduce((s, c, j) => s + c * x ** j, 0));
  return Math.sqrt(fit.reduce((s, f, n) => s + (f - y[n]) ** 2, 0) / t.length);
}

describe('<polynomial-fit>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('fits every degree 0…15 to 16 NYC days: fitted error falls, held-out error turns back up', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<polynomial-fit id="p" degree="3" points="16"></polynomial-fit>');
    const d = demoHandle(page, '#p');
    await d.ready();
    const errors = await d.prop<Errors>('errorsByDegree');
    expect(errors.map((e) => e.degree)).toEqual([...Array(16).keys()]);
    for (let k = 1; k < 16; k++) expect(errors[k].trainRmse).toBeLessThanOrEqual(errors[k - 1].trainRmse + 1);
    expect(errors[15].trainRmse).toBeLessThan(5); // 16 points, degree 15: through every dot
    const bestHeld = Math.min(...errors.map((e) => e.heldOutRmse));
    expect(errors[15].heldOutRmse).toBeGreaterThan(3 * bestHeld); // and wild between them
    expect(await d.prop('trainRmse')).toBeCloseTo(errors[3].trainRmse, 6);
    expect(await d.prop<number[]>('curve')).toHaveLength(400);
    expect(h.consoleErrors).toEqual([]);
    await h.screenshot('polynomial-fit', d.locator);
  });

  it('agrees with a plain-JS normal-equations fit at degrees 1, 2 and 5', async () => {
    const degrees = [1, 2, 5];
    const page = await h.mount(degrees.map((k) => `<polynomial-fit id="p${k}" degree="${k}" points="16"></polynomial-fit>`).join(''));
    const days = Array.from({ length: 16 }, (_, j) => Math.round((j * 122) / 15));
    for (const k of degrees) {
      const d = demoHandle(page, `#p${k}`);
      await d.ready();
      expect(await d.prop<number>('trainRmse')).toBeCloseTo(referenceRmse(days, k), 0);
    }
  });

  it('shows each extra bend on the slider and flags overfitting at high degree', async () => {
    const page = await h.mount('<polynomial-fit id="p" degree="1" points="16"></polynomial-fit>');
    const d = demoHandle(page, '#p');
    await d.ready();
    await expect.poll(() => d.part('.controls').textContent()).toContain('no bends');
    for (const [degree, text] of [[2, '1 bend'], [14, 'up to 13 bends']] as const) {
      await d.part('input[aria-label="degree"]').evaluate((input: HTMLInputElement, v) => {
        input.value = String(v);
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      }, degree);
      await expect.poll(() => d.prop('shownDegree')).toBe(degree);
      await expect.poll(() => d.part('.controls').textContent()).toContain(text);
    }
    await expect.poll(() => d.part('.readout').textContent()).toContain('overfitting');
    await h.screenshot('polynomial-fit-degree-14', d.locator);
  });

  it('explains each bad attribute in its box and draws the default (one page, three demos)', async () => {
    h.consoleErrors.length = 0;
    const cases = [
      { attrs: 'degree="x"', attribute: 'degree' },
      { attrs: 'points="1"', attribute: 'points' },
      { attrs: 'max-degree="50"', attribute: 'max-degree' },
    ];
    const page = await h.mount(cases.map((c, j) => `<polynomial-fit id="bad${j}" ${c.attrs}></polynomial-fit>`).join(''));
    for (const [j, c] of cases.entries()) {
      const d = demoHandle(page, `#bad${j}`);
      await d.ready();
      expect(await d.messages()).toContain(c.attribute);
      expect((await d.prop<Errors>('errorsByDegree')).length).toBeGreaterThan(1);
    }
    expect(h.consoleErrors).toEqual([]);
  });

  it('caps the degree at points − 1 (5 points cannot pin down degree 12)', async () => {
    const page = await h.mount('<polynomial-fit id="p" degree="12" points="5"></polynomial-fit>');
    const d = demoHandle(page, '#p');
    await d.ready();
    expect(await d.prop('shownDegree')).toBe(4);
    expect(await d.prop<Errors>('errorsByDegree')).toHaveLength(5);
  });
});
