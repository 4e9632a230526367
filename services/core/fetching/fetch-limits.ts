import type { PolitenessLimits } from './politeness.ts';
import type { RetryPolicy } from './retry-decision.ts';

/** Everything that bounds one attempt: time, bytes, redirects. */
export interface FetchLimits {
  /** TCP connect plus TLS handshake. */
  readonly connectTimeoutMs: number;
  /** From the request being sent to the response headers. */
  readonly headersTimeoutMs: number;
  /** Longest silence between two body chunks. */
  readonly bodyTimeoutMs: number;
  /**
   * The whole attempt, redirects and body included. The idle timeouts above cannot stop a
   * server that drips one byte a second forever; this can.
   */
  readonly deadlineMs: number;
  /** Body bytes as sent (compressed or not); Content-Length above it is refused unread. */
  readonly maxWireBytes: number;
  /** Body bytes after content-decoding: a 10 kB gzip that inflates to 10 GB stops here. */
  readonly maxDecodedBytes: number;
  /** The gzip-compressed body as stored on the raw topic (a record must fit the topic's max.message.bytes). */
  readonly maxStoredBytes: number;
  readonly maxRedirects: number;
  /** Stacked content-codings (`gzip, br`) beyond this are refused. */
  readonly maxEncodings: number;
  /** Longest header value copied into the event. */
  readonly maxHeaderValueLength: number;
  readonly userAgent: string;
}

const MiB = 1024 * 1024;

export const DEFAULT_FETCH_LIMITS: FetchLimits = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 20_000,
  bodyTimeoutMs: 20_000,
  deadlineMs: 90_000,
  maxWireBytes: 24 * MiB,
  maxDecodedBytes: 48 * MiB,
  // sources.fetched.v1 allows 16 MiB per record; the envelope needs a little of it.
  maxStoredBytes: 15 * MiB,
  maxRedirects: 5,
  maxEncodings: 2,
  maxHeaderValueLength: 1024,
  userAgent: 'submerge-fetcher/0.1 (subscription aggregator; one request per source interval)',
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttemptsPerUrl: 3,
  backoff: { baseMs: 2_000, maxMs: 30_000 },
  maxRetryAfterWaitMs: 30_000,
};

export const DEFAULT_POLITENESS: PolitenessLimits = { maxConcurrent: 2, minDelayMs: 1_000 };

/** A Retry-After never defers a source or host longer than this. */
export const DEFAULT_RETRY_AFTER_CAP_MS = 6 * 60 * 60 * 1000;
