import type { BuiltQuery } from './built-query.ts';
import type { SourceHistoryInput } from './analytics-inputs.ts';
import { HOURS_IN_RANGE, hourBucketSql, rangeParams, resolveRange } from './time-range.ts';
import type { Resolution, TimeRange } from './time-range.ts';
import { iso, num, numOrNull, PERCENTILES_SQL, percentiles, ratio } from './values.ts';
import type { Percentiles } from './values.ts';

/**
 * GET /analytics/sources/:id/history: fetch success rate, latency percentiles, config counts
 * and churn of one source over a range, per bucket and in total. Read from the source_hourly
 * and source_diagnostics_hourly rollups (a few rows per hour) and, for the outcome breakdown,
 * fetch_events (ordered by source, so one source's range is a short read). Its health (status,
 * reliability, demotion) per bucket and the anomalies opened and resolved in the range come from
 * source_health and source_anomalies, both ordered by source and time.
 */

export interface SourceHistoryRequest {
  readonly sourceId: string;
  readonly range: TimeRange;
}

export function sourceHistoryRequest(input: SourceHistoryInput, now: number): SourceHistoryRequest {
  return { sourceId: input.id, range: resolveRange(input, now) };
}

/**
 * One query for the series (grouped by bucket) or, with `resolution: null`, for the totals over
 * the whole range. Every measure is duplicate-insensitive (see infra/clickhouse/009).
 */
export function sourceSeriesQuery(request: SourceHistoryRequest, resolution: Resolution | null): BuiltQuery {
  const bucket = resolution === null ? "toDateTime({from:DateTime64(3)}, 'UTC')" : hourBucketSql(resolution);
  return {
    sql: `
SELECT
    toUnixTimestamp(bucket) * 1000 AS t,
    length(fetch_ids) AS fetches,
    length(failure_ids) AS failures,
    length(not_modified_ids) AS not_modified,
    length(latency) AS latency_samples,
    ${PERCENTILES_SQL}latency) AS latency_ms,
    length(snapshot_ids) AS snapshots,
    configs_last.2 AS configs_last,
    configs_min, configs_max,
    arraySum(arrayMap(c -> c.2, churn)) AS added,
    arraySum(arrayMap(c -> c.3, churn)) AS removed
FROM
(
    SELECT
        ${bucket} AS bucket,
        groupUniqArrayArray(fetch_ids) AS fetch_ids,
        groupUniqArrayArray(failure_ids) AS failure_ids,
        groupUniqArrayArray(not_modified_ids) AS not_modified_ids,
        arrayMap(l -> l.2, groupUniqArrayArray(latencies)) AS latency,
        groupUniqArrayArray(snapshot_ids) AS snapshot_ids,
        max(configs_last) AS configs_last,
        min(configs_min) AS configs_min,
        max(configs_max) AS configs_max,
        groupUniqArrayArray(churn) AS churn
    FROM source_hourly
    WHERE source_id = {source:String} AND ${HOURS_IN_RANGE}
    GROUP BY bucket
)
ORDER BY t`,
    params: { source: request.sourceId, ...rangeParams(request.range) },
  };
}

export function sourceOutcomesQuery(request: SourceHistoryRequest): BuiltQuery {
  return {
    sql: `
SELECT outcome, uniqExact(event_id) AS count
FROM fetch_events
WHERE source_id = {source:String} AND fetched_at >= {from:DateTime64(3)} AND fetched_at < {to:DateTime64(3)}
GROUP BY outcome
ORDER BY count DESC, outcome`,
    params: { source: request.sourceId, ...rangeParams(request.range) },
  };
}

export function sourceDiagnosticsQuery(request: SourceHistoryRequest): BuiltQuery {
  return {
    sql: `
SELECT code, arraySum(arrayMap(c -> c.2, groupUniqArrayArray(counts))) AS count
FROM source_diagnostics_hourly
WHERE source_id = {source:String} AND ${HOURS_IN_RANGE}
GROUP BY code
ORDER BY count DESC, code
LIMIT 200`,
    params: { source: request.sourceId, ...rangeParams(request.range) },
  };
}

