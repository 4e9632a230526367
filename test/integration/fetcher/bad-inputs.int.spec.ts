import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FETCH_LIMITS } from '../../../services/core/fetching/fetch-limits.ts';
import type { FetchLimits } from '../../../services/core/fetching/fetch-limits.ts';
import type { SourceFetched } from '../../../services/generated/events.ts';
import { fetchSource } from '../../../services/fetcher/fetch-source.ts';
import type { FetchSourceDeps, SourceToFetch } from '../../../services/fetcher/fetch-source.ts';
import { createHostGate } from '../../../services/fetcher/host-gate.ts';
import { staticResolver } from '../../../services/fetcher/resolver.ts';
import { startFixtureServer, streamBytes } from './fixture-server.ts';
import type { FixtureServer } from './fixture-server.ts';

/**
 * The fetcher against hostile and broken servers. Every server is a fixture on 127.0.0.1; the
 * catalog entries that use it are "local" (allowPrivateAddresses), exactly as a local test
 * catalog would be. Names like intranet.example resolve through an injected table, so the
 * refusals are proven without a packet ever leaving for 10.x, 169.254.169.254 or ::1.
 */

const MiB = 1024 * 1024;
const SUBSCRIPTION = 'vless://11111111-1111-4111-8111-111111111111@example.com:443?security=tls#one\n';
const HTML =
  '<!doctype html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>';

let server: FixtureServer;
let bigBodySent: Promise<number> | undefined;
let bigBodySentWithLength: Promise<number> | undefined;
let rateLimitedOnce = false;
// 320 gzip members of 32 MiB of zeros each: 10 GiB when inflated, ~10 MB on the wire.
const BOMB_MEMBERS = 320;
const gzipBombMember = gzipSync(Buffer.alloc(32 * MiB), { level: 9 });
const brotliBomb = brotliCompressSync(Buffer.alloc(64 * MiB));

beforeAll(async () => {
  server = await startFixtureServer({
    '/sub': (_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'subscription-userinfo': 'upload=1.5e3; download=2048;total=1e10; expire=',
        'profile-update-interval': '12',
        'profile-title': `base64:${Buffer.from('Fixture ✓').toString('base64')}`,
        'content-disposition': `attachment; filename*=UTF-8''fixture.txt`,
      });
      res.end(SUBSCRIPTION);
    },
    '/html': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML);
    },
    '/gzip-sub': (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(SUBSCRIPTION));
    },
    '/huge': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      bigBodySent = streamBytes(res, 200 * MiB);
    },
    '/huge-announced': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(200 * MiB) });
      bigBodySentWithLength = streamBytes(res, 200 * MiB);
    },
    '/drip': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('v'), 100);
      res.on('close', () => clearInterval(timer));
    },
    '/silent': () => {
      // Accepts the request and never answers.
    },
    '/loop-a': (_req, res) => res.writeHead(302, { location: '/loop-b' }).end(),
    '/loop-b': (_req, res) => res.writeHead(301, { location: '/loop-a' }).end(),
    '/chain': (req, res) => {
      const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n') ?? '0');
      res.writeHead(302, { location: `/chain?n=${n + 1}` }).end();
    },
    '/to-metadata': (_req, res) =>
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    '/to-metadata-name': (_req, res) =>
      res.writeHead(307, { location: 'http://metadata.example/latest/' }).end(),
    '/to-sub': (_req, res) => res.writeHead(308, { location: '/sub' }).end(),
    '/gzip-bomb': (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
      void (async () => {
        for (let i = 0; i < BOMB_MEMBERS && !res.destroyed; i += 1) {
          if (!res.write(gzipBombMember)) await new Promise((resolve) => res.once('drain', resolve));
        }
        res.end();
      })();
    },
    '/brotli-bomb': (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'br' }).end(brotliBomb);
    },
    '/zstd': (_req, res) => res.writeHead(200, { 'content-encoding': 'zstd' }).end('whatever'),
    '/bad-gzip': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end('this is not gzip'),
    '/rate-limited-once': (_req, res) => {
      if (!rateLimitedOnce) {
        rateLimitedOnce = true;
        res.writeHead(429, { 'retry-after': '1' }).end('slow down');
        return;
      }
      res.writeHead(200).end(SUBSCRIPTION);
    },
    '/rate-limited-long': (_req, res) => {
      res.writeHead(503, { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() }).end();
    },
    '/etag': (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' }).end();
        return;
      }
      res
        .writeHead(200, { etag: '"v1"', 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' })
        .end(SUBSCRIPTION);
    },
    '/server-error': (_req, res) => res.writeHead(500).end('oops'),
    '/not-found': (_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end(HTML),
  });
});

