/**
 * New York City's daily confirmed COVID-19 cases, spring 2020: 29 February to
 * 30 June 2020 (123 days), by date of diagnosis.
 *
 * Source: NYC Health, coronavirus-data repository (github.com/nychealth/coronavirus-data),
 * file trends/cases-by-day.csv, column CASE_COUNT. Counts are the values in that file;
 * tests/unit/nyc-data.test.ts checks them against the copy in ../shared/data/.
 * The dips every seven days are weekends (fewer tests reported), not the virus.
 */

/** Where the numbers come from, in the words a slide or a chart caption shows. */
export const NYC_SOURCE =
  'NYC Health coronavirus-data repository, trends/cases-by-day.csv (confirmed cases by date of diagnosis)';

/** First day of the series (ISO date). */
export const NYC_START = '2020-02-29';

/** Confirmed cases per day, one value per day from NYC_START. */
export const NYC_CASES: readonly number[] = [
  1, 0, 0, 1, 5, 3, 8, 7, 21, 57, 69, 155, 355, 619,
  642, 1034, 2121, 2451, 2971, 3706, 4007, 2639, 2580, 3570, 4497, 4873, 5044, 5119,
  3478, 3560, 6129, 5458, 5448, 5746, 5670, 3866, 3782, 6353, 6044, 5574, 5070, 4510,
  3732, 2887, 3311, 4144, 3876, 3530, 3586, 2172, 2342, 3792, 3061, 3446, 2841, 2535,
  1595, 1003, 2290, 2726, 2339, 2021, 1886, 1058, 787, 1549, 1512, 1397, 1238, 1079,
  657, 457, 1231, 1285, 1333, 1111, 873, 485, 360, 894, 1002, 1077, 1069, 1036,
  455, 467, 464, 1050, 740, 646, 638, 346, 230, 686, 570, 515, 517, 402,
  247, 197, 447, 419, 363, 363, 409, 196, 180, 380, 419, 356, 378, 361,
  203, 172, 402, 381, 381, 298, 317, 206, 201, 437, 442,
];

const DAY_MS = 86_400_000;

/** ISO date (YYYY-MM-DD) of day `index` of the series (0 = NYC_START). UTC, so no DST shifts. */
export function nycDate(index: number): string {
  const start = Date.parse(`${NYC_START}T00:00:00Z`);
  return new Date(start + index * DAY_MS).toISOString().slice(0, 10);
}

/** The dates, one per count: 2020-02-29 … 2020-06-30. */
export const NYC_DATES: readonly string[] = NYC_CASES.map((_, i) => nycDate(i));

/** Index of the largest daily count (the peak day of the spring wave). */
export function nycPeak(): { index: number; date: string; cases: number } {
  let index = 0;
  for (let i = 1; i < NYC_CASES.length; i++) if (NYC_CASES[i] > NYC_CASES[index]) index = i;
  return { index, date: NYC_DATES[index], cases: NYC_CASES[index] };
}
