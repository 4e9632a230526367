import { setImmediate as realImmediate } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { slotAtOrAfter } from '../../../services/core/fetching/schedule.ts';
import { createFetchScheduler } from '../../../services/fetcher/fetch-scheduler.ts';
import type { ScheduledSource } from '../../../services/fetcher/fetch-scheduler.ts';
import type { FetchRound } from '../../../services/fetcher/fetch-source.ts';

const START = Date.parse('2025-03-01T00:00:00Z');
const ok: FetchRound = { succeeded: true, outcome: 'ok', attempts: 1, notBefore: undefined };
const failed: FetchRound = { succeeded: false, outcome: 'timeout', attempts: 3, notBefore: undefined };

const source = (id: string, over: Partial<ScheduledSource> = {}): ScheduledSource => ({
  id,
  urls: [`https://example.com/${id}`],
  allowPrivateAddresses: false,
  intervalSeconds: 60,
  enabled: true,
  ...over,
});

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i += 1) await realImmediate();
};

beforeEach(() => {
  vi.useFakeTimers({ now: START, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('fetch scheduler', () => {
  it('fetches each source at its slots, once per interval', async () => {
    const calls: [string, number][] = [];
    const scheduler = createFetchScheduler({
      runFetch: (s) => {
        calls.push([s.id, Date.now()]);
        return Promise.resolve(ok);
      },
      maxConcurrentFetches: 4,
    });
    scheduler.upsert(source('a'), 0);
    scheduler.upsert(source('b', { intervalSeconds: 120 }), 1);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    await scheduler.stop();
    const times = (id: string) => calls.filter(([s]) => s === id).map(([, t]) => t);
    expect(times('a')).toHaveLength(10);
    expect(times('b')).toHaveLength(5);
    expect(times('a')[0]).toBe(slotAtOrAfter('a', 60_000, START + 1));
    for (const [i, t] of times('a').entries()) if (i > 0) expect(t - (times('a')[i - 1] ?? 0)).toBe(60_000);
  });

  it('backs off a source that keeps failing and recovers after a success', async () => {
    const calls: number[] = [];
    let fail = true;
    const scheduler = createFetchScheduler({
      runFetch: () => {
        calls.push(Date.now());
        return Promise.resolve(fail ? failed : ok);
      },
      maxConcurrentFetches: 1,
    });
    scheduler.upsert(source('flaky'), 0);
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    const gaps = calls.slice(1).map((t, i) => (t - (calls[i] ?? 0)) / 60_000);
    expect(gaps.slice(0, 6)).toEqual([1, 1, 2, 4, 8, 8]);
    fail = false;
    const before = calls.length;
    await vi.advanceTimersByTimeAsync(20 * 60_000);
    const after = calls.slice(before - 1);
    expect(after.slice(2).map((t, i) => (t - (after[i + 1] ?? 0)) / 60_000)).toEqual(
      after.slice(2).map(() => 1),
    );
    await scheduler.stop();
  });

  it('holds a source until its Retry-After', async () => {
    const calls: number[] = [];
    const scheduler = createFetchScheduler({
      runFetch: () => {
        calls.push(Date.now());
        return Promise.resolve(
          calls.length === 1
            ? { ...failed, outcome: 'rate-limited', notBefore: Date.now() + 10 * 60_000 }
            : ok,
        );
      },
      maxConcurrentFetches: 1,
    });
    scheduler.upsert(source('limited'), 0);
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    await scheduler.stop();
    expect((calls[1] ?? 0) - (calls[0] ?? 0)).toBeGreaterThanOrEqual(10 * 60_000);
  });

  it('never runs more fetches at once than allowed, nor one source twice at once', async () => {
    let running = 0;
    let peak = 0;
    const perSource = new Map<string, number>();
    const scheduler = createFetchScheduler({
      runFetch: async (s) => {
        running += 1;
        peak = Math.max(peak, running);
        perSource.set(s.id, (perSource.get(s.id) ?? 0) + 1);
        expect(perSource.get(s.id)).toBe(1);
        // Each fetch takes longer than the interval: the next slot must be skipped, not stacked.
        await new Promise((resolve) => setTimeout(resolve, 90_000));
        perSource.set(s.id, (perSource.get(s.id) ?? 1) - 1);
        running -= 1;
        return ok;
      },
      maxConcurrentFetches: 3,
    });
    for (let i = 0; i < 10; i += 1) scheduler.upsert(source(`s${i}`, { intervalSeconds: 60 }), i % 6);
    await vi.advanceTimersByTimeAsync(20 * 60_000);
    expect(peak).toBe(3);
    const stopping = scheduler.stop();
    await vi.advanceTimersByTimeAsync(90_000);
    await stopping;
  });

  it('drops disabled, removed and no longer owned sources', async () => {
    const calls: string[] = [];
    const dropped: string[] = [];
    const scheduler = createFetchScheduler({
      runFetch: (s) => {
        calls.push(s.id);
        return Promise.resolve(ok);
      },
      maxConcurrentFetches: 4,
      onDropped: (s) => dropped.push(s.id),
    });
    for (const [i, id] of ['keep', 'disable', 'remove', 'moved'].entries()) scheduler.upsert(source(id), i);
    scheduler.upsert(source('disable', { enabled: false }), 1);
    scheduler.remove('remove');
    scheduler.retainPartitions(new Set([0, 1, 2]));
    expect(scheduler.snapshot().map((s) => s.id)).toEqual(['keep']);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    await scheduler.stop();
    expect(new Set(calls)).toEqual(new Set(['keep']));
    expect(dropped.sort()).toEqual(['disable', 'moved', 'remove']);
  });

  it('aborts fetches in flight on stop and waits for them', async () => {
    let aborted = false;
    const scheduler = createFetchScheduler({
      runFetch: (_s, signal) =>
        new Promise<FetchRound>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ ...failed, outcome: 'aborted' });
          });
        }),
      maxConcurrentFetches: 1,
      firstFetch: 'immediately',
    });
    scheduler.upsert(source('slow'), 0);
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(scheduler.inFlight()).toBe(1);
    await scheduler.stop();
    expect(aborted).toBe(true);
    expect(scheduler.inFlight()).toBe(0);
  });

  it('fetches a source now on request without moving its schedule', async () => {
    const calls: number[] = [];
    const scheduler = createFetchScheduler({
      runFetch: () => {
        calls.push(Date.now());
        return Promise.resolve(ok);
      },
      maxConcurrentFetches: 2,
    });
    scheduler.upsert(source('manual', { intervalSeconds: 3_600 }), 0);
    const due = scheduler.snapshot()[0]?.dueAt;
    await vi.advanceTimersByTimeAsync(1_000);
    scheduler.fetchNow('manual');
    await flush();
    expect(calls).toEqual([START + 1_000]);
    expect(scheduler.snapshot()[0]?.dueAt).toBe(due);
    await scheduler.stop();
  });

  it('carries out a fetch-now that arrived before the source did', async () => {
    const calls: string[] = [];
    const scheduler = createFetchScheduler({
      runFetch: (s) => {
        calls.push(s.id);
        return Promise.resolve(ok);
      },
      maxConcurrentFetches: 2,
    });
    scheduler.fetchNow('late');
    scheduler.upsert(source('late', { intervalSeconds: 3_600 }), 0);
    await flush();
    expect(calls).toEqual(['late']);
    await scheduler.stop();
  });
});
