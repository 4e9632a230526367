import type { BuiltQuery } from './built-query.ts';
import type { OverviewInput } from './analytics-inputs.ts';
import { DAYS_IN_RANGE, dayBucketSql, rangeParams, resolveRange } from './time-range.ts';
import type { TimeRange } from './time-range.ts';
import { iso, num, ratio } from './values.ts';

/**
 * GET /analytics/overview: totals, the protocol mix over time, top and bottom sources by
 * reliability and by unique contribution, and duplicate ratios between sources (who mirrors
 * whom). Everything comes from daily rollups (source_daily, protocol_daily and
 * config_sources_daily: one row per day, config and source), never from the raw observations;
 * so the overview answers for the whole days its range touches.
 */

export interface OverviewRequest {
  readonly range: TimeRange & { readonly resolution: 'day' | 'week' };
  readonly limit: number;
  readonly minFetches: number;
}

export function overviewRequest(input: OverviewInput, now: number): OverviewRequest {
  const range = resolveRange(input, now, ['day', 'week']);
  return {
    range: { ...range, resolution: range.resolution === 'week' ? 'week' : 'day' },
    limit: input.limit,
    minFetches: input.minFetches,
  };
}

export function protocolMixQuery(request: OverviewRequest): BuiltQuery {
  return {
    sql: `
SELECT
    toUnixTimestamp(${dayBucketSql(request.range.resolution)}) * 1000 AS t,
    protocol,
    uniqMerge(configs) AS configs,
    uniqMerge(sources) AS sources
FROM protocol_daily
WHERE ${DAYS_IN_RANGE}
GROUP BY t, protocol
ORDER BY t, configs DESC, protocol`,
    params: rangeParams(request.range),
  };
}

/**
 * Every source active in the days of the range with its fetches, failures and snapshots (a few
 * thousand rows at most), from source_daily: the totals are their sums (an event id belongs to
 * one source, so summing per-source distinct counts counts each event once), the rankings are
 * sorted in shapeOverview.
 */
export function sourceActivityQuery(request: OverviewRequest): BuiltQuery {
  return {
    sql: `
SELECT
    source_id,
    length(groupUniqArrayArray(fetch_ids)) AS fetches,
    length(groupUniqArrayArray(failure_ids)) AS failures,
    length(groupUniqArrayArray(snapshot_ids)) AS snapshots
FROM source_daily
WHERE ${DAYS_IN_RANGE}
GROUP BY source_id
LIMIT 100000`,
    params: rangeParams(request.range),
  };
}

/**
 * One pass over config_sources_daily answers both cross-source questions. Per source: distinct
 * configs carried in the range, how many of them no other source carried (its unique
 * contribution), and its `limit` strongest partners: the sources sharing most of its configs,
 * with how many. Every row also carries the range's number of distinct configs.
 *
 * Mirror ratios (shared / the source's configs) rank a source's partners as their shared
 * counts do, so the global top pairs are among the per-source tops; shapeOverview ranks them.
 */
export function sourceOverlapQuery(request: OverviewRequest): BuiltQuery {
  return {
    sql: `
SELECT
    source_id,
    configs,
    unique_configs,
    distinct_configs,
    arraySlice(arraySort(p -> (-toInt64(p.2), p.1), arrayZip(partners.1, partners.2)), 1, {limit:UInt32}) AS partners
FROM
(
    SELECT
        source_id,
        count() AS configs,
        countIf(length(carried_by) = 1) AS unique_configs,
        any(distinct_configs) AS distinct_configs,
        sumMap(arrayFilter(s -> s != source_id, carried_by) AS others, arrayMap(s -> toUInt64(1), others)) AS partners
    FROM
    (
        SELECT groupUniqArray(toString(source_id)) AS carried_by, count() OVER () AS distinct_configs
        FROM config_sources_daily
        WHERE ${DAYS_IN_RANGE}
        GROUP BY fingerprint
    )
    ARRAY JOIN carried_by AS source_id
    GROUP BY source_id
)
LIMIT 100000`,
    params: { ...rangeParams(request.range), limit: request.limit },
  };
}

