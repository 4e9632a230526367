import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetry } from '../../../../services/shared/runtime/retry.ts';
import { RUNTIME_ERROR_CODES, RuntimeError } from '../../../../services/shared/runtime/runtime-error.ts';

const FAST = { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 4 } as const;
const retriable = (): RuntimeError =>
  new RuntimeError(RUNTIME_ERROR_CODES.persistenceFailed, 'flaky', { retriable: true });

describe('withRetry', () => {
  it('retries retriable failures with a hook per failure until the attempt succeeds', async () => {
    let calls = 0;
    const seen: number[] = [];
    const result = await withRetry(
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(retriable()) : Promise.resolve('done');
      },
      FAST,
      { onRetriableError: (_e, attempt) => void seen.push(attempt) },
    );
    expect(result).toBe('done');
    expect(seen).toEqual([1, 2]);
  });

  it('rethrows a non-retriable error at once', async () => {
    let calls = 0;
    const bug = new TypeError('bug');
    await expect(
      withRetry(() => {
        calls += 1;
        return Promise.reject(bug);
      }, FAST),
    ).rejects.toBe(bug);
    expect(calls).toBe(1);
  });

  it('never retries a rebalance: the work belongs to an old generation', async () => {
    const rebalance = Object.assign(new RuntimeError(RUNTIME_ERROR_CODES.rebalance, 'moved on'), {
      retriable: true,
    });
    let calls = 0;
    await expect(
      withRetry(() => {
        calls += 1;
        return Promise.reject(rebalance);
      }, FAST),
    ).rejects.toBe(rebalance);
    expect(calls).toBe(1);
  });

  it('gives up with RETRIES_EXHAUSTED, carrying the last failure, when the policy runs out', async () => {
    const last = retriable();
    await expect(withRetry(() => Promise.reject(last), FAST)).rejects.toMatchObject({
      code: RUNTIME_ERROR_CODES.retriesExhausted,
      retriable: false,
      cause: last,
    });
  });

  it('stops retrying when asked to, rethrowing the retriable error', async () => {
    const last = retriable();
    await expect(withRetry(() => Promise.reject(last), FAST, { shouldStop: () => true })).rejects.toBe(last);
  });
});

describe('backoffDelay', () => {
  it('stays between half and all of a ceiling that doubles up to the maximum', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (attempt, r) => {
          const policy = { initialDelayMs: 100, maxDelayMs: 10_000, maxAttempts: 50 };
          const ceiling = Math.min(10_000, 100 * 2 ** (attempt - 1));
          const delay = backoffDelay(policy, attempt, () => r);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(delay).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
  });
});
