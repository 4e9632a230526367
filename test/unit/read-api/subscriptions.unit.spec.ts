import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import type { InProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import type { EventLog } from '../../../services/shared/runtime/event-log.ts';
import type { Analytics } from '../../../services/shared/analytics/analytics-service.ts';
import { readApiTopics } from '../../../services/core/read-model/read-topics.ts';
import { catalogEvent, currentEvent, syntheticConfig } from './read-fixtures.ts';
import { ADMIN, READER, readApiLogTopics, startReadApi } from './read-api-harness.ts';
import type { ReadApiHarness } from './read-api-harness.ts';

const topics = readApiTopics();

async function seededLog(count: number): Promise<InProcessEventLog> {
  const log = createInProcessEventLog();
  await log.ensureTopics(readApiLogTopics(topics));
  await log.append([
    { topic: topics.read.catalog, key: 'src-a', value: catalogEvent('src-a', 'premium') },
    { topic: topics.read.catalog, key: 'src-b', value: catalogEvent('src-b', 'bulk') },
  ]);
  const events = Array.from({ length: count }, (_, i) =>
    currentEvent(syntheticConfig(i), [{ sourceId: i % 2 === 0 ? 'src-a' : 'src-b' }]),
  );
  await log.append(events.map((e) => ({ topic: topics.read.current, key: e.fingerprint, value: e })));
  return log;
}

/** The same log, but the catch-up read waits for `release`: the instance stays not ready until then. */
function heldCatchUp(log: EventLog): { log: EventLog; release: () => void } {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    log: { ...log, readToEnd: async (topic, options) => gate.then(() => log.readToEnd(topic, options)) },
    release,
  };
}

describe('read API app over the in-process event log', () => {
  let log: InProcessEventLog;
  let api: ReadApiHarness;
  let clock = 1_800_000_000_000;

  beforeEach(async () => {
    log = await seededLog(30);
    api = await startReadApi({ log, now: () => clock });
  });

  afterEach(async () => {
    await api.close();
    await log.close();
  });

  it('serves every config as a uri list once caught up', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/sub/uri' });
    expect(response.statusCode).toBe(200);
    expect(response.body.trim().split('\n')).toHaveLength(30);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const response = await api.app.inject({ method: 'HEAD', url: '/sub/clash' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['etag']).toMatch(/^W\//);
    expect(response.body).toBe('');
  });

  it('renders once per state generation and query, then answers from the cache', async () => {
    await api.app.inject({ url: '/sub/base64?protocol=vless' });
    await api.app.inject({ url: '/sub/base64?protocol=vless' });
    const metrics = (await api.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(
      /submerge_read_api_cache_lookups_total\{[^}]*cache="render"[^}]*result="hit"[^}]*\} 1/,
    );
    expect(metrics).toMatch(/submerge_read_api_render_duration_seconds_count\{[^}]*format="base64"[^}]*\} 1/);
  });

  it('follows new records after the catch-up', async () => {
    const event = currentEvent(syntheticConfig(999), [{ sourceId: 'src-a' }]);
    await log.append([{ topic: topics.read.current, key: event.fingerprint, value: event }]);
    await expect
      .poll(async () => (await api.app.inject({ url: '/sub/uri' })).body.trim().split('\n').length)
      .toBe(31);
  });

  it('expires a share link at its time, by the injected clock', async () => {
    const created = await api.app.inject({
      method: 'POST',
      url: '/admin/presets',
      headers: { authorization: `Bearer ${ADMIN.text}` },
      payload: { name: 'short', format: 'uri', expiresAt: new Date(clock + 60_000).toISOString() },
    });
    expect(created.statusCode).toBe(201);
    const { path } = created.json<{ path: string }>();
    expect((await api.app.inject({ url: path })).statusCode).toBe(200);
    clock += 60_000;
    const expired = await api.app.inject({ url: path });
    expect(expired.statusCode).toBe(410);
    expect(expired.json<{ error: { code: string } }>().error.code).toBe('SHARE_EXPIRED');
  });

  it('publishes an audit event for a refused admin action too', async () => {
    const refused = await api.app.inject({
      method: 'POST',
      url: '/admin/sources/nope/fetch',
      headers: { authorization: `Bearer ${ADMIN.text}` },
    });
    expect(refused.statusCode).toBe(404);
    const audit: unknown[] = [];
    await log.readToEnd(topics.audit, {
      onRecords: (records) => void audit.push(...records.map((r) => r.value)),
    });
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'fetch.trigger',
        target: 'nope',
        outcome: 'SOURCE_NOT_FOUND',
        actor: ADMIN.key.id,
      }),
    );
  });

  it('refuses a source whose URL another source already fetches', async () => {
    const answer = await api.app.inject({
      method: 'PUT',
      url: '/admin/sources/copycat',
      headers: { authorization: `Bearer ${ADMIN.text}` },
      payload: { urls: ['https://src-a.example.org/sub.txt'] },
    });
    expect(answer.statusCode).toBe(400);
    expect(
      answer.json<{ error: { code: string; details: { issues: { code: string }[] } } }>().error,
    ).toMatchObject({
      code: 'CATALOG_ENTRY_INVALID',
      details: { issues: [{ code: 'DUPLICATE_URL' }] },
    });
  });

  it('takes the client address from X-Forwarded-For only behind a trusted proxy', async () => {
    const behind = await startReadApi({
      log,
      settings: { trustProxy: '127.0.0.1', rateLimit: { windowMs: 60_000, anonymous: 1, perKey: 100 } },
    });
    try {
      const from = (ip: string) => behind.app.inject({ url: '/sources', headers: { 'x-forwarded-for': ip } });
      expect((await from('203.0.113.1')).statusCode).toBe(200);
      // Another client behind the same proxy has its own budget; the first one is spent.
      expect((await from('203.0.113.2')).statusCode).toBe(200);
      expect((await from('203.0.113.1')).statusCode).toBe(429);
    } finally {
      await behind.close();
    }
  });

  it('needs a reader key for data routes when read auth is on', async () => {
    const closed = await startReadApi({ log, settings: { readAuth: 'key' } });
    try {
      const anonymous = await closed.app.inject({ url: '/sub/uri' });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json<{ error: { code: string } }>().error.code).toBe('AUTH_REQUIRED');
      expect(
        (await closed.app.inject({ url: '/sub/uri', headers: { 'x-api-key': READER.text } })).statusCode,
      ).toBe(200);
      expect((await closed.app.inject({ url: '/live' })).statusCode).toBe(200);
    } finally {
      await closed.close();
    }
  });
});

