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

/** How a dataset narrows to one source: its own column, the sources carrying a config, or not at all. */
const BY_SOURCE_ID = 'source_id = {source:String}';

const RAW_DATASETS: Readonly<
  Record<
    Exclude<ExportDataset, 'source-hourly'>,
    {
      readonly table: string;
      readonly time: string;
      readonly columns: string;
      readonly bySource: string | null;
    }
  >
> = {
  fetches: {
    table: 'fetch_events',
    time: 'fetched_at',
    columns:
      'event_id, fetched_at, source_id, url, url_index, attempt, outcome, http_status, error_code, total_ms, ttfb_ms, decoded_bytes, body_sha256',
    bySource: BY_SOURCE_ID,
  },
  snapshots: {
    table: 'source_snapshots',
    time: 'fetched_at',
    columns:
      'event_id, fetched_at, source_id, fetch_event_id, outcome, container, configs, unique_configs, duplicates, added, removed, unchanged, retained, protocols, diagnostics',
    bySource: BY_SOURCE_ID,
  },
  observations: {
    table: 'config_observations',
    time: 'fetched_at',
    columns:
      'event_id, fetched_at, fingerprint, source_id, presence, protocol, server, port, origin_from, fetch_event_id',
    bySource: BY_SOURCE_ID,
  },
  // Probes belong to a config, not a source: no source filter.
  probes: {
    table: 'config_probes',
    time: 'probed_at',
    columns:
      'event_id, probed_at, fingerprint, vantage, prober, stage, outcome, latency_ms, connect_ms, tls_handshake_ms, error_code, error_detail, target, traffic_bytes',
    bySource: null,
  },
  // The score as written (its scale is score_model's), with what explains it.
  scores: {
    table: 'config_scores',
    time: 'event_time',
    columns:
      'event_id, event_time, fingerprint, deleted, protocol, server, port, score, score_model, verdict, components, weights, points, source_ids, vantage_ids, vantage_reachability, vantage_latency_ms, vantage_confidence, vantage_probes, notes, last_probe_outcome, last_probe_latency_ms, last_probed_at',
    bySource: 'has(source_ids, {source:String})',
  },
  health: {
    table: 'source_health',
    time: 'event_time',
    columns:
      'event_id, event_time, source_id, deleted, status, since, reliability, reliability_components, demoted, demoted_since, mirror_of, last_outcome, consecutive_failures, configs, baseline_configs, probed_configs, working_configs, exclusive_configs, active_anomalies, last_change_at',
    bySource: BY_SOURCE_ID,
  },
  anomalies: {
    table: 'source_anomalies',
    time: 'detected_at',
    columns:
      'event_id, detected_at, source_id, kind, state, severity, observed, expected, message, evidence, related_source_id, opened_at, snapshot_event_id',
    bySource: BY_SOURCE_ID,
  },
};

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
  if (
    input.source !== undefined &&
    input.dataset !== 'source-hourly' &&
    RAW_DATASETS[input.dataset].bySource === null
  ) {
    throw new AnalyticsError(
      'ANALYTICS_INVALID_INPUT',
      `dataset ${input.dataset} cannot be narrowed to a source`,
      {
        issues: [{ path: 'query.source', message: `not applicable to dataset ${input.dataset}` }],
      },
    );
  }
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
  const bySource = request.sourceId === null ? '' : ` AND ${BY_SOURCE_ID}`;
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
  // exportRequest refuses a source for a dataset without a source filter.
  const rawBySource =
    request.sourceId === null || dataset.bySource === null ? '' : ` AND ${dataset.bySource}`;
  return {
    sql: `
SELECT ${dataset.columns}
FROM ${dataset.table} FINAL
WHERE ${dataset.time} >= {from:DateTime64(3)} AND ${dataset.time} < {to:DateTime64(3)}${rawBySource}
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
