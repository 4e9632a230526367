import { changelogSpec, dlqSpec, TOPICS, withPrefix } from '../../shared/events/topic-catalog.ts';
import type { TopicSpec } from '../../shared/events/topic-catalog.ts';

/**
 * The topic names one deployment of the parse/merge pipeline uses. `prefix` isolates a set of
 * topics on a shared broker (tests, benchmarks); `version` names the generation of the derived
 * topics, so a replay can rebuild them side by side (`configs.observed.v2`, ...) from the raw
 * topic, which keeps its own name: it is the one source of truth every generation reads.
 */
export interface PipelineTopics {
  readonly prefix: string;
  readonly version: string;
  readonly catalog: string;
  readonly fetched: string;
  readonly observed: string;
  readonly snapshots: string;
  readonly current: string;
}

export const FIRST_VERSION = 'v1';
const VERSION_PATTERN = /^v[1-9][0-9]{0,3}$/;

export function isTopicVersion(text: string): boolean {
  return VERSION_PATTERN.test(text);
}

export interface PipelineTopicOptions {
  readonly prefix?: string;
  readonly version?: string;
}

export function pipelineTopics({
  prefix = '',
  version = FIRST_VERSION,
}: PipelineTopicOptions = {}): PipelineTopics {
  if (!isTopicVersion(version)) throw new RangeError(`not a topic version (v1, v2, ...): ${version}`);
  const derived = (name: string): string => `${prefix}${name.replace(/\.v1$/, `.${version}`)}`;
  return {
    prefix,
    version,
    catalog: `${prefix}${TOPICS.sourcesCatalog.name}`,
    fetched: `${prefix}${TOPICS.sourcesFetched.name}`,
    observed: derived(TOPICS.configsObserved.name),
    snapshots: derived(TOPICS.sourcesSnapshots.name),
    current: derived(TOPICS.configsCurrent.name),
  };
}

export const PROCESSOR_KINDS = { parser: 'parser', merger: 'merger' } as const;
export type ProcessorKind = (typeof PROCESSOR_KINDS)[keyof typeof PROCESSOR_KINDS];
export const PROCESSOR_KIND_LIST: readonly ProcessorKind[] = Object.values(PROCESSOR_KINDS);

/**
 * The processor's name, which also names its consumer group, changelogs and DLQ: each
 * generation of derived topics has its own, so a rebuild never touches the running one's state.
 */
export function processorName(
  kind: ProcessorKind,
  topics: Pick<PipelineTopics, 'prefix' | 'version'>,
): string {
  return `${topics.prefix}${kind}${topics.version === FIRST_VERSION ? '' : `-${topics.version}`}`;
}

/** Store names of each processor (one keyed store each). */
export const PARSER_STORE = 'sources';
export const MERGER_STORE = 'configs';

/**
 * Full topic specs (partitions, cleanup, retention) for everything a processor touches, named
 * for this deployment: inputs, outputs, changelog and DLQ. Entry points create them before the
 * run loop starts so they carry the catalogue's settings, not broker defaults.
 */
export function processorTopicSpecs(kind: ProcessorKind, topics: PipelineTopics): readonly TopicSpec[] {
  const name = processorName(kind, topics);
  const renamed = (spec: TopicSpec, to: string): TopicSpec => ({ ...spec, name: to });
  if (kind === PROCESSOR_KINDS.parser) {
    return [
      renamed(TOPICS.sourcesFetched, topics.fetched),
      // Read too, so a disabled or removed source's configs are withdrawn (co-partitioned with fetched).
      renamed(TOPICS.sourcesCatalog, topics.catalog),
      renamed(TOPICS.configsObserved, topics.observed),
      renamed(TOPICS.sourcesSnapshots, topics.snapshots),
      changelogSpec(name, PARSER_STORE, TOPICS.sourcesFetched),
      dlqSpec(name, TOPICS.sourcesFetched.partitions),
    ];
  }
  return [
    renamed(TOPICS.configsObserved, topics.observed),
    renamed(TOPICS.configsCurrent, topics.current),
    changelogSpec(name, MERGER_STORE, TOPICS.configsObserved),
    dlqSpec(name, TOPICS.configsObserved.partitions),
  ];
}

/** Specs of every event topic of a deployment, for schema registration and the Avro codec. */
export function pipelineEventSpecs(topics: PipelineTopics): readonly TopicSpec[] {
  return [
    withPrefix(TOPICS.sourcesCatalog, topics.prefix),
    { ...TOPICS.sourcesFetched, name: topics.fetched },
    { ...TOPICS.configsObserved, name: topics.observed },
    { ...TOPICS.sourcesSnapshots, name: topics.snapshots },
    { ...TOPICS.configsCurrent, name: topics.current },
  ];
}
