import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baseInterval,
  classify,
  DEFAULT_SCHEDULE_POLICY,
  earliestDue,
  nextDueAt,
  pickDue,
  recordVerdict,
  VERDICTS,
} from '../../../../services/core/probing/schedule.ts';
import type { ProbeHistory, Verdict } from '../../../../services/core/probing/schedule.ts';

const P = DEFAULT_SCHEDULE_POLICY;
const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = 1_700_000_000_000;

function historyOf(verdicts: readonly Verdict[], start = T0, step = 10 * MIN): ProbeHistory | undefined {
  let h: ProbeHistory | undefined;
  verdicts.forEach((v, i) => (h = recordVerdict(h, v, start + i * step)));
  return h;
}

describe('recordVerdict', () => {
  it('counts the streak of the latest verdict and keeps a bounded window', () => {
    const h = historyOf(['pass', 'fail', 'fail', 'fail']);
    expect(h).toMatchObject({ last: 'fail', streak: 3, recent: ['pass', 'fail', 'fail', 'fail'] });
    const long = historyOf(Array.from({ length: 20 }, () => VERDICTS.pass));
    expect(long?.recent).toHaveLength(P.window);
    expect(long?.streak).toBe(20);
  });

  it('never moves the last probe time backwards (a late result of an older probe)', () => {
    const h = recordVerdict(recordVerdict(undefined, 'pass', T0 + 1000), 'pass', T0);
    expect(h.lastProbedAt).toBe(T0 + 1000);
  });
});

describe('classify', () => {
  it.each([
    [[], 'new'],
    [['pass'], 'healthy'],
    [['pass', 'pass', 'pass'], 'healthy'],
    [['fail'], 'failing'],
    [['pass', 'fail'], 'changed'],
    [['fail', 'pass'], 'changed'],
    [['pass', 'fail', 'pass'], 'flapping'],
    [['fail', 'pass', 'fail', 'fail', 'fail'], 'flapping'],
    [['unsupported'], 'unsupported'],
  ] as const)('%j is %s', (verdicts, expected) => {
    expect(classify(historyOf(verdicts))).toBe(expected);
  });

  it('lets a config stop flapping once the changes leave the window', () => {
    const verdicts: Verdict[] = [
      'pass',
      'fail',
      'pass',
      ...Array.from({ length: P.window }, () => VERDICTS.pass),
    ];
    expect(classify(historyOf(verdicts))).toBe('healthy');
  });
});

describe('intervals', () => {
  it('re-probes a healthy config less often than a new, changed or flapping one', () => {
    const healthy = baseInterval(historyOf(['pass', 'pass']) as ProbeHistory);
    expect(nextDueAt('fp', undefined)).toBe(0);
    expect(baseInterval(historyOf(['pass', 'fail']) as ProbeHistory)).toBeLessThan(healthy);
    expect(baseInterval(historyOf(['pass', 'fail', 'pass']) as ProbeHistory)).toBeLessThan(healthy);
  });

  it('backs off a config the longer it stays healthy, up to the ceiling', () => {
    const intervals = [1, 2, 3, 4, 5, 10, 30].map((n) =>
      baseInterval(historyOf(Array.from({ length: n }, () => VERDICTS.pass)) as ProbeHistory),
    );
    expect(intervals.slice(0, 4)).toEqual([30 * MIN, HOUR, 2 * HOUR, 4 * HOUR]);
    expect(intervals.slice(4)).toEqual([6 * HOUR, 6 * HOUR, 6 * HOUR]);
  });

  it('backs off a dead config further than a healthy one, and an unsupported one furthest', () => {
    const dead = baseInterval(historyOf(Array.from({ length: 12 }, () => VERDICTS.fail)) as ProbeHistory);
    const healthy = baseInterval(historyOf(Array.from({ length: 12 }, () => VERDICTS.pass)) as ProbeHistory);
    expect(dead).toBe(12 * HOUR);
    expect(dead).toBeGreaterThan(healthy);
    expect(baseInterval(historyOf(['unsupported']) as ProbeHistory)).toBe(24 * HOUR);
  });

  it('keeps every interval within its bounds and jitter, deterministically per config', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<Verdict>('pass', 'fail', 'unsupported'), { minLength: 1, maxLength: 30 }),
        fc.string(),
        (verdicts, fingerprint) => {
          const h = historyOf(verdicts) as ProbeHistory;
          const base = baseInterval(h);
          const due = nextDueAt(fingerprint, h);
          expect(base).toBeGreaterThan(0);
          expect(base).toBeLessThanOrEqual(P.unsupportedMs);
          expect(due - h.lastProbedAt).toBeGreaterThanOrEqual(Math.floor(base * (1 - P.jitter)));
          expect(due - h.lastProbedAt).toBeLessThanOrEqual(Math.ceil(base * (1 + P.jitter)));
          expect(nextDueAt(fingerprint, h)).toBe(due);
        },
      ),
    );
  });

  it('spreads configs probed together so they do not stay in lockstep', () => {
    const h = historyOf(['pass']) as ProbeHistory;
    const dues = new Set(Array.from({ length: 50 }, (_, i) => nextDueAt(`fp-${String(i)}`, h)));
    expect(dues.size).toBeGreaterThan(40);
  });
});

describe('pickDue', () => {
  const now = T0 + 48 * HOUR;
  const entries = [
    { fingerprint: 'dead', history: historyOf(['fail', 'fail', 'fail']) },
    { fingerprint: 'healthy', history: historyOf(['pass', 'pass']) },
    { fingerprint: 'new-b', history: undefined },
    { fingerprint: 'flapping', history: historyOf(['pass', 'fail', 'pass']) },
    { fingerprint: 'new-a', history: undefined },
    { fingerprint: 'unsupported', history: historyOf(['unsupported']) },
  ];

  it('orders due configs new, then flapping, then healthy, then failing, then unsupported', () => {
    expect(pickDue(entries, now, 100).map((d) => d.fingerprint)).toEqual([
      'new-a',
      'new-b',
      'flapping',
      'healthy',
      'dead',
      'unsupported',
    ]);
  });

  it('takes no more than the limit, most urgent first', () => {
    expect(pickDue(entries, now, 3).map((d) => d.fingerprint)).toEqual(['new-a', 'new-b', 'flapping']);
  });

  it('leaves out configs that are not due yet', () => {
    const recent = [{ fingerprint: 'fresh', history: recordVerdict(undefined, 'pass', now - MIN) }];
    expect(pickDue(recent, now, 10)).toEqual([]);
    expect(earliestDue(recent)).toBeGreaterThan(now);
    expect(earliestDue([])).toBe(Infinity);
  });

  it('within a class, takes the longest overdue first', () => {
    const two = [
      { fingerprint: 'a', history: recordVerdict(undefined, 'pass', now - 2 * HOUR) },
      { fingerprint: 'b', history: recordVerdict(undefined, 'pass', now - 10 * HOUR) },
    ];
    expect(pickDue(two, now, 10).map((d) => d.fingerprint)).toEqual(['b', 'a']);
  });
});
