import type { Registry } from 'prom-client';
import { counterIn, gaugeIn, histogramIn } from '../shared/metrics/metrics-registry.ts';

/** What the sink reports; dashboards alert on `paused` (ClickHouse down) and growing lag. */
export interface SinkMetrics {
  rowsInserted(table: string, rows: number): void;
  recordsCommitted(records: number): void;
  flushSeconds(seconds: number): void;
  insertRetried(code: string): void;
  dlq(code: string, count: number): void;
  dropped(reason: string, count: number): void;
  buffered(rows: number): void;
  /** 1 while inserts fail for ClickHouse reasons and the sink waits, else 0. */
  paused(paused: boolean): void;
}

export const SINK_METRIC_NAMES = {
  rowsInserted: 'submerge_sink_rows_inserted_total',
  recordsCommitted: 'submerge_sink_records_committed_total',
  flushSeconds: 'submerge_sink_flush_duration_seconds',
  insertRetries: 'submerge_sink_insert_retries_total',
  dlq: 'submerge_sink_dlq_records_total',
  dropped: 'submerge_sink_dropped_records_total',
  buffered: 'submerge_sink_buffered_rows',
  paused: 'submerge_sink_paused',
} as const;

export function createSinkMetrics(registry: Registry): SinkMetrics {
  const rows = counterIn(registry, {
    name: SINK_METRIC_NAMES.rowsInserted,
    help: 'Rows inserted into ClickHouse, per table (redelivered rows count again).',
    labelNames: ['table'],
  });
  const committed = counterIn(registry, {
    name: SINK_METRIC_NAMES.recordsCommitted,
    help: 'Records whose offsets were committed after their rows were stored.',
  });
  const flush = histogramIn(registry, {
    name: SINK_METRIC_NAMES.flushSeconds,
    help: 'Time to insert one batch and commit its offsets.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  const retries = counterIn(registry, {
    name: SINK_METRIC_NAMES.insertRetries,
    help: 'Inserts retried after a retriable ClickHouse failure, per error code.',
    labelNames: ['code'],
  });
  const dlq = counterIn(registry, {
    name: SINK_METRIC_NAMES.dlq,
    help: 'Records parked in dlq.clickhouse-sink.v1, per error code.',
    labelNames: ['code'],
  });
  const dropped = counterIn(registry, {
    name: SINK_METRIC_NAMES.dropped,
    help: 'Records skipped on purpose, per reason.',
    labelNames: ['reason'],
  });
  const buffered = gaugeIn(registry, {
    name: SINK_METRIC_NAMES.buffered,
    help: 'Rows waiting for the next flush.',
  });
  const paused = gaugeIn(registry, {
    name: SINK_METRIC_NAMES.paused,
    help: '1 while ClickHouse is unavailable and the sink waits without committing.',
  });
  return {
    rowsInserted: (table, n) => rows.inc({ table }, n),
    recordsCommitted: (n) => committed.inc(n),
    flushSeconds: (s) => flush.observe(s),
    insertRetried: (code) => retries.inc({ code }),
    dlq: (code, n) => dlq.inc({ code }, n),
    dropped: (reason, n) => dropped.inc({ reason }, n),
    buffered: (n) => buffered.set(n),
    paused: (p) => paused.set(p ? 1 : 0),
  };
}
