import { describe, expect, it } from 'vitest';
import { conditionalHeaders, nextValidators } from '../../../../services/core/fetching/conditional-get.ts';
import { planDecoding } from '../../../../services/core/fetching/content-encoding.ts';
import {
  FETCH_ERROR_CODES,
  outcomeForError,
  outcomeForStatus,
} from '../../../../services/core/fetching/fetch-failure.ts';
import {
  finished,
  hostKey,
  IDLE_HOST,
  isIdle,
  mayStart,
  started,
} from '../../../../services/core/fetching/politeness.ts';
import { FETCH_OUTCOMES } from '../../../../services/shared/events/fetch-outcome.ts';

describe('conditional GET state', () => {
  it('sends nothing without validators and both headers with them', () => {
    expect(conditionalHeaders(undefined)).toEqual({});
    expect(conditionalHeaders({ etag: '"v1"', lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' })).toEqual({
      'if-none-match': '"v1"',
      'if-modified-since': 'Wed, 01 Jan 2025 00:00:00 GMT',
    });
  });

  it('remembers the validators of a full response and forgets them when it has none', () => {
    const prev = { etag: '"old"', lastModified: null };
    expect(nextValidators(prev, { outcome: FETCH_OUTCOMES.ok, etag: '"v2"', lastModified: null })).toEqual({
      etag: '"v2"',
      lastModified: null,
    });
    expect(
      nextValidators(prev, { outcome: FETCH_OUTCOMES.ok, etag: null, lastModified: null }),
    ).toBeUndefined();
  });

  it('keeps the validators through a 304, taking fresh ones it carries', () => {
    const prev = { etag: '"v1"', lastModified: 'Mon' };
    expect(
      nextValidators(prev, { outcome: FETCH_OUTCOMES.notModified, etag: null, lastModified: null }),
    ).toEqual(prev);
    expect(
      nextValidators(prev, { outcome: FETCH_OUTCOMES.notModified, etag: '"v1b"', lastModified: null }),
    ).toEqual({
      etag: '"v1b"',
      lastModified: 'Mon',
    });
  });

  it('keeps the validators through failures', () => {
    const prev = { etag: '"v1"', lastModified: null };
    expect(nextValidators(prev, { outcome: FETCH_OUTCOMES.timeout, etag: null, lastModified: null })).toBe(
      prev,
    );
  });

  it('does not echo oversized validators', () => {
    expect(
      nextValidators(undefined, { outcome: FETCH_OUTCOMES.ok, etag: 'x'.repeat(5_000), lastModified: null }),
    ).toBeUndefined();
  });
});

describe('politeness', () => {
  const limits = { maxConcurrent: 2, minDelayMs: 1_000 };

  it('spaces starts on one host by the politeness delay', () => {
    const one = started(IDLE_HOST, 0, limits);
    expect(mayStart(one, 500, limits)).toEqual({ start: false, waitForRelease: false, waitMs: 500 });
    expect(mayStart(one, 1_000, limits)).toEqual({ start: true });
  });

  it('caps requests in flight per host', () => {
    const two = started(started(IDLE_HOST, 0, limits), 1_000, limits);
    expect(mayStart(two, 10_000, limits)).toEqual({ start: false, waitForRelease: true });
    expect(mayStart(finished(two), 10_000, limits)).toEqual({ start: true });
  });

  it('keeps a host closed until its Retry-After', () => {
    const deferred = finished(started(IDLE_HOST, 0, limits), 60_000);
    expect(mayStart(deferred, 30_000, limits)).toEqual({
      start: false,
      waitForRelease: false,
      waitMs: 30_000,
    });
    expect(isIdle(deferred, 60_000)).toBe(true);
  });

  it('keys hosts by host and port, not by path or case', () => {
    expect(hostKey('https://Raw.GitHubUserContent.com/a/b')).toBe(
      hostKey('https://raw.githubusercontent.com/c'),
    );
    expect(hostKey('http://h:8080/')).not.toBe(hostKey('http://h:8081/'));
  });
});

describe('content-encoding plan', () => {
  it('decodes the last applied coding first', () => {
    expect(planDecoding('gzip, br', 2)).toEqual({ ok: true, decoders: ['br', 'gzip'] });
    expect(planDecoding('x-gzip', 2)).toEqual({ ok: true, decoders: ['gzip'] });
    expect(planDecoding('identity', 2)).toEqual({ ok: true, decoders: [] });
    expect(planDecoding(undefined, 2)).toEqual({ ok: true, decoders: [] });
  });

  it('refuses unknown and over-stacked codings', () => {
    expect(planDecoding('zstd', 2)).toEqual({ ok: false, coding: 'zstd' });
    expect(planDecoding('gzip, gzip, gzip', 2).ok).toBe(false);
  });
});

describe('outcomes', () => {
  it('maps statuses', () => {
    const plain = { conditional: false, retryAfter: false };
    expect(outcomeForStatus(200, plain).outcome).toBe('ok');
    expect(outcomeForStatus(304, { ...plain, conditional: true }).outcome).toBe('not-modified');
    expect(outcomeForStatus(304, plain)).toEqual({
      outcome: 'invalid-response',
      errorCode: 'UNSOLICITED_304',
    });
    expect(outcomeForStatus(429, plain)).toEqual({ outcome: 'rate-limited', errorCode: 'HTTP_429' });
    expect(outcomeForStatus(503, { ...plain, retryAfter: true }).outcome).toBe('rate-limited');
    expect(outcomeForStatus(503, plain).outcome).toBe('http-error');
    expect(outcomeForStatus(404, plain)).toEqual({ outcome: 'http-error', errorCode: 'HTTP_404' });
  });

  it('maps error codes of undici, node, zlib and our own', () => {
    expect(outcomeForError(FETCH_ERROR_CODES.addressBlocked)).toBe('address-blocked');
    expect(outcomeForError(FETCH_ERROR_CODES.deadline)).toBe('timeout');
    expect(outcomeForError(FETCH_ERROR_CODES.redirectLoop)).toBe('too-many-redirects');
    expect(outcomeForError(FETCH_ERROR_CODES.decodedTooLarge)).toBe('decoded-too-large');
    expect(outcomeForError('UND_ERR_HEADERS_TIMEOUT')).toBe('timeout');
    expect(outcomeForError('ENOTFOUND')).toBe('dns-error');
    expect(outcomeForError('ECONNREFUSED')).toBe('connect-error');
    expect(outcomeForError('CERT_HAS_EXPIRED')).toBe('tls-error');
    expect(outcomeForError('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('tls-error');
    expect(outcomeForError('HPE_INVALID_CONSTANT')).toBe('invalid-response');
    expect(outcomeForError('Z_DATA_ERROR')).toBe('invalid-response');
    expect(outcomeForError('ERR__ERROR_FORMAT_PADDING_1')).toBe('invalid-response');
    expect(outcomeForError('SOMETHING_NEW')).toBe('connect-error');
  });
});
