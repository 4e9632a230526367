import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  coveredSlot,
  DEFAULT_SCHEDULE_POLICY,
  FIRST_FETCH,
  nextDueAt,
  phaseMs,
  slotAtOrAfter,
  slotStride,
} from '../../../../services/core/fetching/schedule.ts';
import type { SourceSchedule } from '../../../../services/core/fetching/schedule.ts';

const MIN = 60_000;
const base = (over: Partial<SourceSchedule> = {}): SourceSchedule => ({
  sourceId: 'src-a',
  intervalMs: 30 * MIN,
  lastSlot: undefined,
  consecutiveFailures: 0,
  notBefore: undefined,
  ...over,
});

describe('schedule slots', () => {
  it('puts every slot of a source on its own grid', () => {
    const interval = 30 * MIN;
    const slot = slotAtOrAfter('src-a', interval, 1_000_000_000);
    expect(slot).toBeGreaterThanOrEqual(1_000_000_000);
    expect(slot - 1_000_000_000).toBeLessThan(interval);
    expect((slot - phaseMs('src-a', interval)) % interval).toBe(0);
  });

  it('gives every instance the same slots for the same source', () => {
    const a = slotAtOrAfter('src-a', 30 * MIN, 5e12);
    const b = slotAtOrAfter('src-a', 30 * MIN, 5e12);
    expect(a).toBe(b);
  });

  it('spreads the phases of many sources over the interval', () => {
    const interval = 60 * MIN;
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 1_000; i += 1) {
      const bucket = Math.floor((phaseMs(`source-${i}`, interval) / interval) * 10);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    for (const count of buckets) expect(count).toBeGreaterThan(50);
  });
});

describe('nextDueAt', () => {
  const now = 1_700_000_000_000;

  it('waits for the next slot when the source is new to this instance', () => {
    expect(nextDueAt(base(), now)).toBe(slotAtOrAfter('src-a', 30 * MIN, now + 1));
  });

  it('fetches a new source at once when asked to', () => {
    expect(nextDueAt(base(), now, { firstFetch: FIRST_FETCH.immediately })).toBe(now);
  });

  it('goes to the following slot after a fetch', () => {
    const slot = slotAtOrAfter('src-a', 30 * MIN, now);
    expect(nextDueAt(base({ lastSlot: slot }), slot + 5_000)).toBe(slot + 30 * MIN);
  });

  it('skips a slot missed while busy rather than fetching twice in an interval', () => {
    const slot = slotAtOrAfter('src-a', 30 * MIN, now);
    expect(nextDueAt(base({ lastSlot: slot }), slot + 31 * MIN)).toBe(slot + 60 * MIN);
  });

  it('stretches the gap for a source that keeps failing, up to the cap', () => {
    const slot = slotAtOrAfter('src-a', 30 * MIN, now);
    const after = (failures: number) =>
      (nextDueAt(base({ lastSlot: slot, consecutiveFailures: failures }), slot + 1) - slot) / (30 * MIN);
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(after)).toEqual([1, 1, 1, 2, 4, 8, 8, 8]);
  });

  it('never stretches beyond the backoff ceiling in time', () => {
    expect(slotStride(50, 12 * 60 * MIN, DEFAULT_SCHEDULE_POLICY)).toBe(2);
    expect(slotStride(50, 7 * 24 * 60 * MIN, DEFAULT_SCHEDULE_POLICY)).toBe(1);
  });

  it('honours a Retry-After beyond the next slot, landing on a slot', () => {
    const slot = slotAtOrAfter('src-a', 30 * MIN, now);
    const due = nextDueAt(base({ lastSlot: slot, notBefore: slot + 100 * MIN }), slot + 1);
    expect(due).toBe(slot + 120 * MIN);
  });

  it('an immediate first fetch covers the upcoming slot, so the next one is a full interval later', () => {
    const interval = 30 * MIN;
    const covered = coveredSlot('src-a', interval, now);
    const next = nextDueAt(base({ lastSlot: covered }), now + 1);
    expect(next - now).toBeGreaterThanOrEqual(interval);
  });

  it('never schedules two fetches of a source within one interval, also when another instance takes it over', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.integer({ min: 10_000, max: 7 * 24 * 3_600_000 }),
        fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 3 * 3_600_000 }), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        (id, intervalMs, start, delays, immediately) => {
          // One instance runs a few fetches, each starting some delay after it fell due (busy host queues);
          // then a second instance takes over with no memory of it and schedules on its own.
          let now = start;
          let lastSlot: number | undefined;
          const fetches: number[] = [];
          const firstFetch = immediately ? FIRST_FETCH.immediately : FIRST_FETCH.nextSlot;
          for (const delay of delays) {
            const due = nextDueAt(base({ sourceId: id, intervalMs, lastSlot }), now, { firstFetch });
            fetches.push(due);
            lastSlot = coveredSlot(id, intervalMs, due);
            now = due + delay;
          }
          // An immediate first fetch is off the grid, so only grid-only instances may take over blind.
          if (!immediately) fetches.push(nextDueAt(base({ sourceId: id, intervalMs }), now));
          return fetches.every((t, i) => i === 0 || t - (fetches[i - 1] ?? 0) >= intervalMs);
        },
      ),
    );
  });
});