/**
 * The source's health as of the end of each bucket that has a change (the latest change in it,
 * by event time then id: redelivered copies are the same row). Tombstones are reported as
 * deleted rather than skipped: a removed source is a fact of its history.
 */
export function sourceHealthQuery(request: SourceHistoryRequest): BuiltQuery {
  const bucket = hourBucketSql(request.range.resolution, "toStartOfHour(event_time, 'UTC')");
  return {
    sql: `
SELECT
    toUnixTimestamp(${bucket}) * 1000 AS t,
    argMax(status, (event_time, event_id)) AS status,
    argMax(reliability, (event_time, event_id)) AS reliability,
    argMax(demoted, (event_time, event_id)) AS demoted,
    argMax(mirror_of, (event_time, event_id)) AS mirror_of,
    argMax(deleted, (event_time, event_id)) AS deleted,
    uniqExact(event_id) AS changes
FROM source_health
WHERE source_id = {source:String} AND event_time >= {from:DateTime64(3)} AND event_time < {to:DateTime64(3)}
GROUP BY t
ORDER BY t
LIMIT 10000`,
    params: { source: request.sourceId, ...rangeParams(request.range) },
  };
}

/**
 * Anomaly events in the range, in time order (FINAL: a redelivered event is one row). Times are
 * aliased apart from their columns: ClickHouse lets a SELECT alias shadow a column in WHERE.
 */
export function sourceAnomaliesQuery(request: SourceHistoryRequest): BuiltQuery {
  return {
    sql: `
SELECT
    toUnixTimestamp64Milli(detected_at) AS detected_ms,
    kind, state, severity, observed, expected, message, evidence, related_source_id,
    toUnixTimestamp64Milli(opened_at) AS opened_ms
FROM source_anomalies FINAL
WHERE source_id = {source:String} AND detected_at >= {from:DateTime64(3)} AND detected_at < {to:DateTime64(3)}
ORDER BY detected_at, kind, event_id
LIMIT 1000`,
    params: { source: request.sourceId, ...rangeParams(request.range) },
  };
}

export interface SourceHealthRow {
  readonly t: string | number;
  readonly status: string;
  readonly reliability: number | null;
  readonly demoted: boolean | number;
  readonly mirror_of: string;
  readonly deleted: boolean | number;
  readonly changes: string | number;
}

export interface SourceAnomalyRow {
  readonly detected_ms: string | number;
  readonly kind: string;
  readonly state: string;
  readonly severity: string;
  readonly observed: number | null;
  readonly expected: number | null;
  readonly message: string;
  readonly evidence: Readonly<Record<string, string>>;
  readonly related_source_id: string;
  readonly opened_ms: string | number | null;
}

/** Whether the source has any history at all (a source with none is a 404, not an empty chart). */
export function sourceKnownQuery(sourceId: string): BuiltQuery {
  return {
    sql: 'SELECT 1 AS known FROM source_hourly WHERE source_id = {source:String} LIMIT 1',
    params: { source: sourceId },
  };
}

export interface SourceSeriesRow {
  readonly t: string | number;
  readonly fetches: string | number;
  readonly failures: string | number;
  readonly not_modified: string | number;
  readonly latency_samples: string | number;
  readonly latency_ms: readonly (number | null)[];
  readonly snapshots: string | number;
  readonly configs_last: string | number;
  readonly configs_min: string | number | null;
  readonly configs_max: string | number;
  readonly added: string | number;
  readonly removed: string | number;
}

export interface SourcePoint {
  readonly fetches: number;
  readonly failures: number;
  readonly notModified: number;
  /** (fetches - failures) / fetches; null without fetches. A 304 counts as a success. */
  readonly successRate: number | null;
  /** Of successful fetches (ok, not-modified); null without any. */
  readonly latencyMs: Percentiles | null;
  readonly snapshots: number;
  /** Unique configs of the latest snapshot in the bucket, and the bucket's min and max; null without snapshots. */
  readonly configs: { readonly last: number; readonly min: number; readonly max: number } | null;
  readonly added: number;
  readonly removed: number;
}

