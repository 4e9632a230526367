import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { SourceFetched } from '../../services/generated/events.ts';
import { nameBasedUuid } from '../../services/shared/events/event-metadata.ts';
import { BODY_COMPRESSIONS, FETCH_OUTCOMES } from '../../services/shared/events/fetch-outcome.ts';
import type { FetchOutcome } from '../../services/shared/events/fetch-outcome.ts';

/**
 * `sources.fetched.v1` events as the fetcher writes them, for driving the parser without HTTP:
 * gzip body plus SHA-256 of the decoded bytes, deterministic ids from (source, time, attempt).
 */
export interface FetchedEventInput {
  readonly sourceId: string;
  /** Epoch ms of the attempt. */
  readonly at: number;
  /** The decoded body; omitted for failures and 304s. */
  readonly body?: string | Uint8Array;
  readonly outcome?: FetchOutcome;
  readonly httpStatus?: number | null;
  readonly truncated?: boolean;
  readonly attempt?: number;
  readonly url?: string;
  readonly contentType?: string | null;
}

export function fetchedEvent(input: FetchedEventInput): SourceFetched {
  const outcome = input.outcome ?? FETCH_OUTCOMES.ok;
  const attempt = input.attempt ?? 1;
  const eventId = nameBasedUuid(`fetched\u0000${input.sourceId}\u0000${input.at}\u0000${attempt}`);
  const decoded = input.body === undefined ? null : Buffer.from(input.body);
  const defaultStatus =
    outcome === FETCH_OUTCOMES.ok ? 200 : outcome === FETCH_OUTCOMES.notModified ? 304 : null;
  return {
    metadata: {
      eventId,
      eventTime: input.at,
      producer: 'fetcher/test',
      correlationId: eventId,
      causationId: null,
    },
    sourceId: input.sourceId,
    url: input.url ?? `http://127.0.0.1/${input.sourceId}`,
    urlIndex: 0,
    finalUrl: input.url ?? `http://127.0.0.1/${input.sourceId}`,
    redirects: 0,
    attempt,
    remoteAddress: '127.0.0.1',
    outcome,
    httpStatus: input.httpStatus === undefined ? defaultStatus : input.httpStatus,
    errorCode:
      outcome === FETCH_OUTCOMES.ok || outcome === FETCH_OUTCOMES.notModified ? null : outcome.toUpperCase(),
    errorMessage: null,
    timings: { startedAt: input.at, dnsMs: null, connectMs: 1, ttfbMs: 2, totalMs: 3 },
    sizes: {
      wireBytes: decoded?.byteLength ?? 0,
      decodedBytes: decoded?.byteLength ?? 0,
      truncated: input.truncated ?? false,
    },
    headers: {
      etag: null,
      lastModified: null,
      contentType: input.contentType ?? null,
      contentEncoding: null,
      contentLength: decoded?.byteLength ?? null,
      subscriptionUserinfo: null,
      profileUpdateInterval: null,
      profileTitle: null,
      retryAfter: null,
    },
    requestEtag: null,
    requestLastModified: null,
    body:
      decoded === null
        ? null
        : {
            compression: BODY_COMPRESSIONS.gzip,
            data: gzipSync(decoded),
            sha256: createHash('sha256').update(decoded).digest('hex'),
          },
  };
}
