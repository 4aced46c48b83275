/** Percentiles of measured values, as every benchmark here reports them. */

/** The value at rank floor(n p) of ascending `sorted` (the upper one of two middle values for p 0.5); NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

export interface Spread {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Count, p50, p90, p99 and max of `values`, rounded to 0.01 (NaN where there are none). */
export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => round(percentile(sorted, p));
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(sorted[sorted.length - 1] ?? Number.NaN) };
}

const round = (n: number) => Math.round(n * 100) / 100;
