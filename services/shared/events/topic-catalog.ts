import type { EventTopic } from '../../generated/events.ts';

/**
 * Every topic of the pipeline with its Kafka settings. Topics are created from this table
 * (services/shared/kafka/topics.ts), never by auto-creation, so partitions and cleanup
 * policies are explicit and reviewed.
 *
 * Partition counts follow keys: topics keyed by source id share one count, topics keyed by
 * fingerprint share another, so a processor's input, outputs and changelogs are
 * co-partitioned and a partition's state moves with the partition on rebalance. Changing a
 * count reshuffles keys; it means new `.vN` topics, not an in-place edit.
 */

export const CLEANUP_POLICIES = { compact: 'compact', delete: 'delete' } as const;
export type CleanupPolicy = (typeof CLEANUP_POLICIES)[keyof typeof CLEANUP_POLICIES];

export const TOPIC_KEYS = {
  sourceId: 'sourceId',
  fingerprint: 'fingerprint',
  /** The id of the entity the value describes (a preset, an API key, an actor): small read-API topics. */
  entity: 'entity',
  any: 'any',
} as const;
export type TopicKey = (typeof TOPIC_KEYS)[keyof typeof TOPIC_KEYS];

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** What the record key is; `any` for DLQs, which keep the failed record's key. */
  readonly key: TopicKey;
  /** The Avro contract of the value (schemas/<schema>.avsc); null when the value is not a contract (DLQ, changelog). */
  readonly schema: EventTopic | null;
  /** Topic-level Kafka configs, as the broker reports them (strings). */
  readonly config: Readonly<Record<string, string>> & { readonly 'cleanup.policy': CleanupPolicy };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ms = (n: number): string => String(n);

/** Keyed by source id: catalog, fetches, snapshots, health. */
export const SOURCE_PARTITIONS = 6;
/** Keyed by fingerprint: observations, current, probes, scores. More keys, more parallelism. */
export const CONFIG_PARTITIONS = 12;
/** The raw topic carries compressed bodies; the broker default (1 MiB) is too small for big sources. */
export const RAW_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * Current-state topics: the latest value per key is the state. `segment.ms` closes segments
 * hourly so the cleaner can run at all (it never compacts the active segment);
 * `min.compaction.lag.ms` keeps every update readable for an hour, so the ClickHouse sink sees
 * each change, not just the survivor; tombstones stay a day so a restoring reader sees deletes.
 */
const compacted = <O extends Readonly<Record<string, string>>>(overrides: O = {} as O) =>
  ({
    'cleanup.policy': CLEANUP_POLICIES.compact,
    'segment.ms': ms(HOUR),
    'min.compaction.lag.ms': ms(HOUR),
    'delete.retention.ms': ms(DAY),
    'min.cleanable.dirty.ratio': '0.1',
    ...overrides,
  }) as const;

const retained = <O extends Readonly<Record<string, string>>>(retentionMs: number, overrides: O = {} as O) =>
  ({
    'cleanup.policy': CLEANUP_POLICIES.delete,
    'retention.ms': ms(retentionMs),
    ...overrides,
  }) as const;

