import { PROBE_OUTCOMES } from '../scoring/probe-evidence.ts';
import type { BuiltQuery } from './built-query.ts';
import type { ConfigHistoryInput } from './analytics-inputs.ts';
import { HOURS_IN_RANGE, hourBucketSql, rangeParams, resolveRange } from './time-range.ts';
import type { Resolution, TimeRange } from './time-range.ts';
import { iso, num, numOrNull, PERCENTILES_SQL, percentiles, ratio } from './values.ts';
import type { Percentiles } from './values.ts';

/**
 * GET /analytics/configs/:fingerprint/history: when a config was first and last seen, in how
 * many sources over time, which sources, and (from the prober's events) its uptime and probe
 * latency, overall and per vantage point. Every query reads by fingerprint, the leading key of
 * the tables it touches.
 *
 * Uptime counts decisive probes only: unsupported and core-error say nothing about the config
 * (the scorer ignores them too), so they are reported as `inconclusive`, not as downtime.
 */

/** Outcomes that are no evidence either way; a closed set of literals, safe in SQL text. */
export const INCONCLUSIVE_OUTCOMES: readonly string[] = [
  PROBE_OUTCOMES.unsupported,
  PROBE_OUTCOMES.coreError,
];
const INCONCLUSIVE_SQL = INCONCLUSIVE_OUTCOMES.map((o) => `'${o}'`).join(', ');

export interface ConfigHistoryRequest {
  readonly fingerprint: string;
  readonly range: TimeRange;
}

export function configHistoryRequest(input: ConfigHistoryInput, now: number): ConfigHistoryRequest {
  return { fingerprint: input.fingerprint, range: resolveRange(input, now) };
}

/** All-time first/last seen, from config_hourly (kept two years; the raw rows only 180 days). */
export function configSeenQuery(fingerprint: string): BuiltQuery {
  return {
    sql: `
SELECT toUnixTimestamp64Milli(min(first_seen)) AS first_seen, toUnixTimestamp64Milli(max(last_seen)) AS last_seen, count() AS rows
FROM config_hourly
WHERE fingerprint = {fingerprint:String}`,
    params: { fingerprint },
  };
}

/** What the config is (latest observation) and whether it is in the merged set now (latest change). */
export function configIdentityQuery(fingerprint: string): BuiltQuery {
  return {
    sql: `
SELECT
    argMax(protocol, fetched_at) AS protocol,
    argMax(server, fetched_at) AS server,
    argMax(port, fetched_at) AS port
FROM config_observations
WHERE fingerprint = {fingerprint:String}
HAVING count() > 0`,
    params: { fingerprint },
  };
}

export function configCurrentQuery(fingerprint: string): BuiltQuery {
  return {
    sql: `
SELECT
    argMax(deleted, (event_time, event_id)) AS deleted,
    argMax(source_ids, (event_time, event_id)) AS source_ids,
    toUnixTimestamp64Milli(max(event_time)) AS since
FROM config_current_changes
WHERE fingerprint = {fingerprint:String}
HAVING count() > 0`,
    params: { fingerprint },
  };
}

/** The sources that carried it in the range: min/max and uniqExact are insensitive to redelivered rows. */
export function configSourcesQuery(request: ConfigHistoryRequest): BuiltQuery {
  return {
    sql: `
SELECT
    source_id,
    toUnixTimestamp64Milli(min(fetched_at)) AS first_seen,
    toUnixTimestamp64Milli(max(fetched_at)) AS last_seen,
    uniqExact(fetch_event_id) AS fetches
FROM config_observations
WHERE fingerprint = {fingerprint:String} AND presence = 'present'
  AND fetched_at >= {from:DateTime64(3)} AND fetched_at < {to:DateTime64(3)}
GROUP BY source_id
ORDER BY first_seen, source_id
LIMIT 1000`,
    params: { fingerprint: request.fingerprint, ...rangeParams(request.range) },
  };
}

/** Series per bucket, or with `resolution: null` the totals over the range. */
export function configSeriesQuery(request: ConfigHistoryRequest, resolution: Resolution | null): BuiltQuery {
  const bucket = resolution === null ? "toDateTime({from:DateTime64(3)}, 'UTC')" : hourBucketSql(resolution);
  return {
    sql: `
SELECT
    toUnixTimestamp(bucket) * 1000 AS t,
    sources,
    length(probe_ids) AS probes,
    length(probe_ok_ids) AS probes_ok,
    length(probe_inconclusive_ids) AS probes_inconclusive,
    length(latency) AS latency_samples,
    ${PERCENTILES_SQL}latency) AS latency_ms
FROM
(
    SELECT
        ${bucket} AS bucket,
        uniqCombinedMerge(sources) AS sources,
        groupUniqArrayArray(probe_ids) AS probe_ids,
        groupUniqArrayArray(probe_ok_ids) AS probe_ok_ids,
        groupUniqArrayArray(probe_inconclusive_ids) AS probe_inconclusive_ids,
        arrayMap(l -> l.2, groupUniqArrayArray(probe_latencies)) AS latency
    FROM config_hourly
    WHERE fingerprint = {fingerprint:String} AND ${HOURS_IN_RANGE}
    GROUP BY bucket
)
ORDER BY t`,
    params: { fingerprint: request.fingerprint, ...rangeParams(request.range) },
  };
}

