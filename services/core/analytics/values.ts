/**
 * ClickHouse JSON values as numbers: 64-bit integers arrive quoted (the client pins
 * output_format_json_quote_64bit_integers), 32-bit ones and floats as numbers, NaN as null.
 */
export function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value !== '') return Number(value);
  return 0;
}

export function numOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = num(value);
  return Number.isFinite(n) ? n : null;
}

/** success / total, or null when nothing happened (no rate is not a zero rate). */
export function ratio(part: number, total: number): number | null {
  return total > 0 ? part / total : null;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** [p50, p95, p99] from quantilesExactInclusive, or null when there were no samples. */
export function percentiles(value: unknown, samples: number): Percentiles | null {
  if (samples === 0 || !Array.isArray(value)) return null;
  const [p50, p95, p99] = value.map(numOrNull);
  if (p50 == null || p95 == null || p99 == null) return null;
  return { p50, p95, p99 };
}

/** Epoch ms as the ISO text every response uses. */
export function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** The percentiles every latency in the analytics reports, as SQL (linear interpolation, R-7). */
export const PERCENTILES_SQL = "arrayReduce('quantilesExactInclusive(0.5, 0.95, 0.99)', ";
