import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatInterval,
  MAX_INTERVAL_SECONDS,
  MIN_INTERVAL_SECONDS,
  parseInterval,
} from '../../../../services/core/catalog/interval.ts';

describe('parseInterval', () => {
  it.each([
    ['30m', 1800],
    ['1h', 3600],
    ['1h30m', 5400],
    ['90s', 90],
    ['2d', 172_800],
    ['1d2h3m4s', 93_784],
    [' 15m ', 900],
    ['0s', 0],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseInterval(text)).toBe(seconds);
  });

  it.each(['', '30', '1.5h', '1x', 'm30', '30m1h', '1 h', '-1h', 'h'])('refuses %j', (text) => {
    expect(parseInterval(text)).toBeUndefined();
  });
});

describe('formatInterval', () => {
  it.each([
    [5400, '1h30m'],
    [1800, '30m'],
    [MIN_INTERVAL_SECONDS, '10s'],
    [MAX_INTERVAL_SECONDS, '7d'],
    [93_784, '1d2h3m4s'],
  ])('writes %i seconds as %s', (seconds, text) => {
    expect(formatInterval(seconds)).toBe(text);
  });

  it('refuses zero, negative and fractional seconds', () => {
    for (const bad of [0, -1, 1.5]) expect(() => formatInterval(bad)).toThrow(RangeError);
  });

  it('writes what parseInterval reads back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * MAX_INTERVAL_SECONDS }), (seconds) => {
        expect(parseInterval(formatInterval(seconds))).toBe(seconds);
      }),
    );
  });
});
