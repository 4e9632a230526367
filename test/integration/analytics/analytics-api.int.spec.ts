import { randomBytes } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalytics } from '../../../services/shared/analytics/analytics-service.ts';
import { createAnalyticsRunner } from '../../../services/shared/analytics/analytics-runner.ts';
import { createClickHouse } from '../../../services/shared/clickhouse/create-client.ts';
import { migrateDatabase } from '../../../services/shared/clickhouse/migrate.ts';
import { analyticsPlugin } from '../../../services/read-api/analytics/analytics-plugin.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { QUIET_CLICKHOUSE } from '../sink/sink-fixture.ts';
import { D0, EXPECTED, F1, F3, insertHistory, RANGE } from './fixture-history.ts';

const iso = (ms: number): string => new Date(ms).toISOString();
const NOW = RANGE.to + 3_600_000;

/** Numbers from percentiles and ratios: equal up to float rounding. */
function close(actual: unknown, expected: unknown): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    expect(actual).toBeCloseTo(expected, 9);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), JSON.stringify(actual)).toBe(true);
    expect((actual as unknown[]).length).toBe(expected.length);
    expected.forEach((e, i) => close((actual as unknown[])[i], e));
  } else if (typeof expected === 'object' && expected !== null) {
    expect(typeof actual, JSON.stringify(actual)).toBe('object');
    expect(Object.keys(actual as object).sort()).toEqual(
      expect.arrayContaining(Object.keys(expected).sort()),
    );
    for (const [k, v] of Object.entries(expected)) close((actual as Record<string, unknown>)[k], v);
  } else {
    expect(actual).toEqual(expected);
  }
}

