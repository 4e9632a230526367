import { describe, expect, it } from 'vitest';
import {
  configHistoryRequest,
  configUnknown,
  shapeConfigHistory,
} from '../../../../services/core/analytics/config-history.ts';
import { overviewRequest, shapeOverview } from '../../../../services/core/analytics/overview.ts';
import { sourcePoint } from '../../../../services/core/analytics/source-history.ts';
import { percentiles, ratio } from '../../../../services/core/analytics/values.ts';

const NOW = Date.UTC(2026, 5, 15);

describe('analytics shaping', () => {
  it('reports no rate and no percentiles rather than zeros when nothing happened', () => {
    expect(ratio(0, 0)).toBeNull();
    expect(percentiles([null, null, null], 0)).toBeNull();
    expect(percentiles([1, 2, 3], 3)).toEqual({ p50: 1, p95: 2, p99: 3 });
    expect(sourcePoint(undefined)).toEqual({
      fetches: 0,
      failures: 0,
      notModified: 0,
      successRate: null,
      latencyMs: null,
      snapshots: 0,
      configs: null,
      added: 0,
      removed: 0,
    });
    expect(
      sourcePoint({
        t: 0,
        fetches: '4',
        failures: '1',
        not_modified: '0',
        latency_samples: 2,
        latency_ms: [10, 20, 30],
        snapshots: '0',
        configs_last: 0,
        configs_min: 0,
        configs_max: 0,
        added: '0',
        removed: '0',
      }),
    ).toMatchObject({ fetches: 4, successRate: 0.75, latencyMs: { p50: 10 }, configs: null });
  });

  it('ranks sources with deterministic tie-breaks: more evidence first, then the id', () => {
    const overview = shapeOverview(overviewRequest({ limit: 2, minFetches: 1 }, NOW), {
      protocols: [
        { t: '1000', protocol: 'vless', configs: '3', sources: '2' },
        { t: '1000', protocol: 'ss', configs: '1', sources: '1' },
      ],
      activity: [
        { source_id: 'b', fetches: '10', failures: '0', snapshots: '1' },
        { source_id: 'a', fetches: '10', failures: '0', snapshots: '0' },
        { source_id: 'c', fetches: '20', failures: '0', snapshots: '2' },
        { source_id: 'd', fetches: '5', failures: '5', snapshots: '0' },
        // Only snapshots: active, but nothing to rank its reliability on.
        { source_id: 'e', fetches: '0', failures: '0', snapshots: '3' },
      ],
      overlap: [
        {
          source_id: 'a',
          configs: '3',
          unique_configs: '1',
          distinct_configs: '5',
          partners: [
            ['b', '2'],
            ['c', '1'],
          ],
        },
        {
          source_id: 'b',
          configs: '4',
          unique_configs: '1',
          distinct_configs: '5',
          partners: [
            ['a', '2'],
            ['c', '2'],
          ],
        },
        {
          source_id: 'c',
          configs: '2',
          unique_configs: '0',
          distinct_configs: '5',
          partners: [
            ['b', '2'],
            ['a', '1'],
          ],
        },
      ],
      standing: [
        { source_id: 'b', reliability: 0.5, status: 'healthy', demoted: 0, mirror_of: '' },
        { source_id: 'a', reliability: 0.5, status: 'degraded', demoted: 1, mirror_of: 'b' },
        { source_id: 'c', reliability: 0.9, status: 'healthy', demoted: 0, mirror_of: '' },
      ],
    });
    expect(overview.reliability.top.map((s) => s.sourceId)).toEqual(['c', 'a']);
    expect(overview.reliability.bottom.map((s) => s.sourceId)).toEqual(['d', 'c']);
    expect(overview.uniqueContribution.top.map((s) => s.sourceId)).toEqual(['b', 'a']);
    expect(overview.uniqueContribution.bottom.map((s) => s.sourceId)).toEqual(['c', 'b']);
    // Reliability score: higher first; equal scores by id.
    expect(overview.reliabilityScore.top.map((s) => s.sourceId)).toEqual(['c', 'a']);
    expect(overview.reliabilityScore.bottom).toEqual([
      { sourceId: 'a', reliability: 0.5, status: 'degraded', demoted: true, mirrorOf: 'b' },
      { sourceId: 'b', reliability: 0.5, status: 'healthy', demoted: false, mirrorOf: null },
    ]);
    expect(overview.totals).toMatchObject({
      sources: 5,
      fetches: 45,
      failures: 5,
      successRate: 40 / 45,
      snapshots: 6,
      configs: 5,
      carried: 9,
      duplicateRatio: 1 - 5 / 9,
    });
    expect(overview.protocolMix).toEqual([
      { t: '1970-01-01T00:00:01.000Z', configs: 4, protocols: { vless: 3, ss: 1 } },
    ]);
    // Mirror pairs by ratio (shared / the source's configs), then shared, then ids; limit 2.
    expect(overview.mirrors).toEqual([
      { sourceId: 'c', otherId: 'b', shared: 2, configs: 2, ratio: 1 },
      { sourceId: 'a', otherId: 'b', shared: 2, configs: 3, ratio: 2 / 3 },
    ]);
  });

  it('knows an unknown config, and a config a tombstone removed from the merged set', () => {
    expect(
      configUnknown({ seen: [{ first_seen: null, last_seen: null, rows: '0' }], identity: [], current: [] }),
    ).toBe(true);
    const history = shapeConfigHistory(configHistoryRequest({ fingerprint: 'ab'.repeat(32) }, NOW), {
      seen: [{ first_seen: '1000', last_seen: '2000', rows: '2' }],
      identity: [{ protocol: 'vless', server: 'x', port: 443 }],
      current: [{ deleted: true, source_ids: ['a'], since: '3000' }],
      series: [],
      totals: [],
      vantageSeries: [],
      vantageTotals: [],
      sources: [],
    });
    expect(history).toMatchObject({
      vantages: [],
      firstSeen: '1970-01-01T00:00:01.000Z',
      current: { inMergedSet: false, sources: [], since: '1970-01-01T00:00:03.000Z' },
      totals: { sources: 0, uptime: null, latencyMs: null },
    });
  });

  it('reports uptime over decisive probes only, per vantage with its own buckets', () => {
    const vantageRow = (
      vantage: string,
      t: number,
      probes: number,
      ok: number,
      inconclusive: number,
      latency: readonly number[] | null,
    ) => ({
      vantage,
      t: String(t),
      probes: String(probes),
      probes_ok: String(ok),
      probes_inconclusive: String(inconclusive),
      latency_samples: String(latency === null ? 0 : 3),
      latency_ms: latency ?? [Number.NaN, Number.NaN, Number.NaN],
      connect_samples: '0',
      connect_ms: [],
      last_probed_at: String(t + 500),
      last_outcome: ok > 0 ? 'ok' : 'timeout',
    });
    const history = shapeConfigHistory(configHistoryRequest({ fingerprint: 'ab'.repeat(32) }, NOW), {
      seen: [{ first_seen: '1000', last_seen: '2000', rows: '2' }],
      identity: [],
      current: [],
      series: [],
      // 5 probes, 1 core-error: 3 ok of 4 decisive.
      totals: [
        {
          t: '0',
          sources: '1',
          probes: '5',
          probes_ok: '3',
          probes_inconclusive: '1',
          latency_samples: '0',
          latency_ms: [],
        },
      ],
      vantageSeries: [
        vantageRow('us-1', 7_200_000, 1, 0, 1, null),
        vantageRow('eu-1', 3_600_000, 4, 3, 0, [1, 2, 3]),
      ],
      vantageTotals: [vantageRow('us-1', 0, 1, 0, 1, null), vantageRow('eu-1', 0, 4, 3, 0, [1, 2, 3])],
      sources: [],
    });
    expect(history.totals).toMatchObject({ probes: 5, probesOk: 3, inconclusive: 1, uptime: 0.75 });
    expect(history.vantages.map((v) => v.vantage)).toEqual(['eu-1', 'us-1']);
    expect(history.vantages[0]).toEqual({
      vantage: 'eu-1',
      lastOutcome: 'ok',
      lastProbedAt: '1970-01-01T00:00:00.500Z',
      totals: {
        probes: 4,
        probesOk: 3,
        inconclusive: 0,
        uptime: 0.75,
        latencyMs: { p50: 1, p95: 2, p99: 3 },
        connectMs: null,
      },
      series: [
        {
          t: '1970-01-01T01:00:00.000Z',
          probes: 4,
          probesOk: 3,
          inconclusive: 0,
          uptime: 0.75,
          latencyMs: { p50: 1, p95: 2, p99: 3 },
          connectMs: null,
        },
      ],
    });
    // Only an inconclusive probe: no uptime at all rather than 0.
    expect(history.vantages[1]?.totals).toMatchObject({ probes: 1, inconclusive: 1, uptime: null });
  });
});