afterAll(async () => {
  await server.close();
});

const resolver = staticResolver({
  'fixture.test': ['127.0.0.1'],
  'mirror.test': ['127.0.0.1'],
  'intranet.example': ['10.0.0.5'],
  'cgnat.example': ['100.64.1.1'],
  'metadata.example': ['169.254.169.254'],
  'v6-loopback.example': ['::1'],
  'v4-mapped.example': ['::ffff:127.0.0.1'],
  'split.example': ['93.184.216.34', '10.1.1.1'],
});

function harness(limits: Partial<FetchLimits> = {}): { deps: FetchSourceDeps; events: SourceFetched[] } {
  const events: SourceFetched[] = [];
  return {
    events,
    deps: {
      limits: { ...DEFAULT_FETCH_LIMITS, ...limits },
      retry: { maxAttemptsPerUrl: 2, backoff: { baseMs: 20, maxMs: 100 }, maxRetryAfterWaitMs: 5_000 },
      retryAfterCapMs: 6 * 3_600_000,
      hostGate: createHostGate({ maxConcurrent: 4, minDelayMs: 0 }),
      resolver,
      validators: new Map(),
      publish: (event) => {
        events.push(event);
        return Promise.resolve();
      },
      producer: 'fetcher/test',
      metadata: { now: Date.now, newId: randomUUID },
      random: Math.random,
    },
  };
}

const local = (id: string, ...urls: string[]): SourceToFetch => ({ id, urls, allowPrivateAddresses: true });
const internet = (id: string, ...urls: string[]): SourceToFetch => ({
  id,
  urls,
  allowPrivateAddresses: false,
});
const body = (event: SourceFetched | undefined): string =>
  event?.body == null ? '' : gunzipSync(event.body.data).toString('utf8');

