import { readApiTopics } from '../core/read-model/read-topics.ts';
import type { ReadApiTopics } from '../core/read-model/read-topics.ts';
import {
  PROCESSOR_KINDS,
  pipelineTopics,
  processorName,
  processorTopicSpecs,
} from '../core/processors/pipeline-topics.ts';
import type { PipelineTopics } from '../core/processors/pipeline-topics.ts';
import {
  INTEL_KINDS,
  intelProcessorName,
  intelTopicSpecs,
  intelTopics,
  rescoreTopic,
} from '../core/scoring/intel-topics.ts';
import type { IntelTopics } from '../core/scoring/intel-topics.ts';
import { proberName, proberTopicSpecs } from '../prober/prober-topics.ts';
import type { ProberTopics } from '../prober/prober.ts';
import { readApiTopicSpecs } from '../read-api/kafka-read-api-log.ts';
import { CLEANUP_POLICIES, TOPICS, withPrefix } from '../shared/events/topic-catalog.ts';
import type { TopicSpec } from '../shared/events/topic-catalog.ts';
import type { RetentionPolicy, TopicRetention } from '../shared/embedded-store/retention-policy.ts';
import { NO_CONSUMERS } from '../shared/embedded-store/retention-policy.ts';
import type { LogTopic } from '../shared/runtime/event-log.ts';
import { SINK_NAME } from '../sink/run-sink.ts';
import { sinkGroup, sinkRoutes } from '../sink/sink-routes.ts';
import type { SinkRoute } from '../sink/sink-routes.ts';

/** Names of everything the embedded mode runs on one log, for one prefix and generation. */
export interface EmbeddedTopology {
  readonly pipeline: PipelineTopics;
  /** Scorer and anomaly detector. */
  readonly intel: IntelTopics;
  /** The prober of the one vantage the embedded mode has (`local`), when it runs. */
  readonly prober: ProberTopics;
  readonly read: ReadApiTopics;
  readonly commands: string;
  readonly sinkRoutes: readonly SinkRoute[];
  readonly groups: {
    readonly parser: string;
    readonly merger: string;
    readonly sink: string;
    readonly fetcher: string;
    readonly scorer: string;
    readonly detector: string;
    readonly prober: string;
  };
  /** Every topic with its catalogue settings, to ensure before restoring. */
  readonly specs: readonly TopicSpec[];
}

/** The vantage the embedded prober reports its probes from. */
export const EMBEDDED_VANTAGE = 'local';

export function embeddedTopology({
  prefix,
  version,
}: {
  readonly prefix: string;
  readonly version: string;
}): EmbeddedTopology {
  const pipeline = pipelineTopics({ prefix, version });
  const intel = intelTopics({ prefix, version });
  const prober = proberTopicSpecs({ prefix, version, vantage: EMBEDDED_VANTAGE });
  const read = readApiTopics({ prefix, currentTopic: pipeline.current });
  const routes = sinkRoutes({ prefix, version });
  const specs = new Map<string, TopicSpec>();
  for (const spec of [
    ...processorTopicSpecs(PROCESSOR_KINDS.parser, pipeline),
    ...processorTopicSpecs(PROCESSOR_KINDS.merger, pipeline),
    withPrefix(TOPICS.sourcesCatalog, prefix),
    withPrefix(TOPICS.sourcesCommands, prefix),
    ...readApiTopicSpecs(read),
    ...routes.map((r) => r.spec),
    ...intelTopicSpecs(INTEL_KINDS.scorer, intel),
    ...intelTopicSpecs(INTEL_KINDS.anomaly, intel),
    ...prober.specs,
  ]) {
    specs.set(spec.name, spec);
  }
  return {
    pipeline,
    intel,
    prober: prober.topics,
    read,
    commands: read.commands,
    sinkRoutes: routes,
    groups: {
      parser: processorName(PROCESSOR_KINDS.parser, pipeline),
      merger: processorName(PROCESSOR_KINDS.merger, pipeline),
      sink: sinkGroup(SINK_NAME, { prefix, version }),
      fetcher: `${prefix}fetcher`,
      scorer: intelProcessorName(INTEL_KINDS.scorer, intel),
      detector: intelProcessorName(INTEL_KINDS.anomaly, intel),
      prober: proberName(prefix, EMBEDDED_VANTAGE),
    },
    specs: [...specs.values()],
  };
}

export function logTopic(spec: TopicSpec): LogTopic {
  return {
    name: spec.name,
    partitions: spec.partitions,
    compacted: spec.config['cleanup.policy'] === CLEANUP_POLICIES.compact,
  };
}

/** The catalogue's retention.ms of each topic: how long the embedded store keeps its records. */
export function retentionMsOf(specs: readonly TopicSpec[]): (topic: string) => number | undefined {
  const byName = new Map<string, number>();
  for (const spec of specs) {
    const ms = Number((spec.config as Readonly<Record<string, string>>)['retention.ms']);
    if (Number.isFinite(ms) && ms > 0) byName.set(spec.name, ms);
  }
  return (topic) => byName.get(topic);
}

/**
 * Who must see every record of each topic: the processors (parser, merger, scorer, detector)
 * their inputs, the sink every topic it writes to ClickHouse. The read model keeps the latest snapshot per source, so a restart brings
 * those back too. Anything else (changelogs, the catalog, read-API topics) is compacted and held
 * whole, or is read by nobody that commits (commands, audit, DLQs) and lives in the store only.
 */
export function embeddedRetention(topology: EmbeddedTopology): RetentionPolicy {
  const groups = new Map<string, Set<string>>();
  const consume = (topic: string, group: string): void => {
    const set = groups.get(topic) ?? new Set<string>();
    set.add(group);
    groups.set(topic, set);
  };
  consume(topology.pipeline.fetched, topology.groups.parser);
  consume(topology.pipeline.observed, topology.groups.merger);
  for (const route of topology.sinkRoutes) consume(route.topic, topology.groups.sink);
  // The scorer's and the detector's inputs (services/core/scoring/scorer.ts, core/anomaly/detector.ts).
  for (const topic of [topology.intel.current, topology.intel.probed, rescoreTopic(topology.intel)])
    consume(topic, topology.groups.scorer);
  for (const topic of [topology.intel.snapshots, topology.intel.fetched])
    consume(topic, topology.groups.detector);
  const perKey = new Set([topology.pipeline.snapshots]);
  return (topic): TopicRetention => {
    const durable = groups.get(topic);
    if (durable === undefined) return NO_CONSUMERS;
    return { durableGroups: [...durable], latestPerKey: perKey.has(topic) };
  };
}
