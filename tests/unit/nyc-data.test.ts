import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NYC_CASES, NYC_DATES, NYC_SOURCE, nycPeak } from '../../components/data/nyc-spring-2020';

/** Rows of NYC Health's trends/cases-by-day.csv as { iso date, CASE_COUNT }. */
function readCsv(): { date: string; cases: number }[] {
  const text = readFileSync(new URL('../../../shared/data/nyc-cases-by-day.csv', import.meta.url), 'utf8');
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const columns = header.split(',');
  const dateCol = columns.indexOf('date_of_interest');
  const caseCol = columns.indexOf('CASE_COUNT');
  return lines.map((line) => {
    const cells = line.split(',');
    const [month, day, year] = cells[dateCol].split('/');
    return { date: `${year}-${month}-${day}`, cases: Number(cells[caseCol]) };
  });
}

describe('NYC spring 2020 series', () => {
  const rows = readCsv();
  const window = rows.filter((r) => r.date >= '2020-02-29' && r.date <= '2020-06-30');

  it('covers 29 February to 30 June 2020, one value per day', () => {
    expect(NYC_DATES[0]).toBe('2020-02-29');
    expect(NYC_DATES.at(-1)).toBe('2020-06-30');
    expect(NYC_DATES).toHaveLength(123);
    expect(NYC_CASES).toHaveLength(NYC_DATES.length);
  });

  it('equals the CASE_COUNT column of the CSV, date by date', () => {
    expect(window).toHaveLength(123);
    expect(NYC_DATES).toEqual(window.map((r) => r.date));
    expect(NYC_CASES).toEqual(window.map((r) => r.cases));
  });

  it('peaks at 6,353 cases on 2020-04-06', () => {
    expect(nycPeak()).toEqual({ index: 37, date: '2020-04-06', cases: 6353 });
  });

  it('names its source', () => {
    expect(NYC_SOURCE).toMatch(/NYC Health/);
    expect(NYC_SOURCE).toMatch(/trends\/cases-by-day\.csv/);
  });
});
