import { describe, expect, it } from 'vitest';
import {
  dayBucketSql,
  defaultResolution,
  hourBucketSql,
  MAX_BUCKETS,
  resolveRange,
} from '../../../../services/core/analytics/time-range.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);

describe('resolveRange', () => {
  it('defaults to the last 7 days up to now, by hour', () => {
    expect(resolveRange({}, NOW)).toEqual({ from: NOW - 7 * DAY, to: NOW, resolution: 'hour' });
  });

  it('picks a resolution that keeps a chart readable, and the coarser allowed one when it must', () => {
    expect(defaultResolution(2 * DAY)).toBe('hour');
    expect(defaultResolution(30 * DAY)).toBe('day');
    expect(defaultResolution(400 * DAY)).toBe('week');
    expect(resolveRange({ from: NOW - 2 * DAY, to: NOW }, NOW, ['day', 'week']).resolution).toBe('day');
  });

  it('refuses an empty or reversed range, naming from', () => {
    expect(() => resolveRange({ from: NOW, to: NOW }, NOW)).toThrow(
      expect.objectContaining({
        code: 'ANALYTICS_INVALID_INPUT',
        details: { issues: [{ path: 'query.from', message: 'must be before to' }] },
      }),
    );
  });

  it('refuses ranges over two years and more buckets than a chart can hold', () => {
    expect(() => resolveRange({ from: NOW - 800 * DAY, to: NOW }, NOW)).toThrow(
      expect.objectContaining({ code: 'ANALYTICS_RANGE_TOO_LARGE' }),
    );
    expect(() =>
      resolveRange({ from: NOW - (MAX_BUCKETS + 1) * HOUR, to: NOW, resolution: 'hour' }, NOW),
    ).toThrow(expect.objectContaining({ code: 'ANALYTICS_RANGE_TOO_LARGE' }));
    expect(
      resolveRange({ from: NOW - MAX_BUCKETS * HOUR, to: NOW, resolution: 'hour' }, NOW).resolution,
    ).toBe('hour');
  });

  it('refuses a resolution the endpoint does not offer', () => {
    expect(() => resolveRange({ resolution: 'hour' }, NOW, ['day', 'week'])).toThrow(
      expect.objectContaining({ code: 'ANALYTICS_INVALID_INPUT' }),
    );
  });

  it('buckets with fixed SQL fragments only', () => {
    expect(hourBucketSql('hour')).toBe('hour');
    expect(hourBucketSql('day')).toBe('toStartOfDay(hour)');
    expect(hourBucketSql('week')).toBe("toDateTime(toMonday(hour), 'UTC')");
    expect(dayBucketSql('day')).toBe("toDateTime(day, 'UTC')");
  });
});