describe('analytics endpoints over a hand-computed history', () => {
  const url = componentEndpoints().clickhouseUrl;
  const database = `it_analytics_${randomBytes(5).toString('hex')}`;
  let ch: ClickHouseClient;
  let app: FastifyInstance;

  beforeAll(async () => {
    await migrateDatabase({ mode: 'http', url, database }, { client: QUIET_CLICKHOUSE });
    ch = createClickHouse({ mode: 'http', url, database }, QUIET_CLICKHOUSE);
    // Twice: a redelivered history must give the same answers (event-id dedupe, FINAL,
    // duplicate-insensitive rollups).
    await insertHistory(ch);
    await insertHistory(ch);
    app = Fastify();
    await app.register(analyticsPlugin, {
      analytics: createAnalytics({ runner: createAnalyticsRunner({ client: ch }), now: () => NOW }),
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${database} SYNC` });
    await ch?.close();
  });

  const get = async (path: string) => {
    const res = await app.inject({ method: 'GET', url: path });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>(), headers: res.headers };
  };
  const range = `from=${iso(RANGE.from)}&to=${iso(RANGE.to)}`;

  it('answers a source history per day: success rate, latency percentiles, config counts, churn, outcomes, diagnostics, health and anomalies', async () => {
    const { status, body } = await get(`/analytics/sources/src-a/history?${range}&resolution=day`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      sourceId: 'src-a',
      from: iso(RANGE.from),
      to: iso(RANGE.to),
      resolution: 'day',
    });
    close(body['totals'], EXPECTED.sourceA.totals);
    close(body['series'], EXPECTED.sourceA.dailySeries);
    expect(body['outcomes']).toEqual(EXPECTED.sourceA.outcomes);
    expect(body['diagnostics']).toEqual(EXPECTED.sourceA.diagnostics);
    expect(body['health']).toEqual(EXPECTED.sourceA.dailyHealth);
    expect(body['anomalies']).toEqual(EXPECTED.sourceA.anomalies);
  });

  it('buckets by hour when asked and counts a 304 as a success with its latency', async () => {
    const a = await get(`/analytics/sources/src-a/history?${range}&resolution=hour`);
    expect((a.body['series'] as { t: string }[]).map((p) => p.t)).toEqual(EXPECTED.sourceA.hourlyTimes);
    const b = await get(`/analytics/sources/src-b/history?${range}`);
    expect(b.body['resolution']).toBe('hour');
    close(b.body['totals'], EXPECTED.sourceB.totals);
  });

  it('answers 404 ANALYTICS_NOT_FOUND for a source without any history', async () => {
    const { status, body } = await get(`/analytics/sources/src-zzz/history?${range}`);
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: { code: 'ANALYTICS_NOT_FOUND' } });
  });

  it('answers a config history: first/last seen, current state, sources over time, uptime and probe latency overall and per vantage', async () => {
    const { status, body } = await get(`/analytics/configs/${F1}/history?${range}&resolution=hour`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      fingerprint: F1,
      firstSeen: EXPECTED.configF1.firstSeen,
      lastSeen: EXPECTED.configF1.lastSeen,
      protocol: EXPECTED.configF1.protocol,
      port: EXPECTED.configF1.port,
      current: EXPECTED.configF1.current,
      sources: EXPECTED.configF1.sources,
    });
    close(body['totals'], EXPECTED.configF1.totals);
    close(body['series'], EXPECTED.configF1.hourlySeries);
    close(body['vantages'], EXPECTED.configF1.vantages);
  });

  it('answers per-vantage uptime over the exact range, to the millisecond of the raw probes', async () => {
    // From the minute of p3 on: eu-1 keeps p3 (timeout) and p4, us-1 keeps only its core-error.
    const from = iso(D0 + 3_600_000 + 20 * 60_000);
    const { body } = await get(
      `/analytics/configs/${F1}/history?from=${from}&to=${iso(RANGE.to)}&resolution=day`,
    );
    const vantages = body['vantages'] as { vantage: string; totals: Record<string, unknown> }[];
    expect(
      vantages.map((v) => [v.vantage, v.totals['probes'], v.totals['probesOk'], v.totals['uptime']]),
    ).toEqual([
      ['eu-1', 2, 1, 0.5],
      ['us-1', 1, 0, null],
    ]);
  });

  it('reports a config whose tombstone removed it from the merged set', async () => {
    const { body } = await get(`/analytics/configs/${F3}/history?${range}`);
    expect(body).toMatchObject({ current: EXPECTED.configF3.current, lastSeen: EXPECTED.configF3.lastSeen });
  });

  it('answers the overview: totals, protocol mix, reliability (fetch success and score) and unique-contribution rankings, mirrors', async () => {
    const { status, body } = await get(`/analytics/overview?${range}&limit=5`);
    expect(status).toBe(200);
    expect(body['resolution']).toBe('day');
    close(body['totals'], EXPECTED.overview.totals);
    expect(body['protocolMix']).toEqual(EXPECTED.overview.protocolMix);
    const reliability = body['reliability'] as Record<
      'top' | 'bottom',
      { sourceId: string; successRate: number }[]
    >;
    expect(reliability.top.map((s) => s.sourceId)).toEqual(EXPECTED.overview.reliabilityTop);
    expect(reliability.bottom.map((s) => s.sourceId)).toEqual(EXPECTED.overview.reliabilityBottom);
    close(
      reliability.top.map((s) => s.successRate),
      [0.8, 2 / 3, 0],
    );
    const unique = body['uniqueContribution'] as Record<'top' | 'bottom', unknown[]>;
    close(unique.top, EXPECTED.overview.uniqueTop);
    close(unique.bottom, [...EXPECTED.overview.uniqueTop].reverse());
    close(body['mirrors'], EXPECTED.overview.mirrors);
    const score = body['reliabilityScore'] as Record<'top' | 'bottom', unknown[]>;
    expect(score.top).toEqual(EXPECTED.overview.reliabilityScoreTop);
    expect(score.bottom).toEqual([...EXPECTED.overview.reliabilityScoreTop].reverse());
  });

  it('exports a dataset as CSV with a header, deduplicated and in time order', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/analytics/export?dataset=observations&format=csv&source=src-b&${range}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="submerge-observations-src-b-/);
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe(
      '"event_id","fetched_at","fingerprint","source_id","presence","protocol","server","port","origin_from","fetch_event_id"',
    );
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(1)) expect(line).toContain(`"${iso(D0)}"`);
  });

  it('exports the probe, health and anomaly history the sink stores, once per event', async () => {
    const jsonl = async (query: string): Promise<Record<string, unknown>[]> => {
      const res = await app.inject({
        method: 'GET',
        url: `/analytics/export?format=jsonl&${range}&${query}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    };
    // Inserted twice; FINAL keeps one row per event, in probe time order.
    const probes = await jsonl('dataset=probes');
    expect(probes.map((p) => [p['vantage'], p['outcome'], p['latency_ms'], p['connect_ms']])).toEqual([
      ['eu-1', 'ok', 40, 10],
      ['us-1', 'ok', 60, 30],
      ['eu-1', 'timeout', null, null],
      ['us-1', 'core-error', null, null],
      ['eu-1', 'ok', 80, 20],
    ]);
    const health = await jsonl('dataset=health&source=src-a');
    expect(health.map((h) => [h['status'], h['reliability'], h['demoted'], h['mirror_of']])).toEqual([
      ['healthy', 0.9, false, ''],
      ['degraded', 0.7, false, ''],
      ['degraded', 0.6, true, 'src-b'],
      ['healthy', 0.8, false, ''],
    ]);
    const anomalies = await jsonl('dataset=anomalies&source=src-a');
    expect(anomalies.map((a) => [a['state'], a['evidence']])).toEqual([
      ['opened', { median: '4' }],
      ['resolved', {}],
    ]);
    const refused = await get(`/analytics/export?dataset=probes&source=src-a&${range}`);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'ANALYTICS_INVALID_INPUT' } });
  });

  it('streams JSON lines over a real HTTP connection', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${address}/analytics/export?dataset=fetches&format=jsonl&source=src-c&${range}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const rows = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r['source_id'], r['outcome'], r['total_ms']])).toEqual([
      ['src-c', 'timeout', 9000],
      ['src-c', 'timeout', 9000],
    ]);
    const overview = await fetch(`${address}/analytics/overview?${range}`);
    expect(overview.status).toBe(200);
    expect(((await overview.json()) as { totals: { fetches: number } }).totals.fetches).toBe(10);
  });

  it('rejects bad input with ANALYTICS_INVALID_INPUT or ANALYTICS_RANGE_TOO_LARGE, naming the parameter', async () => {
    const badFingerprint = await get(`/analytics/configs/NOT-HEX/history`);
    expect(badFingerprint.status).toBe(400);
    expect(badFingerprint.body).toMatchObject({ error: { code: 'ANALYTICS_INVALID_INPUT' } });
    const reversed = await get(
      `/analytics/sources/src-a/history?from=${iso(RANGE.to)}&to=${iso(RANGE.from)}`,
    );
    expect(reversed.body).toMatchObject({
      error: { code: 'ANALYTICS_INVALID_INPUT', details: { issues: [{ path: 'query.from' }] } },
    });
    const notATime = await get(`/analytics/sources/src-a/history?from=yesterday`);
    expect(notATime.status).toBe(400);
    expect(notATime.body).toMatchObject({ error: { code: 'ANALYTICS_INVALID_INPUT' } });
    const tooMany = await get(
      `/analytics/sources/src-a/history?from=${iso(RANGE.to - 400 * 86_400_000)}&to=${iso(RANGE.to)}&resolution=hour`,
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ error: { code: 'ANALYTICS_RANGE_TOO_LARGE' } });
    const badDataset = await get(`/analytics/export?dataset=bodies`);
    expect(badDataset.body).toMatchObject({ error: { code: 'ANALYTICS_INVALID_INPUT' } });
    const badLimit = await get(`/analytics/overview?limit=1000`);
    expect(badLimit.body).toMatchObject({ error: { code: 'ANALYTICS_INVALID_INPUT' } });
  });
});
