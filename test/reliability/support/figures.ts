/**
 * The figures each reliability test measures, printed as one JSON line per test so
 * docs/reliability.md can quote them: `reliability-figures {"suite":…,…}`.
 */
export type Figures = Record<string, number | string | boolean | string[] | Record<string, number>>;

export const FIGURES_TAG = 'reliability-figures';

export function printFigures(suite: string, figures: Figures): void {
  console.info(`${FIGURES_TAG} ${JSON.stringify({ suite, ...figures })}`);
}

/** Counts occurrences by label (answers by HTTP status, faults by kind…). */
export class Tally {
  readonly counts: Record<string, number> = {};

  add(label: string | number, by = 1): void {
    this.counts[label] = (this.counts[label] ?? 0) + by;
  }

  get total(): number {
    return Object.values(this.counts).reduce((sum, count) => sum + count, 0);
  }

  of(label: string | number): number {
    return this.counts[label] ?? 0;
  }
}