describe('fetcher against real HTTP servers', () => {
  it('records a subscription with its headers, timings and a gzip body', async () => {
    const { deps, events } = harness();
    const round = await fetchSource(local('plain', server.url('/sub')), deps);
    expect(round).toMatchObject({ succeeded: true, outcome: 'ok', attempts: 1 });
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      sourceId: 'plain',
      outcome: 'ok',
      httpStatus: 200,
      urlIndex: 0,
      attempt: 1,
      remoteAddress: '127.0.0.1',
      finalUrl: server.url('/sub'),
      sizes: { wireBytes: SUBSCRIPTION.length, decodedBytes: SUBSCRIPTION.length, truncated: false },
      headers: {
        contentType: 'text/plain; charset=utf-8',
        subscriptionUserinfo: 'upload=1.5e3; download=2048;total=1e10; expire=',
        profileUpdateInterval: '12',
        profileTitle: `base64:${Buffer.from('Fixture ✓').toString('base64')}`,
      },
    });
    expect(event?.timings.dnsMs).not.toBeNull();
    expect(event?.timings.connectMs).not.toBeNull();
    expect(event?.timings.ttfbMs).not.toBeNull();
    expect(event?.body?.compression).toBe('gzip');
    expect(body(event)).toBe(SUBSCRIPTION);
    expect(server.requests.at(-1)?.headers['user-agent']).toMatch(/^submerge-fetcher\//);
  });

  it('decodes a gzip-encoded response and reports both sizes', async () => {
    const { deps, events } = harness();
    await fetchSource(local('gz', server.url('/gzip-sub')), deps);
    expect(events[0]).toMatchObject({ outcome: 'ok', headers: { contentEncoding: 'gzip' } });
    expect(events[0]?.sizes.decodedBytes).toBe(SUBSCRIPTION.length);
    expect(events[0]?.sizes.wireBytes).toBe(gzipSync(SUBSCRIPTION).length);
    expect(body(events[0])).toBe(SUBSCRIPTION);
  });

  it('keeps an HTML page served instead of a subscription, for the parser to diagnose', async () => {
    const { deps, events } = harness();
    const round = await fetchSource(local('html', server.url('/html')), deps);
    expect(round.succeeded).toBe(true);
    expect(events[0]).toMatchObject({
      outcome: 'ok',
      httpStatus: 200,
      headers: { contentType: 'text/html; charset=utf-8' },
    });
    expect(body(events[0])).toBe(HTML);
  });

  it('stops a 200 MB body at the wire cap without reading the rest', async () => {
    const { deps, events } = harness({ maxWireBytes: 8 * MiB });
    const round = await fetchSource(local('huge', server.url('/huge')), deps);
    expect(round).toMatchObject({ succeeded: false, outcome: 'body-too-large', attempts: 1 });
    const [event] = events;
    expect(event).toMatchObject({
      outcome: 'body-too-large',
      errorCode: 'BODY_TOO_LARGE',
      httpStatus: 200,
      body: null,
    });
    expect(event?.sizes.truncated).toBe(true);
    expect(event?.sizes.wireBytes).toBeGreaterThan(8 * MiB);
    expect(event?.sizes.wireBytes).toBeLessThanOrEqual(8 * MiB + 256 * 1024);
    // The connection was dropped: the server could hand over far less than the 200 MB.
    expect(await bigBodySent).toBeLessThan(64 * MiB);
  });

  it('refuses an announced oversized body without reading it', async () => {
    const { deps, events } = harness({ maxWireBytes: 8 * MiB });
    await fetchSource(local('huge-announced', server.url('/huge-announced')), deps);
    expect(events[0]).toMatchObject({
      outcome: 'body-too-large',
      errorCode: 'BODY_TOO_LARGE',
      headers: { contentLength: 200 * MiB },
      sizes: { wireBytes: 0, truncated: true },
    });
    expect(await bigBodySentWithLength).toBeLessThan(64 * MiB);
  });

  it('cuts a slow-drip server at the overall deadline although every chunk arrives in time', async () => {
    const { deps, events } = harness({ deadlineMs: 1_500, bodyTimeoutMs: 1_000 });
    const round = await fetchSource(local('drip', server.url('/drip')), {
      ...deps,
      retry: { ...deps.retry, maxAttemptsPerUrl: 1 },
    });
    expect(round).toMatchObject({ succeeded: false, outcome: 'timeout' });
    expect(events[0]).toMatchObject({
      outcome: 'timeout',
      errorCode: 'FETCH_DEADLINE',
      httpStatus: 200,
      body: null,
    });
    expect(events[0]?.sizes.wireBytes).toBeGreaterThan(0);
    expect(events[0]?.timings.totalMs).toBeGreaterThanOrEqual(1_500);
  });

  it('records an attempt cut by shutdown as aborted and stops there', async () => {
    const { deps, events } = harness();
    const shutdown = new AbortController();
    setTimeout(() => shutdown.abort(), 300);
    const round = await fetchSource(
      local('shutdown', server.url('/drip'), server.url('/sub')),
      deps,
      shutdown.signal,
    );
    expect(round).toMatchObject({ succeeded: false, outcome: 'aborted', attempts: 1 });
    expect(events.map((e) => [e.outcome, e.errorCode])).toEqual([['aborted', 'FETCH_ABORTED']]);
  });

  it('times out a server that never sends headers, then retries it', async () => {
    const { deps, events } = harness({ headersTimeoutMs: 300 });
    const round = await fetchSource(local('silent', server.url('/silent')), deps);
    expect(round).toMatchObject({ succeeded: false, outcome: 'timeout', attempts: 2 });
    expect(events.map((e) => [e.attempt, e.outcome, e.errorCode])).toEqual([
      [1, 'timeout', 'UND_ERR_HEADERS_TIMEOUT'],
      [2, 'timeout', 'UND_ERR_HEADERS_TIMEOUT'],
    ]);
  });

  it('detects a redirect loop', async () => {
    const { deps, events } = harness();
    const round = await fetchSource(local('loop', server.url('/loop-a')), deps);
    expect(round).toMatchObject({ succeeded: false, outcome: 'too-many-redirects', attempts: 1 });
    expect(events[0]).toMatchObject({
      outcome: 'too-many-redirects',
      errorCode: 'REDIRECT_LOOP',
      redirects: 2,
      httpStatus: 301,
    });
  });

  it('bounds a redirect chain that never repeats', async () => {
    const { deps, events } = harness({ maxRedirects: 3 });
    await fetchSource(local('chain', server.url('/chain')), deps);
    expect(events[0]).toMatchObject({
      outcome: 'too-many-redirects',
      errorCode: 'TOO_MANY_REDIRECTS',
      redirects: 4,
    });
  });

  it('follows a redirect and records where it ended', async () => {
    const { deps, events } = harness();
    await fetchSource(local('redirected', server.url('/to-sub')), deps);
    expect(events[0]).toMatchObject({
      outcome: 'ok',
      redirects: 1,
      finalUrl: server.url('/sub'),
      url: server.url('/to-sub'),
    });
  });

  it('stops a gzip bomb at the decoded cap, not after inflating it', async () => {
    const { deps, events } = harness({ maxDecodedBytes: 16 * MiB });
    const round = await fetchSource(local('bomb', server.url('/gzip-bomb')), deps);
    expect(round).toMatchObject({ succeeded: false, outcome: 'decoded-too-large' });
    const [event] = events;
    expect(event).toMatchObject({ outcome: 'decoded-too-large', errorCode: 'DECODED_TOO_LARGE', body: null });
    expect(event?.sizes.truncated).toBe(true);
    expect(event?.sizes.decodedBytes).toBeLessThanOrEqual(16 * MiB + 256 * 1024);
    // Reading stopped within the first members, long before the ~10 MB bomb was through.
    expect(event?.sizes.wireBytes).toBeLessThan(1 * MiB);
    expect(gzipBombMember.length * BOMB_MEMBERS).toBeGreaterThan(8 * MiB);
  });

  it('stops a brotli bomb the same way', async () => {
    const { deps, events } = harness({ maxDecodedBytes: 16 * MiB });
    await fetchSource(local('br-bomb', server.url('/brotli-bomb')), deps);
    expect(events[0]).toMatchObject({ outcome: 'decoded-too-large', errorCode: 'DECODED_TOO_LARGE' });
    expect(events[0]?.sizes.decodedBytes).toBeLessThanOrEqual(16 * MiB + 256 * 1024);
  });

  it('refuses an unknown content-coding and a body that lies about its coding', async () => {
    const { deps, events } = harness();
    await fetchSource(local('zstd', server.url('/zstd')), deps);
    await fetchSource(local('bad-gzip', server.url('/bad-gzip')), deps);
    expect(events.map((e) => [e.sourceId, e.outcome, e.errorCode])).toEqual([
      ['zstd', 'invalid-response', 'UNSUPPORTED_ENCODING'],
      ['bad-gzip', 'invalid-response', 'Z_DATA_ERROR'],
    ]);
  });

  it('waits out a short Retry-After on 429 and then succeeds', async () => {
    const { deps, events } = harness();
    const round = await fetchSource(local('limited', server.url('/rate-limited-once')), deps);
    expect(round).toMatchObject({ succeeded: true, outcome: 'ok', attempts: 2 });
    expect(events.map((e) => [e.attempt, e.outcome, e.httpStatus, e.headers.retryAfter])).toEqual([
      [1, 'rate-limited', 429, '1'],
      [2, 'ok', 200, null],
    ]);
    expect((events[1]?.timings.startedAt ?? 0) - (events[0]?.timings.startedAt ?? 0)).toBeGreaterThanOrEqual(
      1_000,
    );
    // Both attempts belong to one scheduled fetch.
    expect(events[1]?.metadata.correlationId).toBe(events[0]?.metadata.eventId);
  });

  it('does not sit out a long Retry-After (HTTP date): it moves to the mirror and defers the source', async () => {
    const { deps, events } = harness();
    const before = Date.now();
    const round = await fetchSource(
      local('long-limit', server.url('/rate-limited-long'), server.url('/sub', 'mirror.test')),
      deps,
    );
    expect(round).toMatchObject({ succeeded: true, outcome: 'ok', attempts: 2 });
    expect(events.map((e) => [e.urlIndex, e.outcome, e.httpStatus])).toEqual([
      [0, 'rate-limited', 503],
      [1, 'ok', 200],
    ]);
    expect(events[0]?.headers.retryAfter).toMatch(/GMT$/);
    const failing = await fetchSource(
      local('long-limit-alone', server.url('/rate-limited-long')),
      harness().deps,
    );
    expect(failing.succeeded).toBe(false);
    expect(failing.notBefore).toBeGreaterThan(before + 3_000_000);
  });

  it('sends the remembered ETag and records the 304', async () => {
    const { deps, events } = harness();
    await fetchSource(local('etag', server.url('/etag')), deps);
    await fetchSource(local('etag', server.url('/etag')), deps);
    expect(events.map((e) => [e.outcome, e.httpStatus, e.requestEtag, e.body === null])).toEqual([
      ['ok', 200, null, false],
      ['not-modified', 304, '"v1"', true],
    ]);
    expect(events[1]?.requestLastModified).toBe('Wed, 01 Jan 2025 00:00:00 GMT');
    expect(server.requests.filter((r) => r.path === '/etag').at(-1)?.headers['if-none-match']).toBe('"v1"');
  });

  it('fails over to a mirror after the primary keeps failing', async () => {
    const { deps, events } = harness();
    const round = await fetchSource(
      local(
        'mirrored',
        server.url('/server-error'),
        server.url('/not-found', 'mirror.test'),
        server.url('/sub', 'mirror.test'),
      ),
      deps,
    );
    expect(round).toMatchObject({ succeeded: true, attempts: 4 });
    expect(events.map((e) => [e.attempt, e.urlIndex, e.outcome, e.httpStatus])).toEqual([
      [1, 0, 'http-error', 500],
      [2, 0, 'http-error', 500],
      [3, 1, 'http-error', 404],
      [4, 2, 'ok', 200],
    ]);
    expect(new Set(events.map((e) => e.metadata.correlationId)).size).toBe(1);
  });

  it('records a URL that is not http(s) once, without touching the network', async () => {
    const { deps, events } = harness();
    await fetchSource(local('ftp', 'ftp://fixture.test/sub'), deps);
    await fetchSource(local('garbage', 'not a url at all'), deps);
    expect(events.map((e) => [e.sourceId, e.outcome, e.errorCode, e.attempt])).toEqual([
      ['ftp', 'connect-error', 'UNSUPPORTED_URL', 1],
      ['garbage', 'connect-error', 'UNSUPPORTED_URL', 1],
    ]);
  });

  it('records a refused connection and a name that does not resolve', async () => {
    const closed = await startFixtureServer({});
    const port = closed.port;
    await closed.close();
    const { deps, events } = harness();
    await fetchSource(local('refused', `http://fixture.test:${port}/`), {
      ...deps,
      retry: { ...deps.retry, maxAttemptsPerUrl: 1 },
    });
    await fetchSource(local('nxdomain', 'http://no-such-name.test/'), deps);
    expect(events.map((e) => [e.sourceId, e.outcome, e.errorCode])).toEqual([
      ['refused', 'connect-error', 'ECONNREFUSED'],
      ['nxdomain', 'dns-error', 'ENOTFOUND'],
    ]);
  });
});

