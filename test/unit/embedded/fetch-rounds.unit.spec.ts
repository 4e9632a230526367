import { describe, expect, it } from 'vitest';
import { createRoundTracker, roundLine } from '../../../services/embedded/fetch-rounds.ts';

describe('fetch rounds of the embedded mode', () => {
  it('closes a first-start round once every owned source was fetched and nothing is in flight', () => {
    let now = 1_000;
    const t = createRoundTracker({ windowMs: 60_000, now: () => now });
    t.started('a');
    t.started('b');
    now = 2_000;
    t.finished('a', true);
    expect(t.poll(3)).toBeNull();
    t.started('c');
    now = 3_500;
    t.finished('b', false);
    t.finished('c', true);
    expect(t.poll(3)).toEqual({
      number: 1,
      sources: 3,
      succeeded: 2,
      failed: 1,
      startedAt: 1_000,
      endedAt: 3_500,
    });
    expect(t.poll(3)).toBeNull();
  });

  it('closes a steady-state round after the shortest interval, counting each source by its last fetch', () => {
    let now = 0;
    const t = createRoundTracker({ windowMs: 60_000, now: () => now });
    t.started('a');
    now = 10;
    t.finished('a', false);
    now = 30_000;
    t.started('a');
    now = 30_010;
    t.finished('a', true);
    expect(t.poll(500)).toBeNull();
    now = 60_000;
    expect(t.poll(500)).toMatchObject({ number: 1, sources: 500, succeeded: 1, failed: 0 });
    t.started('b');
    t.finished('b', true);
    now = 200_000;
    expect(t.poll(500)).toMatchObject({ number: 2, succeeded: 1 });
  });

  it('never closes a round while a fetch is in flight', () => {
    let now = 0;
    const t = createRoundTracker({ windowMs: 1, now: () => now });
    t.started('a');
    t.started('b');
    t.finished('a', true);
    now = 10_000;
    expect(t.poll(2)).toBeNull();
    t.finished('b', true);
    expect(t.poll(2)).not.toBeNull();
  });

  it('prints sources, outcomes, configs and the time the round took', () => {
    expect(
      roundLine(
        { number: 3, sources: 502, succeeded: 480, failed: 22, startedAt: 0, endedAt: 41_230 },
        23_456,
      ),
    ).toBe('fetch round 3: 502 sources, 480 ok, 22 failed; 23,456 configs; 41.2 s');
  });
});
