import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { checkHost } from '../core/fetching/address-guard.ts';
import type { AddressPolicy } from '../core/fetching/address-guard.ts';
import { conditionalHeaders } from '../core/fetching/conditional-get.ts';
import type { Validators } from '../core/fetching/conditional-get.ts';
import { planDecoding } from '../core/fetching/content-encoding.ts';
import { FETCH_ERROR_CODES, outcomeForError, outcomeForStatus } from '../core/fetching/fetch-failure.ts';
import type { FetchLimits } from '../core/fetching/fetch-limits.ts';
import { FETCH_OUTCOMES } from '../shared/events/fetch-outcome.ts';
import type { FetchOutcome } from '../shared/events/fetch-outcome.ts';
import { codeOf, fetchError, messageOf } from './fetch-error.ts';
import { guardedConnector } from './guarded-connector.ts';
import type { ConnectionFacts } from './guarded-connector.ts';
import { readBody } from './read-body.ts';
import type { PartialRead } from './read-body.ts';
import type { Resolver } from './resolver.ts';

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** One attempt on one URL, as observed: the attempt without the source's bookkeeping and the stored body. */
export interface UrlFetch {
  readonly url: string;
  readonly startedAt: number;
  readonly outcome: FetchOutcome;
  readonly httpStatus: number | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly finalUrl: string | null;
  readonly redirects: number;
  readonly remoteAddress: string | null;
  readonly dnsMs: number | null;
  readonly connectMs: number | null;
  readonly ttfbMs: number | null;
  readonly totalMs: number;
  readonly wireBytes: number;
  readonly decodedBytes: number;
  readonly truncated: boolean;
  readonly responseHeaders: Readonly<Record<string, string>> | null;
  readonly sentValidators: Validators | undefined;
  /** The decoded body, for outcome ok only. */
  readonly decoded: Buffer | null;
}

export interface FetchUrlOptions {
  readonly limits: FetchLimits;
  readonly policy: AddressPolicy;
  readonly resolver: Resolver;
  readonly validators?: Validators | undefined;
  /** Aborted on shutdown: the attempt ends as `aborted`. */
  readonly signal?: AbortSignal | undefined;
  readonly now?: () => number;
}

/**
 * GETs `url` once: redirects followed by hand (each target passes the address guard again,
 * loops and excess are refused), the body read under the caps, every failure turned into an
 * outcome. Never throws for anything the network or the server can do.
 *
 * Each attempt gets its own undici Agent, closed at the end: its connections are guarded by
 * this attempt's policy and timed for this attempt's event, and nothing is shared between
 * sources that could carry one source's connection into another's fetch.
 */
