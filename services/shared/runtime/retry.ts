import { setTimeout as sleep } from 'node:timers/promises';
import { isRebalance, isRetriable, RUNTIME_ERROR_CODES, RuntimeError } from './runtime-error.ts';

export interface RetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Attempts in all, the first included; after the last one the error becomes RETRIES_EXHAUSTED. */
  readonly maxAttempts: number;
}

/** About two minutes of a broker or registry outage before the process gives up and is restarted. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 10_000, maxAttempts: 20 };

/** Exponential backoff with full jitter: attempt 1 waits up to initial, doubling up to max. */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

export interface RetryHooks {
  /** Called after a retriable failure, before waiting (abort a transaction, count a retry, log). */
  onRetriableError?(error: unknown, attempt: number): void | Promise<void>;
  /** Called while waiting, so a long outage does not cost the group membership. */
  keepAlive?(): Promise<void>;
  /** Stop retrying (shutdown): the last error is rethrown. */
  shouldStop?(): boolean;
}

/**
 * Runs `attempt` until it succeeds. A non-retriable error is rethrown at once (the caller
 * crashes); a retriable one is retried with backoff until the policy runs out. A rebalance is
 * rethrown too: the work belongs to an old generation and the member must rejoin first.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetriable(error) || isRebalance(error)) throw error;
      await hooks.onRetriableError?.(error, n);
      if (n >= policy.maxAttempts) {
        throw new RuntimeError(RUNTIME_ERROR_CODES.retriesExhausted, `gave up after ${n} attempts`, {
          cause: error,
        });
      }
      if (hooks.shouldStop?.() === true) throw error;
      await sleep(backoffDelay(policy, n));
      await hooks.keepAlive?.();
    }
  }
}