export const TOPICS = {
  /** The sources catalog, event-sourced: key = source id, tombstone = removed. Fetchers restore it whole. */
  sourcesCatalog: {
    name: 'sources.catalog.v1',
    partitions: SOURCE_PARTITIONS,
    key: TOPIC_KEYS.sourceId,
    schema: 'sources.catalog.v1',
    // Fetchers read the whole table on start, so no lag is needed before compacting.
    config: compacted({ 'min.compaction.lag.ms': '0' }),
  },
  /** Every fetch attempt with the compressed body: the source of truth every derived topic is rebuilt from. */
  sourcesFetched: {
    name: 'sources.fetched.v1',
    partitions: SOURCE_PARTITIONS,
    key: TOPIC_KEYS.sourceId,
    schema: 'sources.fetched.v1',
    config: retained(30 * DAY, { 'max.message.bytes': String(RAW_MAX_MESSAGE_BYTES) }),
  },
  configsObserved: {
    name: 'configs.observed.v1',
    partitions: CONFIG_PARTITIONS,
    key: TOPIC_KEYS.fingerprint,
    schema: 'configs.observed.v1',
    config: retained(7 * DAY),
  },
  sourcesSnapshots: {
    name: 'sources.snapshots.v1',
    partitions: SOURCE_PARTITIONS,
    key: TOPIC_KEYS.sourceId,
    schema: 'sources.snapshots.v1',
    // Anomaly baselines are rebuilt from here; a month covers weekly patterns several times.
    config: retained(30 * DAY),
  },
  configsCurrent: {
    name: 'configs.current.v1',
    partitions: CONFIG_PARTITIONS,
    key: TOPIC_KEYS.fingerprint,
    schema: 'configs.current.v1',
    config: compacted(),
  },
  configsProbed: {
    name: 'configs.probed.v1',
    partitions: CONFIG_PARTITIONS,
    key: TOPIC_KEYS.fingerprint,
    schema: 'configs.probed.v1',
    config: retained(7 * DAY),
  },
  configsScored: {
    name: 'configs.scored.v1',
    partitions: CONFIG_PARTITIONS,
    key: TOPIC_KEYS.fingerprint,
    schema: 'configs.scored.v1',
    config: compacted(),
  },
  sourcesHealth: {
    name: 'sources.health.v1',
    partitions: SOURCE_PARTITIONS,
    key: TOPIC_KEYS.sourceId,
    schema: 'sources.health.v1',
    config: compacted(),
  },
  sourcesAnomalies: {
    name: 'sources.anomalies.v1',
    partitions: SOURCE_PARTITIONS,
    key: TOPIC_KEYS.sourceId,
    schema: 'sources.anomalies.v1',
    config: retained(90 * DAY),
  },
  /** Operator commands (fetch now, replay) from the read API's admin routes; key = source id or `*`. */
  sourcesCommands: {
    name: 'sources.commands.v1',
    partitions: SOURCE_PARTITIONS,
    key: TOPIC_KEYS.sourceId,
    schema: 'sources.commands.v1',
    config: retained(7 * DAY),
  },
  /**
   * Read-API state every replica materializes whole: share-link presets, access counts and API
   * keys. Tiny and rarely written, so one partition keeps a total order.
   */
  readApiPresets: {
    name: 'read-api.presets.v1',
    partitions: 1,
    key: TOPIC_KEYS.entity,
    schema: 'read-api.presets.v1',
    config: compacted({ 'min.compaction.lag.ms': '0' }),
  },
  readApiPresetAccesses: {
    name: 'read-api.preset-accesses.v1',
    partitions: 1,
    key: TOPIC_KEYS.entity,
    schema: 'read-api.preset-accesses.v1',
    config: compacted({ 'min.compaction.lag.ms': '0' }),
  },
  readApiKeys: {
    name: 'read-api.keys.v1',
    partitions: 1,
    key: TOPIC_KEYS.entity,
    schema: 'read-api.keys.v1',
    config: compacted({ 'min.compaction.lag.ms': '0' }),
  },
  /** Every admin action, kept a year for audits. */
  adminAudit: {
    name: 'admin.audit.v1',
    partitions: 1,
    key: TOPIC_KEYS.entity,
    schema: 'admin.audit.v1',
    config: retained(365 * DAY),
  },
  dlqParser: dlqSpec('parser', SOURCE_PARTITIONS),
  dlqMerger: dlqSpec('merger', CONFIG_PARTITIONS),
  dlqAnomaly: dlqSpec('anomaly', SOURCE_PARTITIONS),
  dlqScorer: dlqSpec('scorer', CONFIG_PARTITIONS),
  /**
   * The ClickHouse sink's (services/sink): undecodable records and rows ClickHouse refused. It
   * reads topics of both key kinds; the larger count gives every input partition its own.
   */
  dlqSink: dlqSpec('clickhouse-sink', CONFIG_PARTITIONS),
} as const satisfies Record<string, TopicSpec>;

export type TopicId = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicId]['name'];

/**
 * A processor's dead-letter topic, `dlq.<processor>.v1` (the name the processor contract
 * uses). The value is the failed record's bytes, untouched; headers name its origin.
 * Partitioned like the processor's input so a DLQ record keeps its key's partition.
 */
export function dlqSpec<P extends string>(processor: P, partitions: number) {
  return {
    name: `dlq.${processor}.v1`,
    partitions,
    key: TOPIC_KEYS.any,
    schema: null,
    config: retained(14 * DAY, { 'max.message.bytes': String(RAW_MAX_MESSAGE_BYTES) }),
  } as const satisfies TopicSpec;
}

/**
 * The compacted changelog backing one keyed state store, `<processor>.<store>.changelog.v1`
 * (the name the processor contract uses). It has the input topic's partition count, because
 * store keys derive from input keys. No lag before compaction: restores want only the latest
 * value per key, as fast as possible.
 */
export function changelogSpec(
  processor: string,
  store: string,
  input: Pick<TopicSpec, 'partitions' | 'key'>,
): TopicSpec {
  return {
    name: `${processor}.${store}.changelog.v1`,
    partitions: input.partitions,
    key: input.key,
    schema: null,
    config: compacted({ 'min.compaction.lag.ms': '0' }),
  };
}

export interface TopicSpecOptions {
  /**
   * Prepended to every name (schemas are unchanged): isolates test runs on a shared broker,
   * and lets a replay run write into a parallel set of topics.
   */
  readonly prefix?: string;
}

/** The whole catalogue as a list, optionally renamed with a prefix. */
export function topicSpecs({ prefix = '' }: TopicSpecOptions = {}): readonly TopicSpec[] {
  return Object.values(TOPICS).map((spec) => withPrefix(spec, prefix));
}

export function withPrefix(spec: TopicSpec, prefix: string): TopicSpec {
  return prefix === '' ? spec : { ...spec, name: `${prefix}${spec.name}` };
}

/** The registry subject of a topic's value (TopicNameStrategy). */
export function valueSubject(topicName: string): string {
  return `${topicName}-value`;
}
