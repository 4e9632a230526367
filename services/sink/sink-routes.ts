import type { EventTopic, EventValueByTopic } from '../generated/events.ts';
import { FIRST_VERSION, isTopicVersion } from '../core/processors/pipeline-topics.ts';
import { dlqSpec, TOPICS } from '../shared/events/topic-catalog.ts';
import type { TopicSpec } from '../shared/events/topic-catalog.ts';
import {
  anomalyRow,
  currentChangeRow,
  fetchEventRow,
  healthRow,
  observationRow,
  probeRow,
  scoreRow,
  snapshotRow,
} from './event-rows.ts';
import type { RecordPosition, RowResult } from './event-rows.ts';

/** One topic the sink reads and the table its events become rows of. */
export interface SinkRoute {
  /** The topic as named in this deployment (prefix, generation), with its catalogue settings. */
  readonly spec: TopicSpec;
  readonly topic: string;
  readonly table: string;
  toRow(value: unknown, position: RecordPosition, time: (epochMs: number) => string): RowResult;
}

type Mapper<T extends EventTopic> = (
  value: EventValueByTopic[T] | null,
  position: RecordPosition,
  time: (epochMs: number) => string,
) => RowResult;

export interface SinkTopicOptions {
  /** Prepended to every topic name (isolated topic sets on a shared broker). */
  readonly prefix?: string;
  /** Generation of the derived topics (v1, v2, ...); the raw topic keeps its name. */
  readonly version?: string;
}

/**
 * Every pipeline topic the sink writes to ClickHouse. The catalog topic is left out: it is
 * configuration, not history. Names follow the pipeline's rule (services/core/processors/
 * pipeline-topics.ts): a prefix on every topic, the generation on derived topics only. Tables
 * keep their names; a generation rebuilt side by side belongs in its own database.
 */
export function sinkRoutes({
  prefix = '',
  version = FIRST_VERSION,
}: SinkTopicOptions = {}): readonly SinkRoute[] {
  if (!isTopicVersion(version)) throw new RangeError(`not a topic version (v1, v2, ...): ${version}`);
  const route = <T extends EventTopic>(
    spec: TopicSpec & { readonly schema: T },
    table: string,
    map: Mapper<T>,
    derived = true,
  ): SinkRoute => {
    const name = `${prefix}${derived ? spec.name.replace(/\.v1$/, `.${version}`) : spec.name}`;
    return {
      spec: { ...spec, name },
      topic: name,
      table,
      // The event log hands values over untyped; the topic's codec decoded them with its schema.
      toRow: (value, position, time) => map(value as EventValueByTopic[T] | null, position, time),
    };
  };
  return [
    route(TOPICS.sourcesFetched, 'fetch_events', fetchEventRow, false),
    route(TOPICS.sourcesSnapshots, 'source_snapshots', snapshotRow),
    route(TOPICS.configsObserved, 'config_observations', observationRow),
    route(TOPICS.configsCurrent, 'config_current_changes', currentChangeRow),
    route(TOPICS.configsProbed, 'config_probes', probeRow),
    route(TOPICS.configsScored, 'config_scores', scoreRow),
    route(TOPICS.sourcesHealth, 'source_health', healthRow),
    route(TOPICS.sourcesAnomalies, 'source_anomalies', anomalyRow),
  ];
}

/** The sink's consumer group (and DLQ/transactional-id stem) for one deployment and generation. */
export function sinkGroup(
  name: string,
  { prefix = '', version = FIRST_VERSION }: SinkTopicOptions = {},
): string {
  return `${prefix}${name}${version === FIRST_VERSION ? '' : `-${version}`}`;
}

/**
 * The sink's DLQ as the catalogue declares it (TOPICS.dlqSink: partitions, 14-day retention,
 * 16 MiB records), named for this deployment's group like the processors' DLQs
 * (`dlq.<prefix><name>[-vN].v1`, dlqTopic in the processor contract).
 */
export function sinkDlqSpec(group: string): TopicSpec {
  return { ...dlqSpec(group, TOPICS.dlqSink.partitions), config: TOPICS.dlqSink.config };
}

/**
 * Everything the sink touches, with the catalogue's settings, for its entry point to create
 * before it consumes (as the processors' entry points do): the topics it reads, so a sink
 * started first does not wait on auto-created defaults, and its DLQ.
 */
export function sinkTopicSpecs(routes: readonly SinkRoute[], group: string): readonly TopicSpec[] {
  return [...routes.map((r) => r.spec), sinkDlqSpec(group)];
}
