/** Percentiles of measured values, as every benchmark here reports them. */

/** The value at rank floor(n p) of ascending `sorted` (the upper one of two middle values for p 0.5); NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}
