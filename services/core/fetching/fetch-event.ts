import type { FetchHeaders, SourceFetched } from '../../generated/events.ts';
import { originMetadata } from '../../shared/events/event-metadata.ts';
import type { MetadataDeps } from '../../shared/events/event-metadata.ts';
import type { FetchAttempt } from './fetch-attempt.ts';

/** Error messages come from servers and libraries; one bad one must not bloat the raw topic. */
export const MAX_ERROR_MESSAGE_LENGTH = 500;

export interface FetchEventOptions {
  /** Service and instance, e.g. `fetcher/host-1`. */
  readonly producer: string;
  /** Attempts of one scheduled fetch share a chain: the id of its first attempt's event. */
  readonly correlationId?: string;
  readonly maxHeaderValueLength: number;
}

/**
 * The `sources.fetched.v1` value of one attempt. Pure: the clock and id source come in through
 * `deps`, and the body arrives already compressed, so the same attempt always yields the same
 * event for the same ids.
 */
export function buildFetchEvent(
  attempt: FetchAttempt,
  options: FetchEventOptions,
  deps: MetadataDeps,
): SourceFetched {
  const metadata = originMetadata(
    {
      producer: options.producer,
      eventTime: attempt.startedAt,
      ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
    },
    deps,
  );
  return {
    metadata,
    sourceId: attempt.sourceId,
    url: attempt.url,
    urlIndex: attempt.urlIndex,
    finalUrl: attempt.finalUrl,
    redirects: attempt.redirects,
    attempt: attempt.attempt,
    remoteAddress: attempt.remoteAddress,
    outcome: attempt.outcome,
    httpStatus: attempt.httpStatus,
    errorCode: attempt.errorCode,
    errorMessage:
      attempt.errorMessage === null ? null : bounded(attempt.errorMessage, MAX_ERROR_MESSAGE_LENGTH),
    timings: {
      startedAt: attempt.startedAt,
      dnsMs: wholeMs(attempt.dnsMs),
      connectMs: wholeMs(attempt.connectMs),
      ttfbMs: wholeMs(attempt.ttfbMs),
      totalMs: wholeMs(attempt.totalMs) ?? 0,
    },
    sizes: { wireBytes: attempt.wireBytes, decodedBytes: attempt.decodedBytes, truncated: attempt.truncated },
    headers: selectHeaders(attempt.responseHeaders, options.maxHeaderValueLength),
    requestEtag: attempt.sentValidators?.etag ?? null,
    requestLastModified: attempt.sentValidators?.lastModified ?? null,
    body: attempt.body,
  };
}

/** The response headers the pipeline uses, verbatim but bounded. */
export function selectHeaders(
  headers: Readonly<Record<string, string>> | null,
  maxLength: number,
): FetchHeaders {
  const pick = (name: string): string | null => {
    const value = headers?.[name];
    return value === undefined ? null : bounded(value, maxLength);
  };
  const length = pick('content-length');
  const contentLength = length !== null && /^\d{1,15}$/.test(length.trim()) ? Number(length.trim()) : null;
  return {
    etag: pick('etag'),
    lastModified: pick('last-modified'),
    contentType: pick('content-type'),
    contentEncoding: pick('content-encoding'),
    contentLength,
    subscriptionUserinfo: pick('subscription-userinfo'),
    profileUpdateInterval: pick('profile-update-interval'),
    profileTitle: pick('profile-title'),
    retryAfter: pick('retry-after'),
  };
}

function bounded(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}

/** Avro `int` milliseconds: whole, non-negative. */
function wholeMs(ms: number | null): number | null {
  return ms === null || !Number.isFinite(ms) ? null : Math.max(0, Math.round(ms));
}
