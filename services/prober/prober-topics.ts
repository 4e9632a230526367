import { pipelineTopics } from '../core/processors/pipeline-topics.ts';
import { changelogSpec, TOPICS } from '../shared/events/topic-catalog.ts';
import type { TopicSpec } from '../shared/events/topic-catalog.ts';
import type { ProberTopics } from './prober.ts';

export interface ProberTopicOptions {
  readonly prefix?: string;
  /** Generation of configs.current the prober reads (a rebuild's v2 beside v1). */
  readonly version?: string;
  readonly vantage: string;
}

/** The name of a vantage's prober: its consumer group default and its history changelog. */
export function proberName(prefix: string, vantage: string): string {
  return `${prefix}prober.${vantage}`;
}

export const PROBER_HISTORY_STORE = 'history';

/**
 * Topics of one prober deployment: it reads configs.current (of the pipeline's generation),
 * writes configs.probed.v1 (probes are facts about the world, not derived from a generation, so
 * one topic serves every generation), and keeps its vantage's probe history in a compacted
 * changelog co-partitioned with configs.current.
 */
export function proberTopicSpecs({ prefix = '', version, vantage }: ProberTopicOptions): {
  readonly topics: ProberTopics;
  readonly specs: readonly TopicSpec[];
  readonly eventSpecs: readonly TopicSpec[];
} {
  const current = pipelineTopics({ prefix, ...(version === undefined ? {} : { version }) }).current;
  const currentSpec: TopicSpec = { ...TOPICS.configsCurrent, name: current };
  const probedSpec: TopicSpec = { ...TOPICS.configsProbed, name: `${prefix}${TOPICS.configsProbed.name}` };
  const historySpec = changelogSpec(proberName(prefix, vantage), PROBER_HISTORY_STORE, TOPICS.configsCurrent);
  return {
    topics: { current, probed: probedSpec.name, history: historySpec.name },
    specs: [currentSpec, probedSpec, historySpec],
    eventSpecs: [currentSpec, probedSpec],
  };
}
