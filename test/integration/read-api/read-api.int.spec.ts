import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { AdminAction, SourceCatalogEntry, SourceCommand } from '../../../services/generated/events.ts';
import type { ProxyConfig } from '../../../services/core/model/config.ts';
import type { ReadApiServer } from '../../../services/read-api/server.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { mihomoTest, singBoxCheck, singBoxVersion } from '../../helpers/proxy-cores.ts';
import {
  catalogEvent,
  currentEvent,
  flag,
  healthEvent,
  scoredEvent,
  snapshotEvent,
  syntheticConfig,
} from '../../unit/read-api/read-fixtures.ts';
import { ADMIN, READER } from '../../unit/read-api/read-api-harness.ts';
import { eventually, http, kafkaReadApi } from './read-api-fixture.ts';
import type { HttpAnswer, KafkaReadApi } from './read-api-fixture.ts';

// The read API fed by the real broker (values Avro-encoded through the registry with the
// pipeline's codec), asked over real HTTP. Two replicas share the topics: what one publishes
// (presets, key revocations, catalog changes) the other materializes.

const SOURCES = ['prem-a', 'bulk-b', 'rel-c'] as const;
const TIERS = { 'prem-a': 'premium', 'bulk-b': 'bulk', 'rel-c': 'reliable' } as const;
const COUNT = 60;

const sourcesOf = (i: number): { sourceId: string }[] => {
  const first = SOURCES[i % 3] as string;
  return i % 7 === 0
    ? [{ sourceId: first }, { sourceId: SOURCES[(i + 1) % 3] as string }]
    : [{ sourceId: first }];
};

const configs: ProxyConfig[] = Array.from({ length: COUNT }, (_, i) => syntheticConfig(i));
// Same endpoint as config 0, another credential: one config under dedupe=endpoint.
const twin: ProxyConfig = {
  ...(configs[0] as Extract<ProxyConfig, { protocol: 'vless' }>),
  name: '🇩🇪 twin of node 0',
  uuid: '5c0e3a9b-2d1f-4e7a-9b3c-0123456789ab',
};
const events = [...configs, twin].map((c, i) => currentEvent(c, sourcesOf(i)));

const auth = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
const json = (body: unknown): { headers: Record<string, string>; body: string } => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const lines = (answer: HttpAnswer): string[] => answer.text().trim().split('\n').filter(Boolean);
const errorCode = (answer: HttpAnswer): string => (answer.json() as { error: { code: string } }).error.code;

