import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameBasedUuid } from '../../../services/shared/events/event-metadata.ts';
import {
  anomaly,
  current,
  fetched,
  fp,
  health,
  observed,
  probed,
  scored,
  snapshot,
} from './event-builders.ts';
import { createSinkFixture, waitFor } from './sink-fixture.ts';
import type { SinkFixture } from './sink-fixture.ts';
import { startSink } from './sink-harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Recent times: the tables' TTLs drop rows older than their retention on insert.
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;

describe('ClickHouse sink over the real broker', () => {
  let fx: SinkFixture;

  beforeAll(async () => {
    fx = await createSinkFixture('sink');
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  it('writes every pipeline topic to its table once, without bodies, and keeps tombstones as deletions', async () => {
    const fetches = Array.from({ length: 30 }, (_, i) =>
      fetched(`f${i}`, `src-${i % 3}`, T0 + i * MIN, {
        outcome: i % 5 === 0 ? 'timeout' : 'ok',
        totalMs: 100 + i,
      }),
    );
    await fx.produce(
      'sources.fetched.v1',
      fetches.map((v) => ({ key: v.sourceId, value: v })),
    );
    await fx.produce('sources.snapshots.v1', [
      {
        key: 'src-0',
        value: snapshot('s0', 'src-0', T0, { uniqueConfigs: 5, added: 5, diagnostics: { INVALID_PORT: 2 } }),
      },
    ]);
    const observations = Array.from({ length: 200 }, (_, i) =>
      observed(`o${i}`, fp(`c${i % 50}`), `src-${i % 4}`, T0 + i * 1000),
    );
    await fx.produce(
      'configs.observed.v1',
      observations.map((v) => ({ key: v.fingerprint, value: v })),
    );
    await fx.produce('configs.current.v1', [
      { key: fp('c1'), value: current('cur1', fp('c1'), ['src-0', 'src-1'], T0) },
      { key: fp('c1'), value: null },
    ]);
    await fx.produce('configs.probed.v1', [{ key: fp('c1'), value: probed('p1', fp('c1'), T0) }]);

    const sink = await startSink(fx);
    try {
      await waitFor(
        'all rows',
        async () =>
          (await fx.scalar('SELECT count() FROM config_observations')) >= 200 &&
          (await fx.scalar('SELECT count() FROM fetch_events')) >= 30,
      );
      await waitFor(
        'the rest',
        async () => (await fx.scalar('SELECT count() FROM config_current_changes')) >= 2,
      );
    } finally {
      await sink.stop();
    }

    expect(await fx.scalar('SELECT count() FROM fetch_events FINAL')).toBe(30);
    expect(await fx.scalar('SELECT uniqExact(event_id) FROM fetch_events')).toBe(30);
    expect(await fx.scalar("SELECT countIf(body_sha256 != '') FROM fetch_events")).toBe(24);
    expect(await fx.scalar('SELECT count() FROM config_observations FINAL')).toBe(200);
    expect(await fx.scalar('SELECT count() FROM source_snapshots FINAL')).toBe(1);
    expect(await fx.scalar('SELECT count() FROM config_probes FINAL')).toBe(1);
    expect(
      await fx.scalar(
        'SELECT countIf(deleted) FROM config_current_changes FINAL WHERE fingerprint = {f:String}',
        { f: fp('c1') },
      ),
    ).toBe(1);
    // Rows are exact copies of the events they came from.
    const rs = await fx.ch.query({
      query: `SELECT toString(event_id) AS id, toUnixTimestamp64Milli(fetched_at) AS at, source_id, outcome, total_ms
              FROM fetch_events FINAL WHERE event_id = {id:UUID}`,
      query_params: { id: nameBasedUuid('f5') },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([
      {
        id: nameBasedUuid('f5'),
        at: String(T0 + 5 * MIN),
        source_id: 'src-2',
        outcome: 'timeout',
        total_ms: 105,
      },
    ]);
  });

  it('stores every field of the probe, score, health and anomaly events, per vantage and per source', async () => {
    const at = T0 + 3 * HOUR;
    await fx.produce('configs.probed.v1', [
      {
        key: fp('v1'),
        value: probed('pv1', fp('v1'), at, {
          outcome: 'tls-error',
          stage: 'tls',
          errorCode: 'TLS_CERT_NAME_MISMATCH',
          errorDetail: 'certificate is valid for other.test',
          vantage: 'eu-1',
          connectMs: 12,
          tlsHandshakeMs: 31,
          trafficBytes: 5_000_000_000,
        }),
      },
    ]);
    await fx.produce('configs.scored.v1', [
      {
        key: fp('v1'),
        value: scored('sv1', fp('v1'), at, {
          score: 63.5,
          points: { reachability: 45, latency: 18.5 },
          weights: { reachability: 0.5, latency: 0.5 },
          verdict: 'working',
          vantages: [
            {
              vantage: 'eu-1',
              reachability: 0.9,
              latencyMs: 120.25,
              confidence: 1,
              probes: 4,
              lastOutcome: 'ok',
              lastProbedAt: at - MIN,
            },
            {
              vantage: 'us-1',
              reachability: 0.3,
              latencyMs: null,
              confidence: 0.25,
              probes: 1,
              lastOutcome: null,
              lastProbedAt: null,
            },
          ],
          notes: ['2 of 3 sources are mirrors'],
        }),
      },
    ]);
    await fx.produce('sources.health.v1', [
      {
        key: 'src-h',
        value: health('hv1', 'src-h', at, {
          status: 'degraded',
          reliability: 0.375,
          reliabilityComponents: { fetchSuccess: 0.5, probePass: 0.25 },
          reliabilityWeights: { fetchSuccess: 0.5, probePass: 0.5 },
          demoted: true,
          demotedSince: at - HOUR,
          mirrorOf: 'src-m',
          probedConfigs: 8,
          workingConfigs: 2,
          exclusiveConfigs: 1,
          lastChangeAt: at - 2 * HOUR,
        }),
      },
    ]);
    await fx.produce('sources.anomalies.v1', [
      {
        key: 'src-h',
        value: anomaly('av1', 'src-h', at, {
          kind: 'mirror',
          state: 'resolved',
          evidence: { jaccard: '0.97' },
          relatedSourceId: 'src-m',
          openedAt: at - 5 * HOUR,
        }),
      },
    ]);
    const change = current('cv1', fp('v1'), [], at);
    await fx.produce('configs.current.v1', [
      {
        key: fp('v1'),
        value: {
          ...change,
          sources: [
            { sourceId: 'src-a', firstSeen: at - HOUR, lastSeen: at, name: 'A', variant: null },
            { sourceId: 'src-b', firstSeen: at, lastSeen: at, name: 'B', variant: '{"protocol":"vless"}' },
          ],
        },
      },
    ]);

    const sink = await startSink(fx);
    try {
      await waitFor('the intel rows', async () => {
        const counts = await Promise.all(
          ['config_scores', 'source_health', 'source_anomalies'].map((t) =>
            fx.scalar(`SELECT count() FROM ${t}`),
          ),
        );
        return (
          counts.every((c) => c >= 1) &&
          (await fx.scalar('SELECT count() FROM config_probes WHERE vantage = {v:String}', { v: 'eu-1' })) >=
            1 &&
          (await fx.scalar('SELECT count() FROM config_current_changes WHERE length(source_variants) = 2')) >=
            1
        );
      });
    } finally {
      await sink.stop();
    }

    const one = async (sql: string): Promise<Record<string, unknown>> => {
      const rs = await fx.ch.query({ query: sql, format: 'JSONEachRow', query_params: { f: fp('v1') } });
      const rows = await rs.json<Record<string, unknown>>();
      expect(rows).toHaveLength(1);
      return rows[0] ?? {};
    };
    expect(
      await one(`SELECT vantage, stage, outcome, connect_ms, tls_handshake_ms, error_detail, traffic_bytes,
                        causation_id, correlation_id = toString(event_id) AS own_chain
                 FROM config_probes FINAL WHERE fingerprint = {f:String} AND vantage != 'test'`),
    ).toEqual({
      vantage: 'eu-1',
      stage: 'tls',
      outcome: 'tls-error',
      connect_ms: 12,
      tls_handshake_ms: 31,
      error_detail: 'certificate is valid for other.test',
      traffic_bytes: '5000000000',
      causation_id: '',
      own_chain: 1,
    });
    expect(
      await one(`SELECT score, points, verdict, vantage_ids, vantage_latency_ms, vantage_probes,
                        vantage_last_outcomes, toUnixTimestamp64Milli(vantage_last_probed_at[1]) AS eu_probed,
                        vantage_last_probed_at[2] AS us_probed, notes, score_model,
                        toUnixTimestamp64Milli(scored_at) AS scored_at,
                        arraySum(arrayMap((r, c) -> r * c, vantage_reachability, vantage_confidence)) AS weighted
                 FROM config_scores FINAL WHERE fingerprint = {f:String}`),
    ).toEqual({
      score: 63.5,
      points: { reachability: 45, latency: 18.5 },
      verdict: 'working',
      vantage_ids: ['eu-1', 'us-1'],
      vantage_latency_ms: [120.25, null],
      vantage_probes: [4, 1],
      vantage_last_outcomes: ['ok', ''],
      eu_probed: String(at - MIN),
      us_probed: null,
      notes: ['2 of 3 sources are mirrors'],
      score_model: 'score-test',
      scored_at: String(at),
      // 0.9 x 1 + 0.3 x 0.25
      weighted: 0.975,
    });
    expect(
      await one(`SELECT reliability, reliability_components, demoted, toUnixTimestamp64Milli(demoted_since) AS demoted_since,
                        mirror_of, probed_configs, working_configs, exclusive_configs,
                        toUnixTimestamp64Milli(last_change_at) AS last_change_at
                 FROM source_health FINAL WHERE source_id = 'src-h'`),
    ).toEqual({
      reliability: 0.375,
      reliability_components: { fetchSuccess: 0.5, probePass: 0.25 },
      demoted: true,
      demoted_since: String(at - HOUR),
      mirror_of: 'src-m',
      probed_configs: 8,
      working_configs: 2,
      exclusive_configs: 1,
      last_change_at: String(at - 2 * HOUR),
    });
    expect(
      await one(`SELECT state, evidence, related_source_id,
                        dateDiff('hour', opened_at, detected_at) AS lasted_hours
                 FROM source_anomalies FINAL WHERE source_id = 'src-h'`),
    ).toEqual({
      state: 'resolved',
      evidence: { jaccard: '0.97' },
      related_source_id: 'src-m',
      lasted_hours: '5',
    });
    expect(
      await one(`SELECT source_ids, source_names, source_variants,
                        arrayMap(t -> toUnixTimestamp64Milli(t), source_first_seen) AS firsts
                 FROM config_current_changes FINAL WHERE fingerprint = {f:String}`),
    ).toEqual({
      source_ids: ['src-a', 'src-b'],
      source_names: ['A', 'B'],
      source_variants: ['', '{"protocol":"vless"}'],
      firsts: [String(at - HOUR), String(at)],
    });
  });
});
