import { describe, expect, it } from 'vitest';
import type { BuiltQuery } from '../../../../services/core/analytics/built-query.ts';
import {
  configCurrentQuery,
  configHistoryRequest,
  configIdentityQuery,
  configSeenQuery,
  configSeriesQuery,
  configSourcesQuery,
  configVantageQuery,
} from '../../../../services/core/analytics/config-history.ts';
import {
  exportHeaders,
  exportQuery,
  exportRequest,
} from '../../../../services/core/analytics/export-query.ts';
import {
  overviewRequest,
  protocolMixQuery,
  sourceActivityQuery,
  sourceOverlapQuery,
  sourceStandingQuery,
} from '../../../../services/core/analytics/overview.ts';
import {
  sourceAnomaliesQuery,
  sourceDiagnosticsQuery,
  sourceHealthQuery,
  sourceHistoryRequest,
  sourceKnownQuery,
  sourceOutcomesQuery,
  sourceSeriesQuery,
} from '../../../../services/core/analytics/source-history.ts';

const NOW = Date.UTC(2026, 5, 15);
// Values no validation would let through: they must still never reach the SQL text.
const HOSTILE = "x'; DROP TABLE fetch_events; --";

function everyQuery(): BuiltQuery[] {
  const source = sourceHistoryRequest({ id: HOSTILE }, NOW);
  const config = configHistoryRequest({ fingerprint: HOSTILE }, NOW);
  const overview = overviewRequest({ limit: 10, minFetches: 1 }, NOW);
  return [
    sourceSeriesQuery(source, 'hour'),
    sourceSeriesQuery(source, null),
    sourceOutcomesQuery(source),
    sourceDiagnosticsQuery(source),
    sourceHealthQuery(source),
    sourceAnomaliesQuery(source),
    sourceKnownQuery(HOSTILE),
    configSeenQuery(HOSTILE),
    configIdentityQuery(HOSTILE),
    configCurrentQuery(HOSTILE),
    configSourcesQuery(config),
    configSeriesQuery(config, 'week'),
    sourceActivityQuery(overview),
    protocolMixQuery(overview),
    sourceOverlapQuery(overview),
    sourceStandingQuery(overview),
    ...(
      ['fetches', 'snapshots', 'observations', 'source-hourly', 'scores', 'health', 'anomalies'] as const
    ).map((dataset) =>
      exportQuery(exportRequest({ dataset, format: 'csv', source: HOSTILE, limit: 10 }, NOW)),
    ),
    exportQuery(exportRequest({ dataset: 'probes', format: 'jsonl', limit: 10 }, NOW)),
    configVantageQuery(config, 'day'),
    configVantageQuery(config, null),
  ];
}

describe('analytics query builders', () => {
  it('bind every value as a typed parameter and never write one into the SQL', () => {
    for (const query of everyQuery()) {
      expect(query.sql).not.toContain('DROP');
      const placeholders = [...query.sql.matchAll(/\{(\w+):[^}]+\}/g)].map((m) => m[1]);
      expect(placeholders.length).toBeGreaterThan(0);
      for (const name of placeholders)
        expect(Object.keys(query.params), `${name} in ${query.sql}`).toContain(name);
    }
  });

  it('read rollups for series and rankings, with duplicate-insensitive merges', () => {
    const series = sourceSeriesQuery(sourceHistoryRequest({ id: 'a' }, NOW), 'day');
    expect(series.sql).toContain('FROM source_hourly');
    expect(series.sql).toContain('length(fetch_ids) AS fetches');
    expect(series.sql).toContain('groupUniqArrayArray(fetch_ids)');
    expect(series.sql).toContain('toStartOfDay(hour) AS bucket');
    expect(series.params).toMatchObject({
      source: 'a',
      from: new Date(NOW - 7 * 86_400_000),
      to: new Date(NOW),
    });
    expect(protocolMixQuery(overviewRequest({ limit: 5, minFetches: 1 }, NOW)).sql).toContain(
      'uniqMerge(configs)',
    );
  });

  it('export deduplicated raw rows in time order with a row limit, in the requested format', () => {
    const request = exportRequest(
      { dataset: 'observations', format: 'jsonl', source: 'src-a', limit: 500 },
      NOW,
    );
    const query = exportQuery(request);
    expect(query.sql).toMatch(/FROM config_observations FINAL/);
    expect(query.sql).toMatch(/ORDER BY fetched_at, event_id\s+LIMIT \{limit:UInt32\}\s+FORMAT JSONEachRow$/);
    expect(query.params).toMatchObject({ limit: 500, source: 'src-a', from: new Date(NOW - 86_400_000) });
    expect(exportHeaders(request)).toEqual({
      'content-type': 'application/x-ndjson; charset=utf-8',
      'content-disposition':
        'attachment; filename="submerge-observations-src-a-20260614T000000000Z-20260615T000000000Z.jsonl"',
    });
    expect(() =>
      exportRequest({ dataset: 'fetches', format: 'csv', from: NOW, to: NOW, limit: 1 }, NOW),
    ).toThrow(expect.objectContaining({ code: 'ANALYTICS_INVALID_INPUT' }));
  });

  it('narrow scores to the configs a source carries and refuse a source for probes, which belong to configs', () => {
    const scores = exportQuery(
      exportRequest({ dataset: 'scores', format: 'csv', source: 'src-a', limit: 5 }, NOW),
    );
    expect(scores.sql).toContain('FROM config_scores FINAL');
    expect(scores.sql).toContain('has(source_ids, {source:String})');
    const probes = exportQuery(exportRequest({ dataset: 'probes', format: 'csv', limit: 5 }, NOW));
    expect(probes.sql).toContain('FROM config_probes FINAL');
    expect(probes.sql).not.toContain('{source:String}');
    expect(() => exportRequest({ dataset: 'probes', format: 'csv', source: 'src-a', limit: 5 }, NOW)).toThrow(
      expect.objectContaining({ code: 'ANALYTICS_INVALID_INPUT' }),
    );
  });

  it('read per-vantage probe figures from the raw probes over the exact range', () => {
    const query = configVantageQuery(configHistoryRequest({ fingerprint: 'ab'.repeat(32) }, NOW), 'day');
    expect(query.sql).toContain('FROM config_probes');
    expect(query.sql).toContain('probed_at >= {from:DateTime64(3)} AND probed_at < {to:DateTime64(3)}');
    expect(query.sql).toContain('GROUP BY vantage, bucket');
    expect(query.sql).toContain("outcome IN ('unsupported', 'core-error')");
  });
});