/**
 * Per vantage point, from the probes themselves (config_probes, 180 days; exact: sets of event
 * ids make redelivered rows count once): per bucket, or with `resolution: null` over the range.
 * Probe time decides the bucket, to the millisecond of the range (not whole hours as the
 * rollup): the raw rows allow it.
 */
export function configVantageQuery(request: ConfigHistoryRequest, resolution: Resolution | null): BuiltQuery {
  const bucket =
    resolution === null
      ? "toDateTime({from:DateTime64(3)}, 'UTC')"
      : hourBucketSql(resolution, "toStartOfHour(probed_at, 'UTC')");
  return {
    sql: `
SELECT
    vantage,
    toUnixTimestamp(bucket) * 1000 AS t,
    length(ids) AS probes,
    length(ok_ids) AS probes_ok,
    length(inconclusive_ids) AS probes_inconclusive,
    length(latency) AS latency_samples,
    ${PERCENTILES_SQL}latency) AS latency_ms,
    length(connect) AS connect_samples,
    ${PERCENTILES_SQL}connect) AS connect_ms,
    last_probed_at,
    last_outcome
FROM
(
    SELECT
        vantage,
        ${bucket} AS bucket,
        groupUniqArray(event_id) AS ids,
        groupUniqArrayIf(event_id, outcome = 'ok') AS ok_ids,
        groupUniqArrayIf(event_id, outcome IN (${INCONCLUSIVE_SQL})) AS inconclusive_ids,
        arrayMap(l -> l.2, groupUniqArrayIf((event_id, assumeNotNull(latency_ms)), outcome = 'ok' AND latency_ms IS NOT NULL)) AS latency,
        arrayMap(l -> l.2, groupUniqArrayIf((event_id, assumeNotNull(connect_ms)), connect_ms IS NOT NULL)) AS connect,
        toUnixTimestamp64Milli(max(probed_at)) AS last_probed_at,
        argMax(outcome, (probed_at, event_id)) AS last_outcome
    FROM config_probes
    WHERE fingerprint = {fingerprint:String}
      AND probed_at >= {from:DateTime64(3)} AND probed_at < {to:DateTime64(3)}
    GROUP BY vantage, bucket
)
ORDER BY vantage, t
LIMIT 100000`,
    params: { fingerprint: request.fingerprint, ...rangeParams(request.range) },
  };
}

export interface ConfigVantageRow {
  readonly vantage: string;
  readonly t: string | number;
  readonly probes: string | number;
  readonly probes_ok: string | number;
  readonly probes_inconclusive: string | number;
  readonly latency_samples: string | number;
  readonly latency_ms: readonly (number | null)[];
  readonly connect_samples: string | number;
  readonly connect_ms: readonly (number | null)[];
  readonly last_probed_at: string | number;
  readonly last_outcome: string;
}

export interface ConfigSeriesRow {
  readonly t: string | number;
  readonly sources: string | number;
  readonly probes: string | number;
  readonly probes_ok: string | number;
  readonly probes_inconclusive: string | number;
  readonly latency_samples: string | number;
  readonly latency_ms: readonly (number | null)[];
}

export interface ProbePoint {
  /** Every probe, inconclusive ones included. */
  readonly probes: number;
  readonly probesOk: number;
  /** Probes that say nothing about the config (unsupported, core-error). */
  readonly inconclusive: number;
  /** probesOk / (probes - inconclusive); null without a decisive probe. */
  readonly uptime: number | null;
  /** Of successful probes; null without any. */
  readonly latencyMs: Percentiles | null;
}

export interface ConfigPoint extends ProbePoint {
  /** Distinct sources that carried it in the bucket. */
  readonly sources: number;
}

export interface VantagePoint extends ProbePoint {
  /** TCP connect time of the cheap stage, over every probe that connected. */
  readonly connectMs: Percentiles | null;
}

export interface VantageHistory {
  /** The prober deployment's vantage id ('' for probes written before vantages existed). */
  readonly vantage: string;
  readonly lastOutcome: string;
  readonly lastProbedAt: string;
  readonly totals: VantagePoint;
  readonly series: readonly (VantagePoint & { readonly t: string })[];
}

