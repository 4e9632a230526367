export interface BackoffPolicy {
  /** The ceiling of the first retry's delay. */
  readonly baseMs: number;
  /** No delay exceeds this. */
  readonly maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": retry n waits between half and all of
 * min(max, base * 2^(n-1)). The random half spreads retries of many sources that failed
 * together (a host outage) so they do not come back in lockstep; the fixed half keeps a
 * minimum pause so a struggling host is not hammered. `random` is injected for tests.
 */
export function backoffDelayMs(policy: BackoffPolicy, retry: number, random: () => number): number {
  const exponent = Math.min(Math.max(0, retry - 1), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
