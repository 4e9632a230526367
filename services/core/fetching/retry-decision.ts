import { FETCH_OUTCOMES } from '../../shared/events/fetch-outcome.ts';
import type { FetchOutcome } from '../../shared/events/fetch-outcome.ts';
import { backoffDelayMs } from './backoff.ts';
import { FETCH_ERROR_CODES } from './fetch-failure.ts';
import type { BackoffPolicy } from './backoff.ts';

export interface RetryPolicy {
  /** Attempts per URL within one scheduled fetch, the first included. */
  readonly maxAttemptsPerUrl: number;
  readonly backoff: BackoffPolicy;
  /**
   * The longest Retry-After honoured by waiting within the fetch. A longer one ends this URL's
   * attempts (mirrors are still tried) and defers the host and the source's next fetch instead.
   */
  readonly maxRetryAfterWaitMs: number;
}

/** What the fetch loop does after one attempt. */
export type NextStep =
  /** Success (ok / not-modified): the fetch is over. */
  | { readonly kind: 'done' }
  /** Try the same URL again after `delayMs`. */
  | { readonly kind: 'retry'; readonly delayMs: number }
  /** This URL failed for good this time: fail over to the next mirror, if any. */
  | { readonly kind: 'next-url' }
  /** Shutdown: stop without trying anything else. */
  | { readonly kind: 'stop' };

export interface AttemptFacts {
  readonly outcome: FetchOutcome;
  readonly httpStatus: number | null;
  readonly errorCode: string | null;
  /** Parsed Retry-After, ms from now (already capped), when the response had one. */
  readonly retryAfterMs: number | undefined;
}

/** Failures that may be gone a few seconds later: the network, the server's temporary state. */
export function isRetriable(facts: AttemptFacts): boolean {
  switch (facts.outcome) {
    case FETCH_OUTCOMES.connectError:
      // A URL we cannot use stays unusable; a refused or reset connection may not.
      return facts.errorCode !== FETCH_ERROR_CODES.unsupportedUrl;
    case FETCH_OUTCOMES.timeout:
    case FETCH_OUTCOMES.rateLimited:
      return true;
    case FETCH_OUTCOMES.dnsError:
      // EAI_AGAIN is the resolver's own "try again"; NXDOMAIN will not change in seconds.
      return facts.errorCode === 'EAI_AGAIN';
    case FETCH_OUTCOMES.httpError:
      return facts.httpStatus !== null && (facts.httpStatus >= 500 || facts.httpStatus === 408);
    default:
      // Blocked addresses, caps, redirect loops, TLS and 4xx answers are the same on every try.
      return false;
  }
}

/** `attemptOfUrl` is 1-based: the number of attempts already made on this URL. */
export function nextStep(
  facts: AttemptFacts,
  attemptOfUrl: number,
  policy: RetryPolicy,
  random: () => number,
): NextStep {
  if (facts.outcome === FETCH_OUTCOMES.ok || facts.outcome === FETCH_OUTCOMES.notModified)
    return { kind: 'done' };
  if (facts.outcome === FETCH_OUTCOMES.aborted) return { kind: 'stop' };
  if (!isRetriable(facts) || attemptOfUrl >= policy.maxAttemptsPerUrl) return { kind: 'next-url' };
  const backoff = backoffDelayMs(policy.backoff, attemptOfUrl, random);
  if (facts.retryAfterMs !== undefined) {
    if (facts.retryAfterMs > policy.maxRetryAfterWaitMs) return { kind: 'next-url' };
    // The server named its time; backoff only adds to it when it said "now".
    return { kind: 'retry', delayMs: Math.max(facts.retryAfterMs, facts.retryAfterMs === 0 ? backoff : 0) };
  }
  return { kind: 'retry', delayMs: backoff };
}
