import type {
  ApiKey,
  ConfigCurrent,
  ConfigScored,
  PresetAccessCount,
  SourceCatalogEntry,
  SourceHealth,
  SourceSnapshot,
  SubscriptionPreset,
} from '../../generated/events.ts';
import { createIntern, createWeightsIntern, toConfigEntry, toScoreInfo } from './config-entry.ts';
import type { ConfigEntry, EntryProblem, ScoreInfo } from './config-entry.ts';
import { READ_TOPIC_KINDS, RENDER_AFFECTING_KINDS } from './read-topics.ts';
import type { ReadTopicKind } from './read-topics.ts';

export const APPLY_OUTCOMES = { changed: 'changed', unchanged: 'unchanged', rejected: 'rejected' } as const;
export type ApplyOutcome =
  | { readonly outcome: 'changed' | 'unchanged' }
  | { readonly outcome: 'rejected'; readonly problem: EntryProblem | 'NOT_AN_EVENT' };

/** Key of a preset access counter: `<preset id>/<instance>`. */
export function presetAccessKey(presetId: string, instance: string): string {
  return `${presetId}/${instance}`;
}

export interface ReadState {
  /** Bumped by every change that can alter a rendered subscription: part of every cache key. */
  readonly generation: number;
  /** Bumped by every applied change of any kind. */
  readonly changes: number;
  apply(kind: ReadTopicKind, key: string | null, value: unknown): ApplyOutcome;

  configCount(): number;
  config(fingerprint: string): ConfigEntry | undefined;
  /** Every config, sorted by fingerprint (a stable order every replica agrees on). Do not mutate. */
  configList(): readonly ConfigEntry[];
  score(fingerprint: string): ScoreInfo | undefined;

  sources(): ReadonlyMap<string, SourceCatalogEntry>;
  health(sourceId: string): SourceHealth | undefined;
  snapshot(sourceId: string): SourceSnapshot | undefined;
  /** Every source id known from any source topic (catalog, health, snapshots), sorted. */
  sourceIds(): readonly string[];
  /** Configs each source currently carries. */
  configsPerSource(): ReadonlyMap<string, number>;

  presets(): ReadonlyMap<string, SubscriptionPreset>;
  presetByTokenHash(tokenSha256: string): SubscriptionPreset | undefined;
  /** Accesses of a preset summed over every instance that served it. */
  presetAccesses(presetId: string): number;
  /** Accesses one instance published for a preset. */
  presetAccessesBy(presetId: string, instance: string): number;

  apiKeys(): ReadonlyMap<string, ApiKey>;
}

/**
 * The read API's materialized view: the latest value per key of each topic it reads, folded in
 * record order. Pure (no I/O); the materializer feeds it and the routes query it. Every topic is
 * last-value-per-key, so re-applying a few records (the consumer starts where the catch-up read
 * started its last pass) converges on the same state.
 */
export interface ReadStateOptions {
  /**
   * The log keeps every applied value in memory (the embedded mode's in-process log): entries
   * reference the events' parts instead of copying them.
   */
  readonly valuesHeldByLog?: boolean;
}

