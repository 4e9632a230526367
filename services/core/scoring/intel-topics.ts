import { changelogSpec, dlqSpec, TOPICS, withPrefix } from '../../shared/events/topic-catalog.ts';
import type { TopicSpec } from '../../shared/events/topic-catalog.ts';
import { FIRST_VERSION, pipelineTopics } from '../processors/pipeline-topics.ts';

/**
 * Topic names of the health-intelligence processors (scorer and anomaly detector) for one
 * deployment. Like the parse/merge pipeline's: `prefix` isolates a topic set on a shared broker,
 * `version` names the generation of derived topics (current, snapshots, scored, health,
 * anomalies), while raw facts (fetches, probes) keep their names in every generation.
 */
export interface IntelTopics {
  readonly prefix: string;
  readonly version: string;
  readonly fetched: string;
  readonly snapshots: string;
  readonly current: string;
  readonly probed: string;
  readonly scored: string;
  readonly health: string;
  readonly anomalies: string;
}

export function intelTopics({ prefix = '', version = FIRST_VERSION } = {}): IntelTopics {
  const pipeline = pipelineTopics({ prefix, version });
  const derived = (name: string): string => `${prefix}${name.replace(/\.v1$/, `.${version}`)}`;
  return {
    prefix,
    version,
    fetched: pipeline.fetched,
    snapshots: pipeline.snapshots,
    current: pipeline.current,
    probed: `${prefix}${TOPICS.configsProbed.name}`,
    scored: derived(TOPICS.configsScored.name),
    health: derived(TOPICS.sourcesHealth.name),
    anomalies: derived(TOPICS.sourcesAnomalies.name),
  };
}

export const INTEL_KINDS = { scorer: 'scorer', anomaly: 'anomaly', alerts: 'alerts' } as const;
export type IntelKind = (typeof INTEL_KINDS)[keyof typeof INTEL_KINDS];

/** Names the processor, its consumer group, changelogs and DLQ (`dlq.scorer.v1`, `dlq.anomaly.v1`). */
export function intelProcessorName(kind: IntelKind, topics: Pick<IntelTopics, 'prefix' | 'version'>): string {
  return `${topics.prefix}${kind}${topics.version === FIRST_VERSION ? '' : `-${topics.version}`}`;
}

export const SCORER_STORE = 'configs';
export const DETECTOR_STORE = 'sources';

/**
 * The scorer's own input of rescore requests (key = fingerprint, JSON): how a change of a
 * source's health or plain time (decay) reaches configs no new event would touch.
 * Partitioned like configs.current so each request lands on the partition owning its config.
 */
export function rescoreTopic(topics: Pick<IntelTopics, 'prefix' | 'version'>): string {
  return `${intelProcessorName(INTEL_KINDS.scorer, topics)}.rescore.v1`;
}

const DAY = 86_400_000;

/** Full specs of everything a processor touches, to create before its run loop starts. */
export function intelTopicSpecs(kind: IntelKind, topics: IntelTopics): readonly TopicSpec[] {
  const name = intelProcessorName(kind, topics);
  const renamed = (spec: TopicSpec, to: string): TopicSpec => ({ ...spec, name: to });
  if (kind === INTEL_KINDS.scorer) {
    return [
      renamed(TOPICS.configsCurrent, topics.current),
      renamed(TOPICS.configsProbed, topics.probed),
      renamed(TOPICS.configsScored, topics.scored),
      renamed(TOPICS.sourcesHealth, topics.health),
      {
        name: rescoreTopic(topics),
        partitions: TOPICS.configsCurrent.partitions,
        key: TOPICS.configsCurrent.key,
        schema: null,
        config: { 'cleanup.policy': 'delete', 'retention.ms': String(DAY) },
      },
      changelogSpec(name, SCORER_STORE, TOPICS.configsCurrent),
      dlqSpec(name, TOPICS.configsCurrent.partitions),
    ];
  }
  if (kind === INTEL_KINDS.anomaly) {
    return [
      renamed(TOPICS.sourcesFetched, topics.fetched),
      renamed(TOPICS.sourcesSnapshots, topics.snapshots),
      renamed(TOPICS.configsScored, topics.scored),
      renamed(TOPICS.sourcesHealth, topics.health),
      renamed(TOPICS.sourcesAnomalies, topics.anomalies),
      changelogSpec(name, DETECTOR_STORE, TOPICS.sourcesSnapshots),
      dlqSpec(name, TOPICS.sourcesSnapshots.partitions),
    ];
  }
  return [renamed(TOPICS.sourcesAnomalies, topics.anomalies)];
}

/** Specs of every event topic the processors read or write, for schema registration and the Avro codec. */
export function intelEventSpecs(topics: IntelTopics): readonly TopicSpec[] {
  return [
    withPrefix(TOPICS.sourcesCatalog, topics.prefix),
    { ...TOPICS.sourcesFetched, name: topics.fetched },
    { ...TOPICS.sourcesSnapshots, name: topics.snapshots },
    { ...TOPICS.configsCurrent, name: topics.current },
    { ...TOPICS.configsProbed, name: topics.probed },
    { ...TOPICS.configsScored, name: topics.scored },
    { ...TOPICS.sourcesHealth, name: topics.health },
    { ...TOPICS.sourcesAnomalies, name: topics.anomalies },
  ];
}