export interface SourceHistory {
  readonly sourceId: string;
  readonly from: string;
  readonly to: string;
  readonly resolution: Resolution;
  readonly totals: SourcePoint;
  readonly series: readonly (SourcePoint & { readonly t: string })[];
  readonly outcomes: readonly { readonly outcome: string; readonly count: number }[];
  readonly diagnostics: readonly { readonly code: string; readonly count: number }[];
  /** Per bucket with a health change: the state at the bucket's last change. */
  readonly health: readonly {
    readonly t: string;
    readonly status: string;
    /** In [0, 1]; null before the source's first fetch. */
    readonly reliability: number | null;
    readonly demoted: boolean;
    readonly mirrorOf: string | null;
    readonly deleted: boolean;
    readonly changes: number;
  }[];
  readonly anomalies: readonly {
    readonly detectedAt: string;
    readonly kind: string;
    readonly state: string;
    readonly severity: string;
    readonly observed: number | null;
    readonly expected: number | null;
    readonly message: string;
    readonly evidence: Readonly<Record<string, string>>;
    readonly relatedSourceId: string | null;
    /** On a resolved event: when it opened, so how long it lasted. */
    readonly openedAt: string | null;
  }[];
}

export function sourcePoint(row: SourceSeriesRow | undefined): SourcePoint {
  const fetches = num(row?.fetches);
  const failures = num(row?.failures);
  const snapshots = num(row?.snapshots);
  return {
    fetches,
    failures,
    notModified: num(row?.not_modified),
    successRate: ratio(fetches - failures, fetches),
    latencyMs: percentiles(row?.latency_ms, num(row?.latency_samples)),
    snapshots,
    configs:
      snapshots > 0
        ? { last: num(row?.configs_last), min: num(row?.configs_min), max: num(row?.configs_max) }
        : null,
    added: num(row?.added),
    removed: num(row?.removed),
  };
}

export function shapeSourceHistory(
  request: SourceHistoryRequest,
  rows: {
    readonly series: readonly SourceSeriesRow[];
    readonly totals: readonly SourceSeriesRow[];
    readonly outcomes: readonly { readonly outcome: string; readonly count: string | number }[];
    readonly diagnostics: readonly { readonly code: string; readonly count: string | number }[];
    readonly health: readonly SourceHealthRow[];
    readonly anomalies: readonly SourceAnomalyRow[];
  },
): SourceHistory {
  return {
    sourceId: request.sourceId,
    from: iso(request.range.from),
    to: iso(request.range.to),
    resolution: request.range.resolution,
    totals: sourcePoint(rows.totals[0]),
    series: rows.series.map((row) => ({ t: iso(num(row.t)), ...sourcePoint(row) })),
    outcomes: rows.outcomes.map((r) => ({ outcome: r.outcome, count: num(r.count) })),
    diagnostics: rows.diagnostics.map((r) => ({ code: r.code, count: num(r.count) })),
    health: rows.health.map((r) => ({
      t: iso(num(r.t)),
      status: r.status,
      reliability: numOrNull(r.reliability),
      demoted: Boolean(r.demoted),
      mirrorOf: r.mirror_of === '' ? null : r.mirror_of,
      deleted: Boolean(r.deleted),
      changes: num(r.changes),
    })),
    anomalies: rows.anomalies.map((r) => {
      const openedAt = numOrNull(r.opened_ms);
      return {
        detectedAt: iso(num(r.detected_ms)),
        kind: r.kind,
        state: r.state,
        severity: r.severity,
        observed: numOrNull(r.observed),
        expected: numOrNull(r.expected),
        message: r.message,
        evidence: r.evidence,
        relatedSourceId: r.related_source_id === '' ? null : r.related_source_id,
        openedAt: openedAt === null ? null : iso(openedAt),
      };
    }),
  };
}
