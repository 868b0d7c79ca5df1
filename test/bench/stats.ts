/** Latency summary in milliseconds, from every sample (no histogram buckets, no sampling). */
export type Latency = { p50: number; p90: number; p99: number; max: number; mean: number };

export function summarize(samples: number[]): Latency {
  if (samples.length === 0) return { p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = Float64Array.from(samples).sort();
  // Nearest-rank percentile: the smallest sample with at least p% of samples at or below it.
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { p50: at(50), p90: at(90), p99: at(99), max: sorted[sorted.length - 1]!, mean };
}

export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);
export const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
export const median = (xs: number[]) => summarize(xs).p50;
