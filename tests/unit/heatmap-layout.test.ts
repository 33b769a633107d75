import { describe, expect, it } from 'vitest';
import { columnLabelLayout, MIN_TEXT } from '../../components/charts/heatmap';

describe('columnLabelLayout (heatmap column labels: whole, never cut)', () => {
  it.each([
    ['single characters over 17-unit columns (a bigram table)', ['a', 'b', '.'], 17, 16, 0],
    ['short tokens over wide columns', ['The', 'cat', 'sat'], 80, 18, 0],
    ['"animal" over a 55-unit column: slanted', ['The', 'animal', 'did'], 55, 20, -45],
    ['"flooded" over a 20-unit column: standing', ['Was', 'the', 'flooded'], 20, 16, -90],
    ['every 8th dimension numbered over 7-unit columns: level', Array.from({ length: 64 }, (_, j) => (j % 8 ? '' : String(j))), 7, 16, 0],
  ] as const)('lays out %s', (_, labels, step, size, angle) => {
    const layout = columnLabelLayout(labels, step, size);
    expect(layout.angle).toBe(angle);
    // The room above the grid holds the longest label at its angle.
    const longest = Math.max(...labels.map((l) => l.length)) * 0.6 * size;
    const needed = angle === 0 ? size : angle === -45 ? longest * Math.SQRT1_2 : longest;
    expect(layout.extent).toBeGreaterThanOrEqual(needed);
    // Only slanted labels run right of their column.
    expect(layout.reach > 0).toBe(angle === -45);
  });

  it('keeps slanted labels one line apart (column step × sin 45° ≥ the font size)', () => {
    for (let step = 10; step < 120; step += 3) {
      const layout = columnLabelLayout(['because'], step, MIN_TEXT);
      if (layout.angle === -45) expect(step * Math.SQRT1_2).toBeGreaterThanOrEqual(MIN_TEXT);
    }
  });
});