export async function fetchUrl(url: string, options: FetchUrlOptions): Promise<UrlFetch> {
  const { limits, policy, resolver, validators, signal, now = Date.now } = options;
  const startedAt = now();
  const t0 = performance.now();
  const facts: ConnectionFacts = { dnsMs: null, connectMs: null, remoteAddress: null };
  const progress: PartialRead = { wireBytes: 0, decodedBytes: 0 };
  const sentValidators =
    validators?.etag != null || validators?.lastModified != null ? validators : undefined;

  const deadline = new AbortController();
  const timer = setTimeout(() => {
    deadline.abort(
      fetchError(FETCH_ERROR_CODES.deadline, `no complete response within ${limits.deadlineMs} ms`),
    );
  }, limits.deadlineMs);
  const onShutdown = (): void =>
    deadline.abort(fetchError(FETCH_ERROR_CODES.aborted, 'fetch cancelled by shutdown'));
  if (signal?.aborted === true) onShutdown();
  signal?.addEventListener('abort', onShutdown, { once: true });

  const agent = new Agent({
    connect: guardedConnector({ resolver, policy, facts, connectTimeoutMs: limits.connectTimeoutMs }),
    headersTimeout: limits.headersTimeoutMs,
    bodyTimeout: limits.bodyTimeoutMs,
    pipelining: 1,
    keepAliveTimeout: 1_000,
  });

  let current = url;
  let redirects = 0;
  let status: number | null = null;
  let responseHeaders: Record<string, string> | null = null;
  let ttfbMs: number | null = null;

  const finish = (
    outcome: FetchOutcome,
    rest: {
      readonly errorCode?: string | null;
      readonly errorMessage?: string | null;
      readonly truncated?: boolean;
      readonly decoded?: Buffer | null;
    } = {},
  ): UrlFetch => ({
    url,
    startedAt,
    outcome,
    httpStatus: status,
    errorCode: rest.errorCode ?? null,
    errorMessage: rest.errorMessage ?? null,
    finalUrl: status === null ? null : current,
    redirects,
    remoteAddress: facts.remoteAddress,
    dnsMs: facts.dnsMs,
    connectMs: facts.connectMs,
    ttfbMs,
    totalMs: performance.now() - t0,
    wireBytes: progress.wireBytes,
    decodedBytes: progress.decodedBytes,
    truncated: rest.truncated ?? false,
    responseHeaders,
    sentValidators,
    decoded: rest.decoded ?? null,
  });

  try {
    const visited = new Set<string>([url]);
    let response: Dispatcher.ResponseData;
    for (;;) {
      const target = URL.canParse(current) ? new URL(current) : undefined;
      if (target === undefined || (target.protocol !== 'http:' && target.protocol !== 'https:')) {
        throw fetchError(
          FETCH_ERROR_CODES.unsupportedUrl,
          `not an absolute http(s) URL: ${current.slice(0, 200)}`,
        );
      }
      const hostVerdict = checkHost(target.hostname, policy);
      if (!hostVerdict.allowed) {
        throw fetchError(
          FETCH_ERROR_CODES.addressBlocked,
          `${hostVerdict.subject} is ${hostVerdict.addressClass}; refused by the address guard`,
        );
      }
      const hopStarted = performance.now();
      response = await request(current, {
        method: 'GET',
        dispatcher: agent,
        signal: deadline.signal,
        headers: {
          'user-agent': limits.userAgent,
          accept: '*/*',
          'accept-encoding': 'gzip, deflate, br',
          ...conditionalHeaders(sentValidators),
        },
      });
      ttfbMs = performance.now() - hopStarted;
      status = response.statusCode;
      responseHeaders = flattenHeaders(response.headers);
      if (!REDIRECT_STATUSES.has(status)) break;

      discard(response.body);
      const location = responseHeaders['location'];
      const next = location === undefined ? undefined : resolveRedirect(location, current);
      if (next === undefined) {
        throw fetchError(
          FETCH_ERROR_CODES.badRedirect,
          `redirect ${status} without a usable http(s) Location`,
        );
      }
      redirects += 1;
      if (visited.has(next))
        throw fetchError(FETCH_ERROR_CODES.redirectLoop, `redirect loop back to ${next}`);
      if (redirects > limits.maxRedirects) {
        throw fetchError(FETCH_ERROR_CODES.tooManyRedirects, `more than ${limits.maxRedirects} redirects`);
      }
      visited.add(next);
      current = next;
    }

    const retryAfter = responseHeaders['retry-after'] !== undefined;
    const verdict = outcomeForStatus(status, { conditional: sentValidators !== undefined, retryAfter });
    if (verdict.outcome !== FETCH_OUTCOMES.ok) {
      // Error pages are not kept (the event says what happened); the socket goes with the agent.
      discard(response.body);
      return finish(verdict.outcome, { errorCode: verdict.errorCode });
    }

    const announced = responseHeaders['content-length'];
    if (announced !== undefined && Number(announced) > limits.maxWireBytes) {
      discard(response.body);
      return finish(FETCH_OUTCOMES.bodyTooLarge, {
        errorCode: FETCH_ERROR_CODES.bodyTooLarge,
        errorMessage: `Content-Length ${announced} exceeds ${limits.maxWireBytes} bytes`,
        truncated: true,
      });
    }
    const plan = planDecoding(responseHeaders['content-encoding'], limits.maxEncodings);
    if (!plan.ok) {
      discard(response.body);
      return finish(FETCH_OUTCOMES.invalidResponse, {
        errorCode: FETCH_ERROR_CODES.unsupportedEncoding,
        errorMessage: `unsupported Content-Encoding ${plan.coding}`,
      });
    }
    const read = await readBody(response.body, plan.decoders, {
      maxWireBytes: limits.maxWireBytes,
      maxDecodedBytes: limits.maxDecodedBytes,
      signal: deadline.signal,
      progress,
    });
    return finish(FETCH_OUTCOMES.ok, { decoded: read.decoded });
  } catch (error) {
    // An abort surfaces as a generic AbortError; the reason we gave says which clock ran out.
    const reason: unknown = deadline.signal.aborted ? deadline.signal.reason : undefined;
    const cause = reason ?? error;
    const code = codeOf(cause);
    const outcome = outcomeForError(code);
    const capped = code === FETCH_ERROR_CODES.bodyTooLarge || code === FETCH_ERROR_CODES.decodedTooLarge;
    return finish(outcome, {
      errorCode: code,
      errorMessage: messageOf(cause),
      truncated: capped,
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onShutdown);
    // destroy, not close: a server holding a connection open must not hold the fetcher.
    agent.destroy().catch(() => undefined);
  }
}

/** Drops a body we will not read; the abort it raises is expected, not an unhandled error. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** A redirect target, absolute, http(s) only; undefined when unusable. */
function resolveRedirect(location: string, base: string): string | undefined {
  try {
    const next = new URL(location, base);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return undefined;
    // A fragment never reaches the server; keeping it would let `#1`, `#2`... dodge loop detection.
    next.hash = '';
    return next.href;
  } catch {
    return undefined;
  }
}

function flattenHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