export interface ConfigHistory {
  readonly fingerprint: string;
  readonly from: string;
  readonly to: string;
  readonly resolution: Resolution;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly protocol: string | null;
  readonly server: string | null;
  readonly port: number | null;
  /** The merged set's latest word on it; null when the merger never wrote about it. */
  readonly current: {
    readonly inMergedSet: boolean;
    readonly sources: readonly string[];
    readonly since: string;
  } | null;
  readonly totals: ConfigPoint;
  readonly series: readonly (ConfigPoint & { readonly t: string })[];
  /** Per vantage point that probed it in the range, by vantage id. */
  readonly vantages: readonly VantageHistory[];
  readonly sources: readonly {
    readonly sourceId: string;
    readonly firstSeen: string;
    readonly lastSeen: string;
    readonly fetches: number;
  }[];
}

export interface ConfigHistoryRows {
  readonly seen: readonly {
    readonly first_seen: string | number | null;
    readonly last_seen: string | number | null;
    readonly rows: string | number;
  }[];
  readonly identity: readonly { readonly protocol: string; readonly server: string; readonly port: number }[];
  readonly current: readonly {
    readonly deleted: boolean | number;
    readonly source_ids: readonly string[];
    readonly since: string | number;
  }[];
  readonly series: readonly ConfigSeriesRow[];
  readonly totals: readonly ConfigSeriesRow[];
  readonly vantageSeries: readonly ConfigVantageRow[];
  readonly vantageTotals: readonly ConfigVantageRow[];
  readonly sources: readonly {
    readonly source_id: string;
    readonly first_seen: string | number;
    readonly last_seen: string | number;
    readonly fetches: string | number;
  }[];
}

/** True when nothing at all is known about the fingerprint (a 404). */
export function configUnknown(rows: Pick<ConfigHistoryRows, 'seen' | 'identity' | 'current'>): boolean {
  return num(rows.seen[0]?.rows) === 0 && rows.identity.length === 0 && rows.current.length === 0;
}

function probePoint(
  row:
    | Pick<ConfigSeriesRow, 'probes' | 'probes_ok' | 'probes_inconclusive' | 'latency_ms' | 'latency_samples'>
    | undefined,
): ProbePoint {
  const probes = num(row?.probes);
  const probesOk = num(row?.probes_ok);
  const inconclusive = num(row?.probes_inconclusive);
  return {
    probes,
    probesOk,
    inconclusive,
    uptime: ratio(probesOk, probes - inconclusive),
    latencyMs: percentiles(row?.latency_ms, num(row?.latency_samples)),
  };
}

function configPoint(row: ConfigSeriesRow | undefined): ConfigPoint {
  return { sources: num(row?.sources), ...probePoint(row) };
}

function vantagePoint(row: ConfigVantageRow): VantagePoint {
  return { ...probePoint(row), connectMs: percentiles(row.connect_ms, num(row.connect_samples)) };
}

/** Vantages in id order, each with its range totals and its buckets (only those it probed in). */
function shapeVantages(
  totals: readonly ConfigVantageRow[],
  series: readonly ConfigVantageRow[],
): VantageHistory[] {
  return [...totals]
    .sort((a, b) => (a.vantage < b.vantage ? -1 : a.vantage > b.vantage ? 1 : 0))
    .map((row) => ({
      vantage: row.vantage,
      lastOutcome: row.last_outcome,
      lastProbedAt: iso(num(row.last_probed_at)),
      totals: vantagePoint(row),
      series: series
        .filter((r) => r.vantage === row.vantage)
        .map((r) => ({ t: iso(num(r.t)), ...vantagePoint(r) }))
        .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0)),
    }));
}

export function shapeConfigHistory(request: ConfigHistoryRequest, rows: ConfigHistoryRows): ConfigHistory {
  const seen = rows.seen[0];
  const first = numOrNull(seen?.first_seen);
  const last = numOrNull(seen?.last_seen);
  const identity = rows.identity[0];
  const current = rows.current[0];
  return {
    fingerprint: request.fingerprint,
    from: iso(request.range.from),
    to: iso(request.range.to),
    resolution: request.range.resolution,
    firstSeen: first === null ? null : iso(first),
    lastSeen: last === null ? null : iso(last),
    protocol: identity?.protocol ?? null,
    server: identity?.server ?? null,
    port: identity === undefined ? null : num(identity.port),
    current:
      current === undefined
        ? null
        : {
            inMergedSet: !current.deleted,
            sources: current.deleted ? [] : [...current.source_ids],
            since: iso(num(current.since)),
          },
    totals: configPoint(rows.totals[0]),
    series: rows.series.map((row) => ({ t: iso(num(row.t)), ...configPoint(row) })),
    vantages: shapeVantages(rows.vantageTotals, rows.vantageSeries),
    sources: rows.sources.map((r) => ({
      sourceId: r.source_id,
      firstSeen: iso(num(r.first_seen)),
      lastSeen: iso(num(r.last_seen)),
      fetches: num(r.fetches),
    })),
  };
}
