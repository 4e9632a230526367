import type { EventTopic, EventValueByTopic } from '../generated/events.ts';
import { TOPICS, withPrefix } from '../shared/events/topic-catalog.ts';
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
  readonly topic: string;
  readonly table: string;
  toRow(value: unknown, position: RecordPosition, time: (epochMs: number) => string): RowResult;
}

type Mapper<T extends EventTopic> = (
  value: EventValueByTopic[T] | null,
  position: RecordPosition,
  time: (epochMs: number) => string,
) => RowResult;

function route<T extends EventTopic>(
  spec: TopicSpec & { readonly schema: T },
  table: string,
  map: Mapper<T>,
  prefix: string,
): SinkRoute {
  // The event log hands values over untyped; each topic's codec decoded them with its schema.
  return {
    topic: withPrefix(spec, prefix).name,
    table,
    toRow: (value, position, time) => map(value as EventValueByTopic[T] | null, position, time),
  };
}

/**
 * Every pipeline topic the sink writes to ClickHouse. The catalog topic is left out: it is
 * configuration, not history. `prefix` renames the topics as the catalogue does (test runs,
 * replays into parallel topics); tables keep their names (a database per run isolates them).
 */
export function sinkRoutes(prefix = ''): readonly SinkRoute[] {
  return [
    route(TOPICS.sourcesFetched, 'fetch_events', fetchEventRow, prefix),
    route(TOPICS.sourcesSnapshots, 'source_snapshots', snapshotRow, prefix),
    route(TOPICS.configsObserved, 'config_observations', observationRow, prefix),
    route(TOPICS.configsCurrent, 'config_current_changes', currentChangeRow, prefix),
    route(TOPICS.configsProbed, 'config_probes', probeRow, prefix),
    route(TOPICS.configsScored, 'config_scores', scoreRow, prefix),
    route(TOPICS.sourcesHealth, 'source_health', healthRow, prefix),
    route(TOPICS.sourcesAnomalies, 'source_anomalies', anomalyRow, prefix),
  ];
}
