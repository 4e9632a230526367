import { describe, expect, it } from 'vitest';
import type { FetchAttempt } from '../../../../services/core/fetching/fetch-attempt.ts';
import { buildFetchEvent, selectHeaders } from '../../../../services/core/fetching/fetch-event.ts';
import { FETCH_OUTCOMES } from '../../../../services/shared/events/fetch-outcome.ts';

const deps = { now: () => 9_999, newId: () => '11111111-1111-4111-8111-111111111111' };
const attempt = (over: Partial<FetchAttempt> = {}): FetchAttempt => ({
  sourceId: 'src-a',
  url: 'https://example.com/sub',
  urlIndex: 0,
  attempt: 1,
  startedAt: 1_000,
  outcome: FETCH_OUTCOMES.ok,
  httpStatus: 200,
  errorCode: null,
  errorMessage: null,
  finalUrl: 'https://example.com/sub',
  redirects: 0,
  remoteAddress: '93.184.216.34',
  dnsMs: 1.4,
  connectMs: 10.6,
  ttfbMs: 30.2,
  totalMs: 45.5,
  wireBytes: 100,
  decodedBytes: 300,
  truncated: false,
  responseHeaders: {
    etag: '"v1"',
    'content-type': 'text/plain',
    'content-length': '100',
    'subscription-userinfo': 'upload=1; download=2; total=3; expire=4',
    'profile-update-interval': '12',
    'profile-title': 'base64:dGl0bGU=',
    'set-cookie': 'ignored=1',
  },
  sentValidators: undefined,
  body: { compression: 'gzip', data: Buffer.from([1, 2, 3]), sha256: 'ab'.repeat(32) },
  ...over,
});

describe('buildFetchEvent', () => {
  it('makes one origin event of an attempt, timed at its start', () => {
    const event = buildFetchEvent(attempt(), { producer: 'fetcher/a', maxHeaderValueLength: 100 }, deps);
    expect(event.metadata).toEqual({
      eventId: '11111111-1111-4111-8111-111111111111',
      eventTime: 1_000,
      producer: 'fetcher/a',
      correlationId: '11111111-1111-4111-8111-111111111111',
      causationId: null,
    });
    expect(event).toMatchObject({
      sourceId: 'src-a',
      outcome: 'ok',
      httpStatus: 200,
      timings: { startedAt: 1_000, dnsMs: 1, connectMs: 11, ttfbMs: 30, totalMs: 46 },
      sizes: { wireBytes: 100, decodedBytes: 300, truncated: false },
      requestEtag: null,
      requestLastModified: null,
    });
    expect(event.body?.compression).toBe('gzip');
  });

  it('joins the chain of the fetch it belongs to', () => {
    const event = buildFetchEvent(
      attempt({ attempt: 2 }),
      { producer: 'fetcher/a', correlationId: 'first-attempt', maxHeaderValueLength: 100 },
      deps,
    );
    expect(event.metadata.correlationId).toBe('first-attempt');
    expect(event.attempt).toBe(2);
  });

  it('records the validators it sent', () => {
    const event = buildFetchEvent(
      attempt({
        outcome: FETCH_OUTCOMES.notModified,
        httpStatus: 304,
        body: null,
        sentValidators: { etag: '"v1"', lastModified: 'Mon' },
      }),
      { producer: 'fetcher/a', maxHeaderValueLength: 100 },
      deps,
    );
    expect(event).toMatchObject({
      requestEtag: '"v1"',
      requestLastModified: 'Mon',
      body: null,
      outcome: 'not-modified',
    });
  });

  it('records a failure with no response as nulls, bounding the message', () => {
    const event = buildFetchEvent(
      attempt({
        outcome: FETCH_OUTCOMES.addressBlocked,
        httpStatus: null,
        errorCode: 'ADDRESS_BLOCKED',
        errorMessage: 'x'.repeat(10_000),
        finalUrl: null,
        remoteAddress: null,
        dnsMs: null,
        connectMs: null,
        ttfbMs: null,
        wireBytes: 0,
        decodedBytes: 0,
        responseHeaders: null,
        body: null,
      }),
      { producer: 'fetcher/a', maxHeaderValueLength: 100 },
      deps,
    );
    expect(event.errorMessage?.length).toBe(500);
    expect(event.headers).toEqual({
      etag: null,
      lastModified: null,
      contentType: null,
      contentEncoding: null,
      contentLength: null,
      subscriptionUserinfo: null,
      profileUpdateInterval: null,
      profileTitle: null,
      retryAfter: null,
    });
    expect(event.timings).toMatchObject({ dnsMs: null, connectMs: null, ttfbMs: null });
  });
});

describe('selectHeaders', () => {
  it('keeps the headers the pipeline uses, verbatim and bounded', () => {
    const headers = selectHeaders(
      { ...attempt().responseHeaders, 'retry-after': '120', etag: 'e'.repeat(50) },
      20,
    );
    expect(headers).toEqual({
      etag: 'e'.repeat(20),
      lastModified: null,
      contentType: 'text/plain',
      contentEncoding: null,
      contentLength: 100,
      subscriptionUserinfo: 'upload=1; download=2',
      profileUpdateInterval: '12',
      profileTitle: 'base64:dGl0bGU=',
      retryAfter: '120',
    });
  });

  it('drops a Content-Length that is not a number', () => {
    expect(selectHeaders({ 'content-length': '12, 13' }, 100).contentLength).toBeNull();
  });
});
