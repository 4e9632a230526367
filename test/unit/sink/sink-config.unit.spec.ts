import { describe, expect, it } from 'vitest';
import { parseSinkOptions } from '../../../services/sink/sink-options.ts';
import { sinkGroup, sinkRoutes } from '../../../services/sink/sink-routes.ts';

describe('sink options', () => {
  it('defaults to 50,000-record batches flushed at least every second from the earliest offset', () => {
    expect(parseSinkOptions([])).toEqual({
      ok: true,
      options: {
        group: 'clickhouse-sink',
        batchRecords: 50_000,
        flushIntervalMs: 1_000,
        startFrom: 'earliest',
        sessionTimeoutMs: 30_000,
        migrate: 'apply',
      },
    });
    expect(parseSinkOptions(['--batch-records', '500', '--migrate', 'check'])).toMatchObject({
      ok: true,
      options: { batchRecords: 500, migrate: 'check' },
    });
  });

  it('reports every bad flag at once, by its name', () => {
    const parsed = parseSinkOptions([
      '--batch-records',
      '0',
      '--flush-interval-ms',
      'soon',
      '--start-from',
      'middle',
    ]);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.split(':')[0])).toEqual([
      '--batch-records',
      '--flush-interval-ms',
      '--start-from',
    ]);
    expect(parseSinkOptions(['--unknown', 'x']).ok).toBe(false);
  });
});

describe('sink routes', () => {
  it('reads every pipeline topic except the catalog, each into its table', () => {
    expect(sinkRoutes().map((r) => `${r.topic} -> ${r.table}`)).toEqual([
      'sources.fetched.v1 -> fetch_events',
      'sources.snapshots.v1 -> source_snapshots',
      'configs.observed.v1 -> config_observations',
      'configs.current.v1 -> config_current_changes',
      'configs.probed.v1 -> config_probes',
      'configs.scored.v1 -> config_scores',
      'sources.health.v1 -> source_health',
      'sources.anomalies.v1 -> source_anomalies',
    ]);
  });

  it('names topics like the pipeline: a prefix on all, the generation on derived topics only', () => {
    const topics = sinkRoutes({ prefix: 'it.', version: 'v2' }).map((r) => r.topic);
    expect(topics).toContain('it.sources.fetched.v1');
    expect(topics).toContain('it.configs.observed.v2');
    expect(sinkRoutes({ prefix: 'it.' }).every((r) => r.spec.name === r.topic && r.spec.partitions > 0)).toBe(
      true,
    );
    expect(sinkGroup('clickhouse-sink', { prefix: 'it.', version: 'v2' })).toBe('it.clickhouse-sink-v2');
    expect(sinkGroup('clickhouse-sink')).toBe('clickhouse-sink');
    expect(() => sinkRoutes({ version: 'two' })).toThrow(RangeError);
  });
});
