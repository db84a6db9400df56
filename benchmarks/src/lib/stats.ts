/** Summary statistics of a sample; percentiles by linear interpolation between closest ranks. */
export interface Summary {
  readonly count: number;
  readonly mean: number;
  readonly median: number;
  readonly p95: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

/** The q-quantile (0..1) of an ascending array; NaN when empty. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (b - a) * (pos - lo);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  let sum = 0;
  for (const v of list) sum += v;
  return {
    count: list.length,
    mean: list.length > 0 ? sum / list.length : Number.NaN,
    median: quantileSorted(list, 0.5),
    p95: quantileSorted(list, 0.95),
    p99: quantileSorted(list, 0.99),
    min: list[0] ?? Number.NaN,
    max: list[list.length - 1] ?? Number.NaN,
  };
}

export function median(values: readonly number[]): number {
  return summarize(values).median;
}
