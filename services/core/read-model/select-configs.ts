import type { SourceCatalogEntry } from '../../generated/events.ts';
import { fingerprint as fingerprintOf } from '../identity/fingerprint.ts';
import { FINGERPRINT_POLICY_LIST } from '../identity/fingerprint-policy.ts';
import type { FingerprintPolicy } from '../identity/fingerprint-policy.ts';
import { configOf } from './config-entry.ts';
import type { ConfigEntry, ScoreInfo } from './config-entry.ts';
import { SORT_KEYS } from './subscription-query.ts';
import type { SelectionQuery, SortKey } from './subscription-query.ts';

/** What a selection reads from the materialized state. */
export interface SelectionSource {
  configList(): readonly ConfigEntry[];
  score(fingerprint: string): ScoreInfo | undefined;
  sources(): ReadonlyMap<string, SourceCatalogEntry>;
}

export interface SelectOptions {
  /** When set, a `limit` counts only configs this returns true for (the target can express them). */
  readonly accepts?: (entry: ConfigEntry) => boolean;
}

/**
 * The configs a query selects, in its order: filters, then sort, then the optional coarser
 * dedupe (keeping the first of each identity in sort order, so `sort=score` keeps the best
 * variant), then the limit. Pure and deterministic for a given state.
 */
export function selectConfigs(
  state: SelectionSource,
  query: SelectionQuery,
  options: SelectOptions = {},
): ConfigEntry[] {
  const matches = filterFor(state, query);
  const selected: ConfigEntry[] = [];
  for (const entry of state.configList()) if (matches(entry)) selected.push(entry);
  if (query.sort !== SORT_KEYS.fingerprint) selected.sort(comparatorFor(query.sort, state));
  const folded = query.dedupe === null ? selected : foldCoarser(selected, query.dedupe);
  if (query.limit === null && options.accepts === undefined) return folded;
  const out: ConfigEntry[] = [];
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  for (const entry of folded) {
    if (out.length >= limit) break;
    if (options.accepts === undefined || options.accepts(entry)) out.push(entry);
  }
  return out;
}

/** The predicate of a query's filters; checks are ordered cheapest first. */
export function filterFor(state: SelectionSource, query: SelectionQuery): (entry: ConfigEntry) => boolean {
  const protocols = query.protocols === null ? null : new Set<string>(query.protocols);
  const countries = query.countries === null ? null : new Set(query.countries);
  const sources = query.sources === null ? null : new Set(query.sources);
  const tierSources = query.tiers === null ? null : sourcesInTiers(state.sources(), new Set(query.tiers));
  const { minScore, include, exclude } = query;
  return (entry) => {
    if (protocols !== null && !protocols.has(entry.protocol)) return false;
    if (countries !== null && (entry.country === null || !countries.has(entry.country))) return false;
    if (sources !== null && !entry.sources.some((s) => sources.has(s.sourceId))) return false;
    if (tierSources !== null && !entry.sources.some((s) => tierSources.has(s.sourceId))) return false;
    if (minScore !== null) {
      const score = state.score(entry.fingerprint);
      if (score === undefined || score.score < minScore) return false;
    }
    if (include !== null && !include.test(entry.name)) return false;
    if (exclude !== null && exclude.test(entry.name)) return false;
    return true;
  };
}

function sourcesInTiers(
  catalog: ReadonlyMap<string, SourceCatalogEntry>,
  tiers: ReadonlySet<string>,
): Set<string> {
  const ids = new Set<string>();
  for (const [id, entry] of catalog) if (tiers.has(entry.tier)) ids.add(id);
  return ids;
}

const byFingerprint = (a: ConfigEntry, b: ConfigEntry): number =>
  a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;

function comparatorFor(sort: SortKey, state: SelectionSource): (a: ConfigEntry, b: ConfigEntry) => number {
  const then =
    (primary: (a: ConfigEntry, b: ConfigEntry) => number) =>
    (a: ConfigEntry, b: ConfigEntry): number =>
      primary(a, b) || byFingerprint(a, b);
  // Missing values sort last whatever the direction.
  const missingLast = (x: number | null, y: number | null, descending: boolean): number => {
    if (x === null) return y === null ? 0 : 1;
    if (y === null) return -1;
    return descending ? y - x : x - y;
  };
  switch (sort) {
    case SORT_KEYS.score:
      return then((a, b) =>
        missingLast(
          state.score(a.fingerprint)?.score ?? null,
          state.score(b.fingerprint)?.score ?? null,
          true,
        ),
      );
    case SORT_KEYS.latency:
      return then((a, b) =>
        missingLast(
          state.score(a.fingerprint)?.lastProbeLatencyMs ?? null,
          state.score(b.fingerprint)?.lastProbeLatencyMs ?? null,
          false,
        ),
      );
    case SORT_KEYS.name: {
      // Lower-cased names live only for the sort: keeping one per config would cost memory.
      const lower = new Map<ConfigEntry, string>();
      const key = (e: ConfigEntry): string => {
        let k = lower.get(e);
        if (k === undefined) lower.set(e, (k = e.name.toLowerCase()));
        return k;
      };
      return then((a, b) => {
        const x = key(a);
        const y = key(b);
        return x < y ? -1 : x > y ? 1 : 0;
      });
    }
    case SORT_KEYS.newest:
      return then((a, b) => b.firstSeen - a.firstSeen);
    case SORT_KEYS.recent:
      return then((a, b) => b.lastSeen - a.lastSeen);
    case SORT_KEYS.sources:
      return then((a, b) => b.sources.length - a.sources.length);
    case SORT_KEYS.fingerprint:
      return byFingerprint;
  }
}

/** True when `wanted` folds more configs together than `held` (endpoint < credential < full). */
export function isCoarser(wanted: FingerprintPolicy, held: string): boolean {
  const rank = (p: string): number => FINGERPRINT_POLICY_LIST.indexOf(p as FingerprintPolicy);
  const heldRank = rank(held);
  return heldRank >= 0 && rank(wanted) < heldRank;
}

/**
 * Folds entries that are one config under a coarser policy than the pipeline merged with;
 * the first of each identity (in the selection's order) stays. A policy as fine as or finer
 * than the pipeline's changes nothing: merged configs cannot be split again here.
 */
function foldCoarser(entries: readonly ConfigEntry[], policy: FingerprintPolicy): ConfigEntry[] {
  const seen = new Set<string>();
  const out: ConfigEntry[] = [];
  for (const entry of entries) {
    if (!isCoarser(policy, entry.fingerprintPolicy)) {
      out.push(entry);
      continue;
    }
    const identity = `${policy}:${fingerprintOf(configOf(entry), policy)}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    out.push(entry);
  }
  return out;
}