describe('address guard on real fetches', () => {
  it('refuses 127.0.0.1 by default: the server never sees a connection', async () => {
    const { deps, events } = harness();
    const before = server.connections();
    await fetchSource(internet('loopback-literal', server.url('/sub', '127.0.0.1')), deps);
    await fetchSource(internet('loopback-name', server.url('/sub')), deps);
    await fetchSource(internet('localhost', server.url('/sub', 'localhost')), deps);
    expect(server.connections()).toBe(before);
    expect(events.map((e) => [e.sourceId, e.outcome, e.errorCode, e.remoteAddress])).toEqual([
      ['loopback-literal', 'address-blocked', 'ADDRESS_BLOCKED', null],
      ['loopback-name', 'address-blocked', 'ADDRESS_BLOCKED', null],
      ['localhost', 'address-blocked', 'ADDRESS_BLOCKED', null],
    ]);
    expect(events[1]?.errorMessage).toContain('127.0.0.1 (loopback)');
  });

  it('refuses metadata, link-local, IPv6 loopback, IPv4-mapped, private and CGNAT targets without connecting', async () => {
    const { deps, events } = harness();
    const urls = [
      'http://169.254.169.254/latest/meta-data/',
      'http://169.254.10.1/',
      'http://[::1]:9/',
      'http://[::ffff:127.0.0.1]:9/',
      'http://10.0.0.1/',
      'http://intranet.example/sub',
      'http://cgnat.example/sub',
      'http://metadata.example/',
      'http://v6-loopback.example/',
      'http://v4-mapped.example/',
      'http://split.example/',
    ];
    for (const [i, url] of urls.entries()) await fetchSource(internet(`guarded-${i}`, url), deps);
    expect(events.map((e) => e.outcome)).toEqual(urls.map(() => 'address-blocked'));
    expect(events.every((e) => e.remoteAddress === null && e.httpStatus === null)).toBe(true);
    // Blocked is final: no retries against a refused address.
    expect(events.every((e) => e.attempt === 1)).toBe(true);
  });

  it('re-checks every redirect target: a local source cannot be bounced to a metadata endpoint', async () => {
    const { deps, events } = harness();
    await fetchSource(local('bounce-literal', server.url('/to-metadata')), deps);
    await fetchSource(local('bounce-name', server.url('/to-metadata-name')), deps);
    expect(events.map((e) => [e.sourceId, e.outcome, e.redirects, e.httpStatus])).toEqual([
      ['bounce-literal', 'address-blocked', 1, 302],
      ['bounce-name', 'address-blocked', 1, 307],
    ]);
  });
});

describe('TLS', () => {
  it('records a certificate the fetcher cannot trust as tls-error, without retrying it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fetcher-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=fixture.test',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const tls = createHttpsServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        (_req, res) => res.end(SUBSCRIPTION),
      );
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      const { port } = tls.address() as AddressInfo;
      try {
        const { deps, events } = harness();
        const round = await fetchSource(local('self-signed', `https://fixture.test:${port}/`), deps);
        expect(round).toMatchObject({ succeeded: false, outcome: 'tls-error', attempts: 1 });
        expect(events[0]).toMatchObject({
          outcome: 'tls-error',
          errorCode: 'DEPTH_ZERO_SELF_SIGNED_CERT',
          httpStatus: null,
        });
      } finally {
        tls.closeAllConnections();
        await new Promise<void>((resolve) => tls.close(() => resolve()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
