import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../../services/core/fetching/backoff.ts';
import { DEFAULT_RETRY_POLICY } from '../../../../services/core/fetching/fetch-limits.ts';
import { parseRetryAfter } from '../../../../services/core/fetching/retry-after.ts';
import { isRetriable, nextStep } from '../../../../services/core/fetching/retry-decision.ts';
import type { AttemptFacts, RetryPolicy } from '../../../../services/core/fetching/retry-decision.ts';
import { FETCH_OUTCOMES } from '../../../../services/shared/events/fetch-outcome.ts';

const policy = { baseMs: 1_000, maxMs: 30_000 };

describe('backoffDelayMs', () => {
  it('doubles the ceiling per retry and caps it', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(policy, n, top))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });

  it('keeps at least half the ceiling whatever the jitter', () => {
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(2_000);
  });

  it('stays within [ceiling/2, ceiling] for any retry and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (retry, r) => {
          const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
          const delay = backoffDelayMs(policy, retry, () => r);
          return delay >= Math.floor(ceiling / 2) && delay <= ceiling;
        },
      ),
    );
  });

  it('spreads retries of sources that failed together', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(policy, 4, random)));
    expect(delays.size).toBeGreaterThan(40);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  const cap = 3_600_000;

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now, cap)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now, cap)).toBe(0);
    expect(parseRetryAfter('1.5', now, cap)).toBe(1_500);
  });

  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:02:00 GMT', now, cap)).toBe(120_000);
  });

  it('never returns a negative delay for a date in the past', () => {
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now, cap)).toBe(0);
  });

  it('caps what a server may ask for', () => {
    expect(parseRetryAfter('999999999', now, cap)).toBe(cap);
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now, cap)).toBe(cap);
  });

  it('returns undefined for absent or unreadable values', () => {
    for (const value of [undefined, null, '', 'soon', '-5', '12abc']) {
      expect(parseRetryAfter(value, now, cap)).toBeUndefined();
    }
  });
});

describe('nextStep', () => {
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxAttemptsPerUrl: 3, maxRetryAfterWaitMs: 30_000 };
  const facts = (over: Partial<AttemptFacts>): AttemptFacts => ({
    outcome: FETCH_OUTCOMES.ok,
    httpStatus: 200,
    errorCode: null,
    retryAfterMs: undefined,
    ...over,
  });
  const half = () => 0.5;

  it('is done after ok and not-modified', () => {
    expect(nextStep(facts({}), 1, retry, half)).toEqual({ kind: 'done' });
    expect(nextStep(facts({ outcome: FETCH_OUTCOMES.notModified, httpStatus: 304 }), 1, retry, half)).toEqual(
      {
        kind: 'done',
      },
    );
  });

  it('retries timeouts, connection failures and 5xx with backoff until the attempts run out', () => {
    const timeout = facts({ outcome: FETCH_OUTCOMES.timeout, httpStatus: null });
    expect(nextStep(timeout, 1, retry, half)).toMatchObject({ kind: 'retry' });
    expect(
      nextStep(facts({ outcome: FETCH_OUTCOMES.httpError, httpStatus: 502 }), 2, retry, half),
    ).toMatchObject({
      kind: 'retry',
    });
    expect(nextStep(timeout, 3, retry, half)).toEqual({ kind: 'next-url' });
  });

  it('fails over at once on answers that will not change: 4xx, blocked, caps, loops, TLS', () => {
    for (const over of [
      { outcome: FETCH_OUTCOMES.httpError, httpStatus: 404 },
      { outcome: FETCH_OUTCOMES.addressBlocked, httpStatus: null },
      { outcome: FETCH_OUTCOMES.bodyTooLarge },
      { outcome: FETCH_OUTCOMES.decodedTooLarge },
      { outcome: FETCH_OUTCOMES.tooManyRedirects, httpStatus: 302 },
      { outcome: FETCH_OUTCOMES.tlsError, httpStatus: null },
      { outcome: FETCH_OUTCOMES.dnsError, httpStatus: null, errorCode: 'ENOTFOUND' },
    ] as const) {
      expect(nextStep(facts(over), 1, retry, half)).toEqual({ kind: 'next-url' });
    }
  });

  it('does not retry a URL that cannot be fetched at all', () => {
    expect(isRetriable(facts({ outcome: FETCH_OUTCOMES.connectError, errorCode: 'UNSUPPORTED_URL' }))).toBe(
      false,
    );
    expect(isRetriable(facts({ outcome: FETCH_OUTCOMES.connectError, errorCode: 'ECONNRESET' }))).toBe(true);
  });

  it('retries a temporary resolver failure', () => {
    expect(isRetriable(facts({ outcome: FETCH_OUTCOMES.dnsError, errorCode: 'EAI_AGAIN' }))).toBe(true);
  });

  it('waits exactly the Retry-After of a 429 when it is short', () => {
    const limited = facts({ outcome: FETCH_OUTCOMES.rateLimited, httpStatus: 429, retryAfterMs: 2_000 });
    expect(nextStep(limited, 1, retry, half)).toEqual({ kind: 'retry', delayMs: 2_000 });
  });

  it('moves on instead of waiting out a long Retry-After', () => {
    const limited = facts({ outcome: FETCH_OUTCOMES.rateLimited, httpStatus: 429, retryAfterMs: 600_000 });
    expect(nextStep(limited, 1, retry, half)).toEqual({ kind: 'next-url' });
  });

  it('stops on shutdown', () => {
    expect(nextStep(facts({ outcome: FETCH_OUTCOMES.aborted }), 1, retry, half)).toEqual({ kind: 'stop' });
  });
});