describe('read API on the real broker, over real HTTP', () => {
  let kafka: KafkaReadApi;
  let a: ReadApiServer;
  let b: ReadApiServer;
  let singBoxBuild: { wireguard: boolean; naive: boolean };

  beforeAll(async () => {
    const { singBoxBin } = componentEndpoints();
    const version = await singBoxVersion(singBoxBin);
    singBoxBuild = {
      wireguard: version.tags.includes('with_wireguard'),
      naive: version.tags.includes('with_naive_outbound'),
    };
    kafka = await kafkaReadApi();
    const { topics } = kafka;
    await kafka.log.append([
      ...SOURCES.map((id) => ({ topic: topics.read.catalog, key: id, value: catalogEvent(id, TIERS[id]) })),
      ...events.map((e) => ({ topic: topics.read.current, key: e.fingerprint, value: e })),
      ...events.slice(0, 20).map((e, i) => ({
        topic: topics.read.scored,
        key: e.fingerprint,
        value: scoredEvent(e, i * 5, 50 + i),
      })),
      { topic: topics.read.health, key: 'prem-a', value: healthEvent('prem-a', 'healthy') },
      { topic: topics.read.snapshots, key: 'prem-a', value: snapshotEvent('prem-a', 21) },
    ]);
    a = await kafka.start({ render: { singBox: singBoxBuild } });
    b = await kafka.start({ render: { singBox: singBoxBuild } });
    await eventually(
      async () =>
        (await http(a.url, '/ready')).status === 200 && (await http(b.url, '/ready')).status === 200,
    );
  });

  afterAll(async () => {
    await kafka?.cleanup();
  });

  describe('health', () => {
    it('answers /live and /ready once caught up, with the state size', async () => {
      expect((await http(a.url, '/live')).status).toBe(200);
      const ready = await http(a.url, '/ready');
      expect(ready.status).toBe(200);
      expect(ready.json()).toMatchObject({ ready: true, phase: 'following', configs: COUNT + 1 });
    });

    it('exposes Prometheus metrics with request latency, cache and state gauges', async () => {
      await http(a.url, '/sub/base64');
      const metrics = (await http(a.url, '/metrics')).text();
      expect(metrics).toContain('submerge_http_request_duration_seconds_bucket');
      expect(metrics).toContain('submerge_read_api_cache_lookups_total');
      expect(metrics).toMatch(/submerge_read_api_state_entries\{[^}]*kind="configs"[^}]*\} 61/);
      expect(metrics).toContain('submerge_read_api_state_lag_records');
    });

    it('serves the OpenAPI document and the docs page', async () => {
      const doc = (await http(a.url, '/openapi.json')).json() as {
        openapi: string;
        paths: Record<string, unknown>;
      };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/sub/{format}', '/configs', '/admin/presets']),
      );
      expect((await http(a.url, '/docs/')).status).toBe(200);
    });
  });

  describe('formats', () => {
    it('serves a uri list and the same list base64-encoded', async () => {
      const uri = await http(a.url, '/sub/uri');
      expect(uri.status).toBe(200);
      expect(lines(uri)).toHaveLength(COUNT + 1);
      const base64 = await http(a.url, '/sub/base64');
      expect(Buffer.from(base64.text(), 'base64').toString('utf8').trim().split('\n')).toEqual(lines(uri));
    });

    it('serves a Clash document mihomo accepts, with a file name', async () => {
      const { mihomoBin } = componentEndpoints();
      const clash = await http(a.url, '/sub/clash');
      expect(clash.status).toBe(200);
      expect(clash.headers['content-type']).toContain('yaml');
      expect(clash.headers['content-disposition']).toContain('submerge.yaml');
      const doc = parseYaml(clash.text()) as { proxies: unknown[] };
      expect(doc.proxies).toHaveLength(Number(clash.headers['x-submerge-configs']));
      if (mihomoBin === undefined) throw new Error('mihomo is not built: run npm run infra:up');
      const verdict = await mihomoTest(mihomoBin, clash.text());
      expect(verdict.ok, verdict.output).toBe(true);
    });

    it('serves a sing-box document sing-box check accepts, leaving out what it cannot express', async () => {
      const { singBoxBin } = componentEndpoints();
      const box = await http(a.url, '/sub/sing-box');
      expect(box.status).toBe(200);
      expect(Number(box.headers['x-submerge-left-out'])).toBe(6); // the shadowsocksr configs
      const verdict = await singBoxCheck(singBoxBin, box.text());
      expect(verdict.ok, verdict.output).toBe(true);
    });

    it('serves filtered, limited, UA-picked and shared sing-box and Clash documents the real clients accept', async () => {
      const { singBoxBin, mihomoBin } = componentEndpoints();
      if (mihomoBin === undefined) throw new Error('mihomo is not built: run npm run infra:up');
      const preset = await http(a.url, '/admin/presets', {
        method: 'POST',
        headers: { ...auth(ADMIN.text), 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'clash share',
          format: 'clash',
          query: { country: 'DE,NL,US', sort: 'name' },
        }),
      });
      const sharePath = (preset.json() as { path: string }).path;
      const singBox = [
        '/sub/sing-box?limit=10&sort=name',
        '/sub/sing-box?protocol=vless,hysteria2&dedupe=endpoint',
        '/sub/sing-box?include=node%201&exclude=node%2012',
      ];
      const clash = [
        '/sub/clash?limit=7&sort=score',
        '/sub/clash?protocol=shadowsocksr,trojan&tier=premium',
        sharePath,
      ];
      for (const path of singBox) {
        const verdict = await singBoxCheck(singBoxBin, (await http(a.url, path)).text());
        expect(verdict.ok, `${path}: ${verdict.output}`).toBe(true);
      }
      const sfa = await http(a.url, '/sub/auto?protocol=trojan', {
        headers: { 'user-agent': 'SFA/1.11.0 (Android 14; sing-box 1.11.0)' },
      });
      expect((await singBoxCheck(singBoxBin, sfa.text())).ok).toBe(true);
      for (const path of clash) {
        const verdict = await mihomoTest(mihomoBin, (await http(a.url, path)).text());
        expect(verdict.ok, `${path}: ${verdict.output}`).toBe(true);
      }
      const verge = await http(a.url, '/sub/auto?country=FR', {
        headers: { 'user-agent': 'clash-verge/v2.0.4' },
      });
      expect((await mihomoTest(mihomoBin, verge.text())).ok).toBe(true);
    });

    it('serves SIP008 with the Shadowsocks configs and Xray JSON', async () => {
      const sip = (await http(a.url, '/sub/sip008')).json() as { version: number; servers: unknown[] };
      expect(sip.version).toBe(1);
      expect(sip.servers).toHaveLength(6);
      const xray = await http(a.url, '/sub/xray');
      expect(xray.status).toBe(200);
      expect(() => xray.json()).not.toThrow();
    });

    it('answers 404 FORMAT_NOT_FOUND for an unknown format', async () => {
      const answer = await http(a.url, '/sub/surge');
      expect(answer.status).toBe(404);
      expect(errorCode(answer)).toBe('FORMAT_NOT_FOUND');
    });
  });

  describe('filters', () => {
    const count = async (query: string): Promise<number> =>
      lines(await http(a.url, `/sub/uri?${query}`)).length;

    it('filters by protocol (comma-separated or repeated)', async () => {
      expect(await count('protocol=vmess')).toBe(12);
      expect(await count('protocol=vmess,trojan')).toBe(24);
      expect(await count('protocol=vmess&protocol=trojan')).toBe(24);
    });

    it('filters by country from flag emojis in names', async () => {
      expect(await count('country=de')).toBe(7); // six DE nodes and the twin
      expect(await count('country=DE,NL')).toBe(13);
    });

    it('filters by source and by source tier', async () => {
      const prem = events.filter((e) => e.sources.some((s) => s.sourceId === 'prem-a')).length;
      expect(await count('source=prem-a')).toBe(prem);
      expect(await count('tier=premium')).toBe(prem);
      const premOrBulk = events.filter((e) => e.sources.some((s) => s.sourceId !== 'rel-c')).length;
      expect(await count('tier=premium,bulk')).toBe(premOrBulk);
    });

    it('keeps scored configs at or above minScore, on the 0-100 scale', async () => {
      expect(await count('minScore=75')).toBe(5);
      expect(await count('minScore=50')).toBe(10);
      expect(await count('minScore=0')).toBe(20);
    });

    it('answers 400 INVALID_SCORE stating the 0-100 range for minScore=150', async () => {
      for (const path of ['/sub/uri?minScore=150', '/configs?minScore=150']) {
        const answer = await http(a.url, path);
        expect(answer.status).toBe(400);
        expect(errorCode(answer)).toBe('INVALID_SCORE');
        expect((answer.json() as { error: { message: string } }).error.message).toContain(
          'between 0 and 100',
        );
      }
    });

    it('lists configs by score with the points that make up each score', async () => {
      const page = (await http(a.url, '/configs?sort=score&minScore=75')).json() as {
        items: { score: number; scoreComponents: Record<string, { points: number }> }[];
      };
      expect(page.items.map((i) => i.score)).toEqual([95, 90, 85, 80, 75]);
      for (const item of page.items) {
        const sum = Object.values(item.scoreComponents).reduce((s, c) => s + c.points, 0);
        expect(sum).toBeCloseTo(item.score, 6);
      }
    });

    it('includes and excludes by RE2 name patterns', async () => {
      expect(await count('include=node%201[0-9]$')).toBe(10);
      expect(await count('include=%5E%F0%9F%87%A9%F0%9F%87%AA&exclude=twin')).toBe(6); // ^🇩🇪, not the twin
    });

    it('limits to configs the format can express, in the requested order', async () => {
      const box = await http(a.url, '/sub/sing-box?limit=10&sort=name');
      expect(box.headers['x-submerge-configs']).toBe('10');
      const best = lines(await http(a.url, '/sub/uri?protocol=vless&sort=score&limit=3'));
      expect(best).toHaveLength(3);
      expect(best[0]).toContain('node%2012');
      expect(best[1]).toContain('node%2011');
    });

    it('folds configs under a coarser dedupe policy', async () => {
      expect(await count('dedupe=endpoint')).toBe(COUNT);
      expect(await count('dedupe=full')).toBe(COUNT + 1);
    });
  });

  describe('caching and compression', () => {
    it('answers 304 to a matching If-None-Match and 200 to a stale one', async () => {
      const first = await http(a.url, '/sub/clash?protocol=vless');
      const etag = first.headers['etag'] ?? '';
      expect(etag).toMatch(/^W\/"/);
      const again = await http(a.url, '/sub/clash?protocol=vless', { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(again.body).toHaveLength(0);
      const stale = await http(a.url, '/sub/clash?protocol=vless', {
        headers: { 'if-none-match': 'W/"old"' },
      });
      expect(stale.status).toBe(200);
    });

    it('gives the same ETag on every replica for the same state and query', async () => {
      const fromA = await http(a.url, '/sub/base64?protocol=trojan');
      const fromB = await http(b.url, '/sub/base64?protocol=trojan', { headers: auth(READER.text) });
      expect(fromB.headers['etag']).toBe(fromA.headers['etag']);
    });

    it('serves br and gzip to clients that accept them', async () => {
      const plain = await http(a.url, '/sub/uri');
      const br = await http(a.url, '/sub/uri', { headers: { 'accept-encoding': 'gzip, br' } });
      expect(br.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      const gzip = await http(a.url, '/sub/uri', { headers: { 'accept-encoding': 'gzip' } });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
      expect(gzip.headers['vary']).toContain('accept-encoding');
    });

    it('sends the profile headers clients read', async () => {
      const answer = await http(a.url, '/sub/base64');
      expect(answer.headers['profile-title']).toBe(`base64:${Buffer.from('submerge').toString('base64')}`);
      expect(answer.headers['profile-update-interval']).toBe('6');
      expect(answer.headers['subscription-userinfo']).toBe('upload=0; download=0; total=0');
    });
  });

  describe('User-Agent detection', () => {
    it.each([
      ['clash-verge/v2.0.0', 'yaml'],
      ['mihomo/1.19.30', 'yaml'],
      ['Stash/2.4.7 Clash/1.9.0', 'yaml'],
      ['SFA/1.11.0 (Android 14; sing-box 1.11.0)', 'json'],
      ['sing-box 1.14.1', 'json'],
      ['v2rayNG/1.9.16', 'base64'],
      ['v2rayN/7.0', 'base64'],
      ['Shadowrocket/2070 CFNetwork/1494.0.7 Darwin/23.4.0', 'base64'],
      ['HiddifyNext/2.5.7 (android) like ClashMeta v2ray sing-box', 'base64'],
      ['NekoBox/Android/1.3.4 (Prefer ClashMeta Format)', 'base64'],
      ['curl/8.5.0', 'base64'],
    ])('%s gets %s', async (ua, kind) => {
      const answer = await http(a.url, '/sub/auto', { headers: { 'user-agent': ua } });
      expect(answer.status).toBe(200);
      expect(answer.headers['vary']).toContain('user-agent');
      if (kind === 'yaml') expect(answer.headers['content-type']).toContain('yaml');
      else if (kind === 'json') expect(answer.json()).toHaveProperty('outbounds');
      else
        expect(Buffer.from(answer.text(), 'base64').toString('utf8')).toMatch(
          /^(vless|vmess|trojan|ss|hysteria2|ssr):\/\//,
        );
    });
  });

  describe('share links', () => {
    const create = async (
      body: Record<string, unknown>,
    ): Promise<{ token: string; path: string; preset: { id: string } }> => {
      const answer = await http(a.url, '/admin/presets', {
        method: 'POST',
        headers: { ...auth(ADMIN.text), ...json(body).headers },
        body: json(body).body,
      });
      expect(answer.status, answer.text()).toBe(201);
      return answer.json() as { token: string; path: string; preset: { id: string } };
    };

    it('serves a preset through its token on every replica until it is revoked', async () => {
      const { path, preset } = await create({
        name: 'Trojan only 🇩🇪',
        format: 'uri',
        query: { protocol: 'trojan' },
      });
      const fromA = await http(a.url, path);
      expect(fromA.status).toBe(200);
      expect(lines(fromA)).toHaveLength(12);
      expect(fromA.headers['profile-title']).toBe(
        `base64:${Buffer.from('Trojan only 🇩🇪').toString('base64')}`,
      );
      await eventually(async () => {
        const r = await http(b.url, path, { headers: auth(READER.text) });
        if (r.status !== 200) console.log('DEBUG', r.status, r.text().slice(0, 200));
        return r.status === 200;
      });

      const revoke = await http(a.url, `/admin/presets/${preset.id}`, {
        method: 'DELETE',
        headers: auth(ADMIN.text),
      });
      expect(revoke.status).toBe(200);
      const after = await http(a.url, path);
      expect(after.status).toBe(410);
      expect(errorCode(after)).toBe('SHARE_REVOKED');
      await eventually(async () => (await http(b.url, path, { headers: auth(READER.text) })).status === 410);
    });

    it('stops a preset at its access limit and at its expiry', async () => {
      const limited = await create({ name: 'twice', format: 'base64', maxAccesses: 2 });
      expect((await http(a.url, limited.path)).status).toBe(200);
      expect((await http(a.url, limited.path)).status).toBe(200);
      const third = await http(a.url, limited.path);
      expect(third.status).toBe(410);
      expect(errorCode(third)).toBe('SHARE_EXHAUSTED');
      // The other replica counts the accesses this one published.
      await eventually(
        async () => (await http(b.url, limited.path, { headers: auth(READER.text) })).status === 410,
      );

      const expiring = await create({
        name: 'soon',
        format: 'uri',
        expiresAt: new Date(Date.now() + 1_500).toISOString(),
      });
      const before = await http(a.url, expiring.path);
      expect(before.status).toBe(200);
      expect(before.headers['subscription-userinfo']).toMatch(/expire=\d+$/);
      await new Promise((r) => setTimeout(r, 1_700));
      const expired = await http(a.url, expiring.path);
      expect(expired.status).toBe(410);
      expect(errorCode(expired)).toBe('SHARE_EXPIRED');
    });

    it('answers 404 SHARE_NOT_FOUND to an unknown token', async () => {
      const answer = await http(a.url, `/share/${'Z'.repeat(43)}`);
      expect(answer.status).toBe(404);
      expect(errorCode(answer)).toBe('SHARE_NOT_FOUND');
    });
  });

  describe('auth', () => {
    it('refuses admin without a key, with a wrong key, and to a reader', async () => {
      const missing = await http(a.url, '/admin/keys');
      expect([missing.status, errorCode(missing)]).toEqual([401, 'AUTH_REQUIRED']);
      const wrong = await http(a.url, '/admin/keys', {
        headers: auth(`smk_${ADMIN.key.id}_${'Q'.repeat(43)}`),
      });
      expect([wrong.status, errorCode(wrong)]).toEqual([401, 'AUTH_INVALID']);
      const garbage = await http(a.url, '/admin/keys', { headers: { 'x-api-key': 'letmein' } });
      expect([garbage.status, errorCode(garbage)]).toEqual([401, 'AUTH_INVALID']);
      const reader = await http(a.url, '/admin/keys', { headers: auth(READER.text) });
      expect([reader.status, errorCode(reader)]).toEqual([403, 'FORBIDDEN']);
      expect((await http(a.url, '/admin/keys', { headers: auth(ADMIN.text) })).status).toBe(200);
    });

    it('refuses a revoked key on every replica', async () => {
      const created = await http(a.url, '/admin/keys', {
        method: 'POST',
        headers: { ...auth(ADMIN.text), 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'admin', label: 'temporary' }),
      });
      expect(created.status).toBe(201);
      const { key, id } = created.json() as { key: string; id: string };
      expect((await http(a.url, '/admin/presets', { headers: auth(key) })).status).toBe(200);
      await eventually(
        async () => (await http(b.url, '/admin/presets', { headers: auth(key) })).status === 200,
      );

      expect(
        (await http(a.url, `/admin/keys/${id}`, { method: 'DELETE', headers: auth(ADMIN.text) })).status,
      ).toBe(200);
      const refused = await http(a.url, '/admin/presets', { headers: auth(key) });
      expect([refused.status, errorCode(refused)]).toEqual([401, 'AUTH_REVOKED']);
      await eventually(
        async () => (await http(b.url, '/admin/presets', { headers: auth(key) })).status === 401,
      );
    });
  });

  describe('rate limit', () => {
    it('answers 429 RATE_LIMITED past the anonymous budget, while a key keeps its own budget', async () => {
      // A replica of its own: failed key checks elsewhere count against the address.
      const c = await kafka.start({ rateLimit: { windowMs: 60_000, anonymous: 5, perKey: 100_000 } });
      await eventually(async () => (await http(c.url, '/ready')).status === 200);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await http(c.url, '/sources')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      const limited = await http(c.url, '/sources');
      expect(limited.status).toBe(429);
      expect(errorCode(limited)).toBe('RATE_LIMITED');
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
      expect((await http(c.url, '/sources', { headers: auth(READER.text) })).status).toBe(200);
    });
  });

  describe('malformed requests', () => {
    it.each([
      ['/sub/uri?protocol=vmessx', 'UNKNOWN_PROTOCOL'],
      ['/sub/uri?country=Germany', 'INVALID_COUNTRY'],
      ['/sub/uri?tier=gold', 'UNKNOWN_TIER'],
      ['/sub/uri?minScore=150', 'INVALID_SCORE'],
      ['/sub/uri?limit=0', 'INVALID_LIMIT'],
      ['/sub/uri?sort=random', 'UNKNOWN_SORT'],
      ['/sub/uri?dedupe=loose', 'UNKNOWN_DEDUPE_POLICY'],
      [`/sub/uri?include=${encodeURIComponent('(a+)+$')}`, 'REGEX_UNSAFE'],
      [`/sub/uri?include=${encodeURIComponent('(x)\\1')}`, 'REGEX_INVALID'],
      [`/sub/uri?exclude=${'a'.repeat(129)}`, 'REGEX_TOO_LONG'],
      ['/configs?limit=100000', 'VALIDATION_FAILED'],
      ['/configs/not-a-fingerprint', 'VALIDATION_FAILED'],
    ])('%s answers 400 %s', async (path, code) => {
      const answer = await http(a.url, path);
      expect(answer.status).toBe(400);
      expect(errorCode(answer)).toBe(code);
    });

    it('refuses a body that is not JSON, too large, or of the wrong shape', async () => {
      const headers = { ...auth(ADMIN.text), 'content-type': 'application/json' };
      const broken = await http(a.url, '/admin/presets', { method: 'POST', headers, body: '{"name":' });
      expect([broken.status, errorCode(broken)]).toEqual([400, 'MALFORMED_BODY']);
      const huge = await http(a.url, '/admin/presets', {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'x'.repeat(100_000) }),
      });
      expect([huge.status, errorCode(huge)]).toEqual([413, 'BODY_TOO_LARGE']);
      const shape = await http(a.url, '/admin/presets', {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'x', maxAccesses: 0 }),
      });
      expect([shape.status, errorCode(shape)]).toEqual([400, 'VALIDATION_FAILED']);
      const text = await http(a.url, '/admin/presets', {
        method: 'POST',
        headers: { ...auth(ADMIN.text), 'content-type': 'text/csv' },
        body: 'a,b',
      });
      expect([text.status, errorCode(text)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    });
  });

  describe('data routes', () => {
    it('pages through /configs with totals', async () => {
      const first = (await http(a.url, '/configs?limit=25')).json() as {
        total: number;
        items: { fingerprint: string }[];
      };
      const last = (await http(a.url, '/configs?limit=25&offset=50')).json() as {
        total: number;
        items: unknown[];
      };
      expect(first.total).toBe(COUNT + 1);
      expect(first.items).toHaveLength(25);
      expect(last.items).toHaveLength(11);
      const vmess = (await http(a.url, '/configs?protocol=vmess')).json() as { total: number };
      expect(vmess.total).toBe(12);
    });

    it('explains one config: sources with tiers, folded variants and per-format compatibility', async () => {
      const shared = events[7];
      if (shared === undefined) throw new Error('fixture');
      const detail = (await http(a.url, `/configs/${shared.fingerprint}`)).json() as {
        sightings: { sourceId: string; tier: string }[];
        variants: { name: string; sources: string[] }[];
        compatibility: { target: string; compatible: boolean }[];
        link: string;
      };
      expect(detail.sightings.map((s) => [s.sourceId, s.tier])).toEqual([
        ['bulk-b', 'bulk'],
        ['rel-c', 'reliable'],
      ]);
      expect(detail.variants).toEqual([{ name: `${flag('FI')} FI node 7`, sources: ['bulk-b', 'rel-c'] }]);
      expect(detail.compatibility.map((c) => c.target)).toEqual([
        'uri',
        'base64',
        'clash',
        'sing-box',
        'sip008',
        'xray',
      ]);
      expect(detail.link).toMatch(/^ss:\/\//);
      const ssr = events[9];
      const ssrDetail = (await http(a.url, `/configs/${ssr?.fingerprint ?? ''}`)).json() as {
        compatibility: { target: string; compatible: boolean; code: string | null }[];
      };
      expect(ssrDetail.compatibility.find((c) => c.target === 'sing-box')).toMatchObject({
        compatible: false,
        code: 'UNSUPPORTED_PROTOCOL',
      });
      expect((await http(a.url, `/configs/${'0'.repeat(64)}`)).status).toBe(404);
    });

    it('lists sources and shows one with health and latest fetch statistics', async () => {
      const list = (await http(a.url, '/sources')).json() as { items: { id: string; tier: string }[] };
      expect(list.items.map((s) => [s.id, s.tier])).toEqual([
        ['bulk-b', 'bulk'],
        ['prem-a', 'premium'],
        ['rel-c', 'reliable'],
      ]);
      const one = (await http(a.url, '/sources/prem-a')).json() as {
        status: string;
        latestFetch: { configs: number };
      };
      expect(one.status).toBe('healthy');
      expect(one.latestFetch.configs).toBe(21);
      expect((await http(a.url, '/sources/nope')).status).toBe(404);
    });
  });

  describe('admin actions as events', () => {
    it('disables and updates sources through catalog events, triggers fetches and replays through commands, and audits all', async () => {
      const headers = { ...auth(ADMIN.text), 'content-type': 'application/json' };
      const disabled = await http(a.url, '/admin/sources/bulk-b/disable', {
        method: 'POST',
        headers: auth(ADMIN.text),
      });
      expect(disabled.json()).toMatchObject({ changed: true, source: { id: 'bulk-b', enabled: false } });
      const added = await http(a.url, '/admin/sources/new-src', {
        method: 'PUT',
        headers,
        body: JSON.stringify({ urls: ['https://new.example.org/sub'], tier: 'experimental', interval: '2h' }),
      });
      expect(added.status).toBe(201);
      const invalid = await http(a.url, '/admin/sources/bad-src', {
        method: 'PUT',
        headers,
        body: JSON.stringify({ urls: ['ftp://x'] }),
      });
      expect([invalid.status, errorCode(invalid)]).toEqual([400, 'CATALOG_ENTRY_INVALID']);
      const fetch = await http(a.url, '/admin/sources/prem-a/fetch', {
        method: 'POST',
        headers: auth(ADMIN.text),
      });
      expect(fetch.status).toBe(202);
      const replay = await http(a.url, '/admin/replay', {
        method: 'POST',
        headers,
        body: JSON.stringify({ from: '2026-01-01T00:00:00Z' }),
      });
      expect(replay.status).toBe(202);

      const catalog = (await kafka.readAll(kafka.topics.read.catalog)).map(
        (r) => r.value as SourceCatalogEntry,
      );
      expect(catalog.find((e) => e.id === 'bulk-b' && !e.enabled)).toBeDefined();
      expect(catalog.find((e) => e.id === 'new-src')).toMatchObject({
        tier: 'experimental',
        intervalSeconds: 7200,
        enabled: true,
      });
      const commands = (await kafka.readAll(kafka.topics.commands)).map((r) => [
        r.key,
        (r.value as SourceCommand).command,
      ]);
      expect(commands).toEqual(
        expect.arrayContaining([
          ['prem-a', 'fetch'],
          ['*', 'replay'],
        ]),
      );
      const audit = (await kafka.readAll(kafka.topics.audit)).map((r) => r.value as AdminAction);
      expect(audit.map((x) => [x.action, x.outcome])).toEqual(
        expect.arrayContaining([
          ['source.disable', 'ok'],
          ['source.upsert', 'ok'],
          ['source.upsert', 'CATALOG_ENTRY_INVALID'],
          ['fetch.trigger', 'ok'],
          ['replay.trigger', 'ok'],
        ]),
      );
      expect(
        audit.every((x) => x.actor === ADMIN.key.id || x.actor === 'anonymous' || x.actor.length === 16),
      ).toBe(true);
      // The other replica materializes the catalog change.
      await eventually(async () => {
        const src = (await http(b.url, '/sources/bulk-b', { headers: auth(READER.text) })).json() as {
          enabled: boolean;
        };
        return src.enabled === false;
      });
    });
  });

  describe('following the topics', () => {
    it('drops a config on its tombstone and changes the ETag', async () => {
      const before = await http(a.url, '/sub/uri?protocol=hysteria2');
      expect(lines(before)).toHaveLength(6);
      const gone = events[8];
      await kafka.log.append([
        { topic: kafka.topics.read.current, key: gone?.fingerprint ?? '', value: null },
      ]);
      await eventually(async () => lines(await http(a.url, '/sub/uri?protocol=hysteria2')).length === 5);
      const after = await http(a.url, '/sub/uri?protocol=hysteria2', {
        headers: { 'if-none-match': before.headers['etag'] ?? '' },
      });
      expect(after.status).toBe(200);
      expect(after.headers['etag']).not.toBe(before.headers['etag']);
    });
  });
});