describe('analytics routes', () => {
  it('are served inside the app, behind its read auth', async () => {
    const log = await seededLog(1);
    const overview = { ok: true };
    const analytics = {
      overview: () => Promise.resolve(overview),
      sourceHistory: () => Promise.reject(new Error('unused')),
      configHistory: () => Promise.reject(new Error('unused')),
      exportData: () => Promise.reject(new Error('unused')),
    } as unknown as Analytics;
    const api = await startReadApi({
      log,
      analytics,
      settings: { readAuth: 'key', rateLimit: { windowMs: 60_000, anonymous: 1, perKey: 100 } },
    });
    try {
      const answer = await api.app.inject({
        url: '/analytics/overview',
        headers: { 'x-api-key': READER.text },
      });
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toEqual(overview);
      const doc = (await api.app.inject({ url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
      expect(Object.keys(doc.paths)).toContain('/analytics/overview');
      // Refusals from the app's own hooks keep their codes on these routes too.
      const anonymous = await api.app.inject({ url: '/analytics/overview' });
      expect([anonymous.statusCode, anonymous.json<{ error: { code: string } }>().error.code]).toEqual([
        401,
        'AUTH_REQUIRED',
      ]);
      const invalid = await api.app.inject({
        url: '/analytics/overview?limit=0',
        headers: { 'x-api-key': READER.text },
      });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json<{ error: { code: string } }>().error.code).toMatch(/^ANALYTICS_/);
      const limited = await api.app.inject({ url: '/analytics/overview' });
      expect([limited.statusCode, limited.json<{ error: { code: string } }>().error.code]).toEqual([
        429,
        'RATE_LIMITED',
      ]);
    } finally {
      await api.close();
      await log.close();
    }
  });
});

describe('readiness', () => {
  it('answers 503 on /ready and NOT_READY on data routes until caught up, while /live stays 200', async () => {
    const log = await seededLog(5);
    const held = heldCatchUp(log);
    const api = await startReadApi({ log: held.log, waitReady: false });
    try {
      expect((await api.app.inject({ url: '/live' })).statusCode).toBe(200);
      expect((await api.app.inject({ url: '/ready' })).statusCode).toBe(503);
      const early = await api.app.inject({ url: '/sub/uri' });
      expect(early.statusCode).toBe(503);
      expect(early.headers['retry-after']).toBe('5');
      expect(early.json<{ error: { code: string } }>().error.code).toBe('NOT_READY');
      held.release();
      await api.materializer.caughtUp;
      expect((await api.app.inject({ url: '/ready' })).json()).toMatchObject({ ready: true, configs: 5 });
      expect((await api.app.inject({ url: '/sub/uri' })).statusCode).toBe(200);
    } finally {
      await api.close();
      await log.close();
    }
  });
});
