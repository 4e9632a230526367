import { AnalyticsError } from './analytics-error.ts';

export const RESOLUTIONS = { hour: 'hour', day: 'day', week: 'week' } as const;
export type Resolution = (typeof RESOLUTIONS)[keyof typeof RESOLUTIONS];
export const RESOLUTION_LIST: readonly Resolution[] = Object.values(RESOLUTIONS);

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const RESOLUTION_MS: Readonly<Record<Resolution, number>> = {
  hour: HOUR_MS,
  day: DAY_MS,
  week: 7 * DAY_MS,
};

/** The longest range any endpoint answers: the rollups keep two years. */
export const MAX_RANGE_MS = 731 * DAY_MS;
/** More points than any chart draws; also bounds the rows a series query returns. */
export const MAX_BUCKETS = 2_000;
export const DEFAULT_RANGE_MS = 7 * DAY_MS;

/** A validated half-open time range [from, to) in epoch ms, and the bucket size of its series. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
  readonly resolution: Resolution;
}

export interface RangeInput {
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  readonly resolution?: Resolution | undefined;
}

/** The finest resolution that keeps a default chart readable (at most ~200 points). */
export function defaultResolution(rangeMs: number): Resolution {
  if (rangeMs <= 8 * DAY_MS) return RESOLUTIONS.hour;
  if (rangeMs <= 200 * DAY_MS) return RESOLUTIONS.day;
  return RESOLUTIONS.week;
}

/**
 * Fills defaults (to = now, from = to - 7 days, resolution by range) and enforces the bounds:
 * from < to, a range of at most MAX_RANGE_MS, at most MAX_BUCKETS buckets.
 */
export function resolveRange(
  input: RangeInput,
  now: number,
  allowed: readonly Resolution[] = RESOLUTION_LIST,
): TimeRange {
  const to = input.to ?? now;
  const from = input.from ?? to - DEFAULT_RANGE_MS;
  if (from >= to) {
    throw new AnalyticsError('ANALYTICS_INVALID_INPUT', 'from must be before to', {
      issues: [{ path: 'query.from', message: 'must be before to' }],
    });
  }
  if (to - from > MAX_RANGE_MS) {
    throw new AnalyticsError(
      'ANALYTICS_RANGE_TOO_LARGE',
      `the range is longer than ${MAX_RANGE_MS / DAY_MS} days`,
    );
  }
  const resolution = input.resolution ?? pickAllowed(defaultResolution(to - from), allowed);
  if (!allowed.includes(resolution)) {
    throw new AnalyticsError('ANALYTICS_INVALID_INPUT', `resolution must be one of ${allowed.join(', ')}`, {
      issues: [{ path: 'query.resolution', message: `must be one of ${allowed.join(', ')}` }],
    });
  }
  const buckets = Math.ceil((to - from) / RESOLUTION_MS[resolution]);
  if (buckets > MAX_BUCKETS) {
    throw new AnalyticsError(
      'ANALYTICS_RANGE_TOO_LARGE',
      `${buckets} ${resolution} buckets requested, at most ${MAX_BUCKETS}: choose a coarser resolution or a shorter range`,
    );
  }
  return { from, to, resolution };
}

function pickAllowed(preferred: Resolution, allowed: readonly Resolution[]): Resolution {
  if (allowed.includes(preferred)) return preferred;
  // The next coarser allowed resolution, else the coarsest.
  const coarser = allowed.filter((r) => RESOLUTION_MS[r] >= RESOLUTION_MS[preferred]);
  return coarser[0] ?? allowed[allowed.length - 1] ?? preferred;
}

/**
 * The bucket start of an hourly rollup row (`hour`, a DateTime) as SQL, per resolution. Weeks
 * start on Monday (ISO). A closed set of fixed fragments: no input reaches the text.
 */
export function hourBucketSql(resolution: Resolution, column = 'hour'): string {
  switch (resolution) {
    case 'hour':
      return column;
    case 'day':
      return `toStartOfDay(${column})`;
    case 'week':
      return `toDateTime(toMonday(${column}), 'UTC')`;
  }
}

/** The same for a daily rollup row (`day`, a Date). */
export function dayBucketSql(resolution: Exclude<Resolution, 'hour'>, column = 'day'): string {
  return resolution === 'day' ? `toDateTime(${column}, 'UTC')` : `toDateTime(toMonday(${column}), 'UTC')`;
}

/**
 * Rows of an hourly rollup that overlap [from, to): hours starting at or after the hour
 * holding `from`, and before `to`. A range that starts mid-hour includes that whole hour.
 */
export const HOURS_IN_RANGE = 'hour >= toStartOfHour({from:DateTime64(3)}) AND hour < {to:DateTime64(3)}';

/** Days of a daily rollup that overlap [from, to). */
export const DAYS_IN_RANGE =
  "day >= toDate({from:DateTime64(3)}, 'UTC') AND day <= toDate({to:DateTime64(3)} - toIntervalMillisecond(1), 'UTC')";

export function rangeParams(range: TimeRange): { from: Date; to: Date } {
  return { from: new Date(range.from), to: new Date(range.to) };
}
