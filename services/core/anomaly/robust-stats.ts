/** Median of a list (NaN for an empty one). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The q-quantile (0..1) by linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

/** Median absolute deviation from the median. */
export function mad(values: readonly number[], center = median(values)): number {
  return median(values.map((v) => Math.abs(v - center)));
}

/** 1.4826 · MAD estimates the standard deviation of normal data, ignoring outliers. */
export const MAD_TO_SIGMA = 1.4826;

export interface Baseline {
  readonly n: number;
  readonly median: number;
  /**
   * The usual range, 10th to 90th percentile: a value inside it has been seen before and is no
   * departure, whatever median and MAD say (they mislead on a source that alternates between
   * two levels).
   */
  readonly low: number;
  readonly high: number;
  readonly mad: number;
  /** The scale a deviation is measured in: σ from the MAD, floored so a perfectly steady past does not make every wobble infinite. */
  readonly scale: number;
}

export interface ScaleFloor {
  /** Relative to |median|. */
  readonly relative: number;
  /** In the metric's unit. */
  readonly absolute: number;
}

export function baselineOf(values: readonly number[], floor: ScaleFloor): Baseline {
  const m = median(values);
  const d = mad(values, m);
  return {
    n: values.length,
    median: m,
    low: quantile(values, 0.1),
    high: quantile(values, 0.9),
    mad: d,
    scale: Math.max(MAD_TO_SIGMA * d, floor.relative * Math.abs(m), floor.absolute),
  };
}

/** How many robust standard deviations x is from the baseline. */
export const robustZ = (x: number, b: Baseline): number => (x - b.median) / b.scale;

/** For evidence maps: short and stable text. */
export const fmt = (x: number): string =>
  Number.isInteger(x)
    ? String(x)
    : Math.abs(x) >= 100
      ? x.toFixed(0)
      : x.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