export function createReadState({ valuesHeldByLog = false }: ReadStateOptions = {}): ReadState {
  const configs = new Map<string, ConfigEntry>();
  const scores = new Map<string, ScoreInfo>();
  const catalog = new Map<string, SourceCatalogEntry>();
  const health = new Map<string, SourceHealth>();
  const snapshots = new Map<string, SourceSnapshot>();
  const presets = new Map<string, SubscriptionPreset>();
  const presetByToken = new Map<string, string>();
  const accesses = new Map<string, Map<string, number>>();
  const apiKeys = new Map<string, ApiKey>();
  const intern = createIntern();
  const internWeights = createWeightsIntern();
  let generation = 0;
  let changes = 0;
  let list: ConfigEntry[] | null = [];
  let perSource: Map<string, number> | null = null;
  let ids: string[] | null = null;

  const changed = (kind: ReadTopicKind): ApplyOutcome => {
    changes += 1;
    if (RENDER_AFFECTING_KINDS.has(kind)) generation += 1;
    return { outcome: APPLY_OUTCOMES.changed };
  };
  const unchanged: ApplyOutcome = { outcome: APPLY_OUTCOMES.unchanged };
  const notAnEvent: ApplyOutcome = { outcome: APPLY_OUTCOMES.rejected, problem: 'NOT_AN_EVENT' };

  const upsertOrDelete = <V>(
    map: Map<string, V>,
    kind: ReadTopicKind,
    key: string,
    value: V | null,
  ): ApplyOutcome => {
    if (value === null) {
      if (!map.delete(key)) return unchanged;
      ids = null;
      return changed(kind);
    }
    if (!map.has(key)) ids = null;
    map.set(key, value);
    return changed(kind);
  };

  const apply = (kind: ReadTopicKind, key: string | null, value: unknown): ApplyOutcome => {
    if (value !== null && !isEvent(value)) return notAnEvent;
    const recordKey = key ?? keyOf(kind, value);
    if (recordKey === null) return notAnEvent;

    switch (kind) {
      case READ_TOPIC_KINDS.current: {
        if (value === null) {
          if (!configs.delete(recordKey)) return unchanged;
          list = null;
          perSource = null;
          return changed(kind);
        }
        const entry = toConfigEntry(recordKey, value as ConfigCurrent, { intern, valuesHeldByLog });
        if (typeof entry === 'string') return { outcome: APPLY_OUTCOMES.rejected, problem: entry };
        if (!configs.has(recordKey)) list = null;
        else if (list !== null) {
          // Same membership: swap the entry in place so the sorted list stays valid.
          const at = indexOf(list, recordKey);
          if (at >= 0) list[at] = entry;
          else list = null;
        }
        configs.set(recordKey, entry);
        perSource = null;
        return changed(kind);
      }
      case READ_TOPIC_KINDS.scored:
        return upsertOrDelete(
          scores,
          kind,
          recordKey,
          value === null ? null : toScoreInfo(value as ConfigScored, internWeights),
        );
      case READ_TOPIC_KINDS.catalog:
        return upsertOrDelete(catalog, kind, recordKey, value as SourceCatalogEntry | null);
      case READ_TOPIC_KINDS.health:
        return upsertOrDelete(health, kind, recordKey, value as SourceHealth | null);
      case READ_TOPIC_KINDS.snapshots:
        return upsertOrDelete(snapshots, kind, recordKey, value as SourceSnapshot | null);
      case READ_TOPIC_KINDS.presets: {
        const before = presets.get(recordKey);
        if (before !== undefined) presetByToken.delete(before.tokenSha256);
        const preset = value as SubscriptionPreset | null;
        if (preset !== null) presetByToken.set(preset.tokenSha256, recordKey);
        return upsertOrDelete(presets, kind, recordKey, preset);
      }
      case READ_TOPIC_KINDS.presetAccesses: {
        const slash = recordKey.lastIndexOf('/');
        if (slash <= 0) return notAnEvent;
        const presetId = recordKey.slice(0, slash);
        const instance = recordKey.slice(slash + 1);
        const counts = accesses.get(presetId) ?? new Map<string, number>();
        if (value === null) counts.delete(instance);
        // Running counts only grow: an older count arriving late never lowers the total.
        else counts.set(instance, Math.max(counts.get(instance) ?? 0, (value as PresetAccessCount).accesses));
        if (counts.size === 0) accesses.delete(presetId);
        else accesses.set(presetId, counts);
        return changed(kind);
      }
      case READ_TOPIC_KINDS.apiKeys:
        return upsertOrDelete(apiKeys, kind, recordKey, value as ApiKey | null);
    }
  };

  const configList = (): readonly ConfigEntry[] => {
    list ??= [...configs.values()].sort((a, b) =>
      a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0,
    );
    return list;
  };

  return {
    get generation() {
      return generation;
    },
    get changes() {
      return changes;
    },
    apply,
    configCount: () => configs.size,
    config: (fingerprint) => configs.get(fingerprint),
    configList,
    score: (fingerprint) => scores.get(fingerprint),
    sources: () => catalog,
    health: (id) => health.get(id),
    snapshot: (id) => snapshots.get(id),
    sourceIds() {
      ids ??= [...new Set([...catalog.keys(), ...health.keys(), ...snapshots.keys()])].sort();
      return ids;
    },
    configsPerSource() {
      if (perSource === null) {
        perSource = new Map();
        for (const entry of configs.values()) {
          for (const s of entry.sources) perSource.set(s.sourceId, (perSource.get(s.sourceId) ?? 0) + 1);
        }
      }
      return perSource;
    },
    presets: () => presets,
    presetByTokenHash(tokenSha256) {
      const id = presetByToken.get(tokenSha256);
      return id === undefined ? undefined : presets.get(id);
    },
    presetAccesses(presetId) {
      let total = 0;
      for (const n of accesses.get(presetId)?.values() ?? []) total += n;
      return total;
    },
    presetAccessesBy: (presetId, instance) => accesses.get(presetId)?.get(instance) ?? 0,
    apiKeys: () => apiKeys,
  };
}

function indexOf(list: readonly ConfigEntry[], fingerprint: string): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = (list[mid] as ConfigEntry).fingerprint;
    if (at === fingerprint) return mid;
    if (at < fingerprint) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function isEvent(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const metadata = (value as { metadata?: unknown }).metadata;
  return (
    metadata !== null &&
    typeof metadata === 'object' &&
    typeof (metadata as { eventId?: unknown }).eventId === 'string'
  );
}

/** A record without a key (never on our compacted topics, but cheap to tolerate): its id field. */
function keyOf(kind: ReadTopicKind, value: unknown): string | null {
  if (value === null) return null;
  const v = value as Record<string, unknown>;
  const field =
    kind === READ_TOPIC_KINDS.current || kind === READ_TOPIC_KINDS.scored
      ? v['fingerprint']
      : kind === READ_TOPIC_KINDS.presetAccesses
        ? typeof v['presetId'] === 'string' && typeof v['instance'] === 'string'
          ? presetAccessKey(v['presetId'], v['instance'])
          : null
        : kind === READ_TOPIC_KINDS.presets ||
            kind === READ_TOPIC_KINDS.catalog ||
            kind === READ_TOPIC_KINDS.apiKeys
          ? v['id']
          : v['sourceId'];
  return typeof field === 'string' ? field : null;
}
