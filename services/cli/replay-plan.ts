import { changelogTopic } from '../core/processing/processor.ts';
import {
  MERGER_STORE,
  PARSER_STORE,
  PROCESSOR_KINDS,
  pipelineTopics,
  processorName,
} from '../core/processors/pipeline-topics.ts';
import type { PipelineTopics, ProcessorKind } from '../core/processors/pipeline-topics.ts';

export const REPLAY_TARGETS = { parser: 'parser', merger: 'merger', all: 'all' } as const;
export type ReplayTarget = (typeof REPLAY_TARGETS)[keyof typeof REPLAY_TARGETS];
export const REPLAY_TARGET_LIST: readonly ReplayTarget[] = Object.values(REPLAY_TARGETS);

/** Where a replayed group starts: the log's beginning, the first record at or after a time, or the end as of the replay's start. */
export type ReplayStart =
  | { readonly kind: 'beginning' }
  | { readonly kind: 'timestamp'; readonly at: number }
  | { readonly kind: 'end' };

export interface ReplayStep {
  readonly kind: ProcessorKind;
  /** The processor's name: its group, and the stem of its changelog and DLQ. */
  readonly group: string;
  readonly input: string;
  readonly start: ReplayStart;
  /** Emptied before the run: the replayed processor starts from no state. */
  readonly changelog: string;
  /**
   * Compacted inputs read whole from their beginning whatever the start (the parser's catalog:
   * the state it feeds is emptied with the rest, so it must be read again).
   */
  readonly tables: readonly string[];
}

export interface ReplayPlan {
  readonly topics: PipelineTopics;
  /** In run order: a merger step runs after the parser step it depends on. */
  readonly steps: readonly ReplayStep[];
  /**
   * configs.current is rebuilt from nothing, so fingerprints the old run left there and the new
   * one does not produce get tombstones once the merger has caught up.
   */
  readonly reconcileCurrent: boolean;
  /** Things the operator should know before or after (printed by the CLI). */
  readonly notes: readonly string[];
}

export interface ReplayRequest {
  readonly target: ReplayTarget;
  /** Epoch ms, or undefined for the beginning. */
  readonly fromTimestamp?: number;
  /** The deployment's topics: prefix and the generation the services run on now. */
  readonly prefix: string;
  readonly currentVersion: string;
  /** Rebuild into this generation of derived topics instead of in place. */
  readonly newVersion?: string;
}

export class ReplayPlanError extends Error {
  readonly code = 'REPLAY_INVALID';
  readonly retriable = false;
}

/**
 * What a replay does, decided without touching Kafka. Each replayed processor's group is reset
 * to the chosen start and its state emptied; in place it works on the running generation's
 * topics (its services must be stopped), with a new suffix it builds the next generation beside
 * the running one. Replaying the parser alone leaves the merger's state as it is; replaying the
 * merger (alone or with the parser) rebuilds configs.current from nothing.
 */
export function planReplay(request: ReplayRequest): ReplayPlan {
  const version = request.newVersion ?? request.currentVersion;
  if (request.newVersion !== undefined && request.newVersion === request.currentVersion) {
    throw new ReplayPlanError(
      `--new-topics-suffix ${request.newVersion} is the generation in use; name a new one`,
    );
  }
  const topics = pipelineTopics({ prefix: request.prefix, version });
  const from: ReplayStart =
    request.fromTimestamp === undefined
      ? { kind: 'beginning' }
      : { kind: 'timestamp', at: request.fromTimestamp };
  const parser: ReplayStep = {
    kind: PROCESSOR_KINDS.parser,
    group: processorName(PROCESSOR_KINDS.parser, topics),
    input: topics.fetched,
    start: from,
    changelog: changelogTopic(processorName(PROCESSOR_KINDS.parser, topics), PARSER_STORE),
    tables: [topics.catalog],
  };
  const merger = (start: ReplayStart): ReplayStep => ({
    kind: PROCESSOR_KINDS.merger,
    group: processorName(PROCESSOR_KINDS.merger, topics),
    input: topics.observed,
    start,
    changelog: changelogTopic(processorName(PROCESSOR_KINDS.merger, topics), MERGER_STORE),
    tables: [],
  });
  const notes: string[] = [];
  if (request.fromTimestamp !== undefined && request.target !== REPLAY_TARGETS.merger) {
    notes.push(
      'the parser starts without state: a source not fetched since the timestamp contributes nothing until its next fetch',
    );
  }
  if (request.newVersion !== undefined) {
    notes.push(
      `once it has caught up, run the parser and merger services with SUBMERGE_TOPICS_VERSION=${version} and point readers at ${topics.current}`,
    );
  }
  switch (request.target) {
    case REPLAY_TARGETS.parser:
      notes.push(
        request.newVersion === undefined
          ? 'the merger keeps its state and folds the replayed observations; a parser change that alters fingerprints needs --processor all'
          : `${topics.observed} has no merger yet: replay --processor merger --new-topics-suffix ${version} next, or use --processor all`,
      );
      return { topics, steps: [parser], reconcileCurrent: false, notes };
    case REPLAY_TARGETS.merger:
      notes.push(
        `${topics.observed} keeps only its retention window: the raw topic is the complete history (--processor all)`,
      );
      return { topics, steps: [merger(from)], reconcileCurrent: true, notes };
    default:
      // The merger skips the observations already in its input: the parser's replay publishes them again.
      return { topics, steps: [parser, merger({ kind: 'end' })], reconcileCurrent: true, notes };
  }
}
