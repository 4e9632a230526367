import { setTimeout as sleep } from 'node:timers/promises';
import type { SourceFetched } from '../generated/events.ts';
import type { AddressPolicy } from '../core/fetching/address-guard.ts';
import { nextValidators } from '../core/fetching/conditional-get.ts';
import type { Validators } from '../core/fetching/conditional-get.ts';
import { buildFetchEvent } from '../core/fetching/fetch-event.ts';
import { FETCH_ERROR_CODES } from '../core/fetching/fetch-failure.ts';
import type { FetchLimits } from '../core/fetching/fetch-limits.ts';
import { hostKey } from '../core/fetching/politeness.ts';
import { nextStep } from '../core/fetching/retry-decision.ts';
import type { RetryPolicy } from '../core/fetching/retry-decision.ts';
import { parseRetryAfter } from '../core/fetching/retry-after.ts';
import type { MetadataDeps } from '../shared/events/event-metadata.ts';
import { FETCH_OUTCOMES } from '../shared/events/fetch-outcome.ts';
import type { FetchOutcome } from '../shared/events/fetch-outcome.ts';
import { encodeBody } from './encode-body.ts';
import { fetchUrl } from './fetch-url.ts';
import type { FetchUrlOptions, UrlFetch } from './fetch-url.ts';
import type { HostGate } from './host-gate.ts';
import type { Resolver } from './resolver.ts';

/** What the fetcher needs of a catalog entry. */
export interface SourceToFetch {
  readonly id: string;
  readonly urls: readonly string[];
  readonly allowPrivateAddresses: boolean;
}

export interface FetchSourceDeps {
  readonly limits: FetchLimits;
  readonly retry: RetryPolicy;
  /** A Retry-After never closes a host or defers a source longer than this. */
  readonly retryAfterCapMs: number;
  readonly hostGate: HostGate;
  readonly resolver: Resolver;
  /** Validators per URL, remembered across fetches (conditional GET). */
  readonly validators: Map<string, Validators>;
  /** Appends one event to `sources.fetched.v1`; resolves once the log has it. */
  publish(event: SourceFetched): Promise<void>;
  readonly producer: string;
  readonly metadata: MetadataDeps;
  readonly random: () => number;
  /** The HTTP shell; replaceable so the retry and failover logic can be driven without sockets. */
  readonly fetchUrl?: (url: string, options: FetchUrlOptions) => Promise<UrlFetch>;
  /** Called with every event published, after it is in the log (metrics, logs). */
  onEvent?(event: SourceFetched): void;
}

/** How a scheduled fetch of one source ended. */
export interface FetchRound {
  /** ok or not-modified on some URL. */
  readonly succeeded: boolean;
  /** The last attempt's outcome. */
  readonly outcome: FetchOutcome;
  readonly attempts: number;
  /** The source asked not to be fetched before this epoch ms (a long Retry-After). */
  readonly notBefore: number | undefined;
}

/**
 * One scheduled fetch of a source: the primary URL, then each mirror in order; each URL tried
 * up to the retry policy's attempts, waiting by backoff or by the server's Retry-After. Every
 * attempt is published as its own event before the next begins, so the log shows exactly what
 * happened even if the process dies halfway.
 */
export async function fetchSource(
  source: SourceToFetch,
  deps: FetchSourceDeps,
  signal?: AbortSignal,
): Promise<FetchRound> {
  const policy: AddressPolicy = { allowPrivateAddresses: source.allowPrivateAddresses };
  const get = deps.fetchUrl ?? fetchUrl;
  let attempts = 0;
  let correlationId: string | undefined;
  let notBefore: number | undefined;
  let outcome: FetchOutcome = FETCH_OUTCOMES.aborted;

  for (const [urlIndex, url] of source.urls.entries()) {
    for (let attemptOfUrl = 1; ; attemptOfUrl += 1) {
      if (signal?.aborted === true)
        return { succeeded: false, outcome: FETCH_OUTCOMES.aborted, attempts, notBefore };
      let release;
      try {
        release = await deps.hostGate.acquire(hostKey(url), signal);
      } catch {
        return { succeeded: false, outcome: FETCH_OUTCOMES.aborted, attempts, notBefore };
      }
      let result: UrlFetch;
      try {
        result = await get(url, {
          limits: deps.limits,
          policy,
          resolver: deps.resolver,
          validators: deps.validators.get(url),
          signal,
          now: deps.metadata.now,
        });
      } catch (error) {
        // fetchUrl turns every network failure into an outcome; reaching here is a bug, but the host slot must not leak.
        release();
        throw error;
      }
      let retryAfterMs: number | undefined;
      const now = deps.metadata.now();
      if (result.outcome === FETCH_OUTCOMES.rateLimited) {
        retryAfterMs = parseRetryAfter(result.responseHeaders?.['retry-after'], now, deps.retryAfterCapMs);
      }
      release(retryAfterMs === undefined ? undefined : now + retryAfterMs);

      attempts += 1;
      const stored = await storedBody(result, deps.limits.maxStoredBytes);
      const event = buildFetchEvent(
        {
          ...result,
          ...stored.override,
          sourceId: source.id,
          urlIndex,
          attempt: attempts,
          body: stored.body,
        },
        {
          producer: deps.producer,
          maxHeaderValueLength: deps.limits.maxHeaderValueLength,
          ...(correlationId === undefined ? {} : { correlationId }),
        },
        deps.metadata,
      );
      correlationId ??= event.metadata.eventId;
      await deps.publish(event);
      deps.onEvent?.(event);
      outcome = event.outcome as FetchOutcome;

      const remembered = nextValidators(deps.validators.get(url), {
        outcome,
        etag: event.headers.etag,
        lastModified: event.headers.lastModified,
      });
      if (remembered === undefined) deps.validators.delete(url);
      else deps.validators.set(url, remembered);

      if (retryAfterMs !== undefined) notBefore = Math.max(notBefore ?? 0, now + retryAfterMs);
      const step = nextStep(
        { outcome, httpStatus: event.httpStatus, errorCode: event.errorCode, retryAfterMs },
        attemptOfUrl,
        deps.retry,
        deps.random,
      );
      if (step.kind === 'done') return { succeeded: true, outcome, attempts, notBefore: undefined };
      if (step.kind === 'stop') return { succeeded: false, outcome, attempts, notBefore };
      if (step.kind === 'next-url') break;
      try {
        await sleep(step.delayMs, undefined, signal === undefined ? {} : { signal });
      } catch {
        return { succeeded: false, outcome: FETCH_OUTCOMES.aborted, attempts, notBefore };
      }
    }
  }
  return { succeeded: false, outcome, attempts, notBefore };
}

/** The compressed body for an ok attempt; a body too big to store turns the attempt into body-too-large. */
async function storedBody(
  result: UrlFetch,
  maxStoredBytes: number,
): Promise<{
  readonly body: SourceFetched['body'];
  readonly override?: Pick<UrlFetch, 'outcome' | 'errorCode' | 'errorMessage' | 'truncated'>;
}> {
  if (result.outcome !== FETCH_OUTCOMES.ok || result.decoded === null) return { body: null };
  const body = await encodeBody(result.decoded, maxStoredBytes);
  if (body !== undefined) return { body };
  return {
    body: null,
    override: {
      outcome: FETCH_OUTCOMES.bodyTooLarge,
      errorCode: FETCH_ERROR_CODES.storedTooLarge,
      errorMessage: `body of ${result.decodedBytes} bytes does not fit one raw-topic record even compressed (${maxStoredBytes} bytes)`,
      truncated: false,
    },
  };
}
