import { FETCH_OUTCOMES } from '../../shared/events/fetch-outcome.ts';
import type { FetchOutcome } from '../../shared/events/fetch-outcome.ts';

/** What a server gave us to ask "has it changed?" next time, remembered per URL. */
export interface Validators {
  readonly etag: string | null;
  readonly lastModified: string | null;
}

/** A validator longer than this is not one we want to echo on every request. */
export const MAX_VALIDATOR_LENGTH = 512;

const usable = (value: string | null | undefined): string | null => {
  if (value == null) return null;
  const text = value.trim();
  return text === '' || text.length > MAX_VALIDATOR_LENGTH ? null : text;
};

/** Request headers of a conditional GET; empty without validators. */
export function conditionalHeaders(validators: Validators | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (validators?.etag != null) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified != null) headers['if-modified-since'] = validators.lastModified;
  return headers;
}

/**
 * The validators to remember after an attempt; undefined means "forget". Only a full response
 * (ok) replaces them: it is the body the validators describe. A 304 keeps the old ones (updated
 * if it sent fresh ones, as RFC 9111 §4.3.4 allows). A failure changes nothing, so a flaky
 * source does not lose its validators.
 */
export function nextValidators(
  previous: Validators | undefined,
  attempt: {
    readonly outcome: FetchOutcome;
    readonly etag: string | null;
    readonly lastModified: string | null;
  },
): Validators | undefined {
  if (attempt.outcome === FETCH_OUTCOMES.ok) {
    const etag = usable(attempt.etag);
    const lastModified = usable(attempt.lastModified);
    return etag === null && lastModified === null ? undefined : { etag, lastModified };
  }
  if (attempt.outcome === FETCH_OUTCOMES.notModified && previous !== undefined) {
    return {
      etag: usable(attempt.etag) ?? previous.etag,
      lastModified: usable(attempt.lastModified) ?? previous.lastModified,
    };
  }
  return previous;
}
