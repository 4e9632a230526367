import type { BuiltQuery } from './built-query.ts';
import type { ExportDataset, ExportFormat, ExportInput } from './analytics-inputs.ts';
import { AnalyticsError } from './analytics-error.ts';
import { HOURS_IN_RANGE, MAX_RANGE_MS, rangeParams } from './time-range.ts';
import type { TimeRange } from './time-range.ts';
import { PERCENTILES_SQL } from './values.ts';

/**
 * GET /analytics/export: one dataset over a range as CSV (with a header) or JSON lines, in time
 * order, deduplicated (FINAL), streamed. Each dataset is a fixed query; the request only binds
 * parameters.
 */

const DAY_MS = 86_400_000;
export const DEFAULT_EXPORT_RANGE_MS = DAY_MS;

const RAW_DATASETS = {
  fetches: {
    table: 'fetch_events',
    time: 'fetched_at',
    columns:
      'event_id, fetched_at, source_id, url, url_index, attempt, outcome, http_status, error_code, total_ms, ttfb_ms, decoded_bytes, body_sha256',
  },
  snapshots: {
    table: 'source_snapshots',
    time: 'fetched_at',
    columns:
      'event_id, fetched_at, source_id, fetch_event_id, outcome, container, configs, unique_configs, duplicates, added, removed, unchanged, retained, protocols, diagnostics',
  },
  observations: {
    table: 'config_observations',
    time: 'fetched_at',
    columns:
      'event_id, fetched_at, fingerprint, source_id, presence, protocol, server, port, origin_from, fetch_event_id',
  },
} as const;

const FORMATS: Readonly<
  Record<
    ExportFormat,
    { readonly clickhouse: string; readonly contentType: string; readonly extension: string }
  >
> = {
  csv: { clickhouse: 'CSVWithNames', contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  jsonl: {
    clickhouse: 'JSONEachRow',
    contentType: 'application/x-ndjson; charset=utf-8',
    extension: 'jsonl',
  },
};

export interface ExportRequest {
  readonly dataset: ExportDataset;
  readonly format: ExportFormat;
  readonly range: TimeRange;
  readonly sourceId: string | null;
  readonly limit: number;
}

export function exportRequest(input: ExportInput, now: number): ExportRequest {
  const to = input.to ?? now;
  const from = input.from ?? to - DEFAULT_EXPORT_RANGE_MS;
  if (from >= to) {
    throw new AnalyticsError('ANALYTICS_INVALID_INPUT', 'from must be before to', {
      issues: [{ path: 'query.from', message: 'must be before to' }],
    });
  }
  if (to - from > MAX_RANGE_MS)
    throw new AnalyticsError('ANALYTICS_RANGE_TOO_LARGE', 'the range is longer than two years');
  return {
    dataset: input.dataset,
    format: input.format,
    range: { from, to, resolution: 'hour' },
    sourceId: input.source ?? null,
    limit: input.limit,
  };
}

export function exportQuery(request: ExportRequest): BuiltQuery {
  const format = FORMATS[request.format].clickhouse;
  const bySource = request.sourceId === null ? '' : ' AND source_id = {source:String}';
  const params = {
    ...rangeParams(request.range),
    limit: request.limit,
    ...(request.sourceId === null ? {} : { source: request.sourceId }),
  };
  if (request.dataset === 'source-hourly') {
    return {
      sql: `
SELECT
    source_id, hour,
    length(fetch_ids) AS fetches,
    length(failure_ids) AS failures,
    length(not_modified_ids) AS not_modified,
    ${PERCENTILES_SQL}latency)[1] AS latency_p50_ms,
    ${PERCENTILES_SQL}latency)[2] AS latency_p95_ms,
    length(snapshot_ids) AS snapshots,
    configs_last.2 AS configs_last,
    arraySum(arrayMap(c -> c.2, churn)) AS added,
    arraySum(arrayMap(c -> c.3, churn)) AS removed
FROM
(
    SELECT
        source_id, hour,
        groupUniqArrayArray(fetch_ids) AS fetch_ids,
        groupUniqArrayArray(failure_ids) AS failure_ids,
        groupUniqArrayArray(not_modified_ids) AS not_modified_ids,
        arrayMap(l -> l.2, groupUniqArrayArray(latencies)) AS latency,
        groupUniqArrayArray(snapshot_ids) AS snapshot_ids,
        max(configs_last) AS configs_last,
        groupUniqArrayArray(churn) AS churn
    FROM source_hourly
    WHERE ${HOURS_IN_RANGE}${bySource}
    GROUP BY source_id, hour
)
ORDER BY hour, source_id
LIMIT {limit:UInt32}
FORMAT ${format}`,
      params,
    };
  }
  const dataset = RAW_DATASETS[request.dataset];
  return {
    sql: `
SELECT ${dataset.columns}
FROM ${dataset.table} FINAL
WHERE ${dataset.time} >= {from:DateTime64(3)} AND ${dataset.time} < {to:DateTime64(3)}${bySource}
ORDER BY ${dataset.time}, event_id
LIMIT {limit:UInt32}
FORMAT ${format}`,
    params,
  };
}

/** Response headers of an export: type and a file name saying what it holds. */
export function exportHeaders(request: ExportRequest): Readonly<Record<string, string>> {
  const f = FORMATS[request.format];
  const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[:.]/g, '').replace(/-/g, '');
  const source = request.sourceId === null ? '' : `-${request.sourceId}`;
  return {
    'content-type': f.contentType,
    'content-disposition': `attachment; filename="submerge-${request.dataset}${source}-${stamp(request.range.from)}-${stamp(request.range.to)}.${f.extension}"`,
  };
}