/**
 * Each source's health at its last change in the days of the range (the detector's composite
 * reliability: fetch success, probe pass rate, unique contribution, freshness), for the
 * reliability-score rankings, from the source_health_daily rollup (a row per source-day).
 * Sources without a change in those days, removed by a tombstone, or without a reliability yet
 * are left out.
 */
export function sourceStandingQuery(request: OverviewRequest): BuiltQuery {
  return {
    sql: `
SELECT source_id, reliability, status, demoted, mirror_of
FROM
(
    SELECT
        source_id,
        argMaxMerge(reliability) AS reliability,
        argMaxMerge(status) AS status,
        argMaxMerge(demoted) AS demoted,
        argMaxMerge(mirror_of) AS mirror_of,
        argMaxMerge(deleted) AS deleted
    FROM source_health_daily
    WHERE ${DAYS_IN_RANGE}
    GROUP BY source_id
)
WHERE NOT deleted AND reliability IS NOT NULL
LIMIT 100000`,
    params: rangeParams(request.range),
  };
}

type Num = string | number;

export interface OverviewRows {
  readonly protocols: readonly {
    readonly t: Num;
    readonly protocol: string;
    readonly configs: Num;
    readonly sources: Num;
  }[];
  readonly activity: readonly {
    readonly source_id: string;
    readonly fetches: Num;
    readonly failures: Num;
    readonly snapshots: Num;
  }[];
  readonly overlap: readonly {
    readonly source_id: string;
    readonly configs: Num;
    readonly unique_configs: Num;
    readonly distinct_configs: Num;
    /** [other source, configs shared], strongest first. */
    readonly partners: readonly (readonly [string, Num])[];
  }[];
  readonly standing: readonly {
    readonly source_id: string;
    readonly reliability: number;
    readonly status: string;
    readonly demoted: boolean | number;
    readonly mirror_of: string;
  }[];
}

export interface SourceStanding {
  readonly sourceId: string;
  /** The detector's reliability in [0, 1], as of the source's last health change in the range. */
  readonly reliability: number;
  readonly status: string;
  readonly demoted: boolean;
  readonly mirrorOf: string | null;
}

export interface SourceReliability {
  readonly sourceId: string;
  readonly fetches: number;
  readonly failures: number;
  readonly successRate: number;
}

export interface SourceContribution {
  readonly sourceId: string;
  /** Distinct configs it carried in the range. */
  readonly configs: number;
  /** Of those, carried by no other source in the range. */
  readonly uniqueConfigs: number;
  /** 1 - uniqueConfigs / configs: the share of its configs someone else also carries. */
  readonly duplicateRatio: number;
}

export interface Overview {
  readonly from: string;
  readonly to: string;
  readonly resolution: 'day' | 'week';
  readonly totals: {
    readonly sources: number;
    readonly fetches: number;
    readonly failures: number;
    readonly successRate: number | null;
    readonly snapshots: number;
    /** Distinct configs seen in the range. */
    readonly configs: number;
    /** Source-config pairs: how many configs the sources carry together, duplicates included. */
    readonly carried: number;
    /** 1 - configs / carried: the share of all carried configs that are copies. */
    readonly duplicateRatio: number | null;
  };
  readonly protocolMix: readonly {
    readonly t: string;
    readonly configs: number;
    readonly protocols: Readonly<Record<string, number>>;
  }[];
  readonly reliability: {
    readonly top: readonly SourceReliability[];
    readonly bottom: readonly SourceReliability[];
  };
  readonly uniqueContribution: {
    readonly top: readonly SourceContribution[];
    readonly bottom: readonly SourceContribution[];
  };
  /** By the detector's composite reliability (reliability ranks by fetch success alone). */
  readonly reliabilityScore: {
    readonly top: readonly SourceStanding[];
    readonly bottom: readonly SourceStanding[];
  };
  readonly mirrors: readonly {
    readonly sourceId: string;
    readonly otherId: string;
    readonly shared: number;
    readonly configs: number;
    readonly ratio: number;
  }[];
}

const byId = (a: { sourceId: string }, b: { sourceId: string }): number =>
  a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0;

/** Pure: rankings with deterministic tie-breaks (more evidence first, then the id). */
export function shapeOverview(request: OverviewRequest, rows: OverviewRows): Overview {
  const activity = rows.activity.map((r) => ({
    sourceId: r.source_id,
    fetches: num(r.fetches),
    failures: num(r.failures),
    snapshots: num(r.snapshots),
  }));
  const sum = (pick: (a: (typeof activity)[number]) => number): number =>
    activity.reduce((t, a) => t + pick(a), 0);
  const fetches = sum((a) => a.fetches);
  const failures = sum((a) => a.failures);
  const configs = num(rows.overlap[0]?.distinct_configs);

  const mix = new Map<number, { configs: number; protocols: Record<string, number> }>();
  for (const r of rows.protocols) {
    const t = num(r.t);
    const entry = mix.get(t) ?? { configs: 0, protocols: {} };
    entry.protocols[r.protocol] = num(r.configs);
    entry.configs += num(r.configs);
    mix.set(t, entry);
  }

  // Sources with too few fetches in the range say little about their reliability.
  const reliability: SourceReliability[] = activity
    .filter((a) => a.fetches > 0 && a.fetches >= request.minFetches)
    .map(({ sourceId, fetches: f, failures: x }) => ({
      sourceId,
      fetches: f,
      failures: x,
      successRate: (f - x) / f,
    }));
  const best = [...reliability].sort(
    (a, b) => b.successRate - a.successRate || b.fetches - a.fetches || byId(a, b),
  );
  const worst = [...reliability].sort(
    (a, b) => a.successRate - b.successRate || b.fetches - a.fetches || byId(a, b),
  );

  const contribution: SourceContribution[] = rows.overlap.map((r) => {
    const c = num(r.configs);
    const u = num(r.unique_configs);
    return { sourceId: r.source_id, configs: c, uniqueConfigs: u, duplicateRatio: c > 0 ? 1 - u / c : 0 };
  });
  const most = [...contribution].sort(
    (a, b) => b.uniqueConfigs - a.uniqueConfigs || b.configs - a.configs || byId(a, b),
  );
  const least = [...contribution].sort(
    (a, b) => a.uniqueConfigs - b.uniqueConfigs || b.configs - a.configs || byId(a, b),
  );
  const carried = contribution.reduce((sum, c) => sum + c.configs, 0);

  const standing: SourceStanding[] = rows.standing.map((r) => ({
    sourceId: r.source_id,
    reliability: num(r.reliability),
    status: r.status,
    demoted: Boolean(r.demoted),
    mirrorOf: r.mirror_of === '' ? null : r.mirror_of,
  }));
  const strongest = [...standing].sort((a, b) => b.reliability - a.reliability || byId(a, b));
  const weakest = [...standing].sort((a, b) => a.reliability - b.reliability || byId(a, b));

  return {
    from: iso(request.range.from),
    to: iso(request.range.to),
    resolution: request.range.resolution,
    totals: {
      sources: activity.length,
      fetches,
      failures,
      successRate: ratio(fetches - failures, fetches),
      snapshots: sum((a) => a.snapshots),
      configs,
      carried,
      duplicateRatio: carried > 0 ? 1 - configs / carried : null,
    },
    protocolMix: [...mix]
      .sort(([a], [b]) => a - b)
      .map(([t, v]) => ({ t: iso(t), configs: v.configs, protocols: v.protocols })),
    reliability: { top: best.slice(0, request.limit), bottom: worst.slice(0, request.limit) },
    uniqueContribution: { top: most.slice(0, request.limit), bottom: least.slice(0, request.limit) },
    reliabilityScore: { top: strongest.slice(0, request.limit), bottom: weakest.slice(0, request.limit) },
    mirrors: rows.overlap
      .flatMap((r) =>
        r.partners.map(([otherId, shared]) => ({
          sourceId: r.source_id,
          otherId,
          shared: num(shared),
          configs: num(r.configs),
          ratio: num(shared) / num(r.configs),
        })),
      )
      .sort(
        (a, b) =>
          b.ratio - a.ratio ||
          b.shared - a.shared ||
          byId(a, b) ||
          (a.otherId < b.otherId ? -1 : a.otherId > b.otherId ? 1 : 0),
      )
      .slice(0, request.limit),
  };
}
