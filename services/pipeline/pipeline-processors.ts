import type { Registry } from 'prom-client';
import type { Processor } from '../core/processing/processor.ts';
import { createMerger } from '../core/processors/merger.ts';
import { createParser } from '../core/processors/parser.ts';
import type { ParserOptions } from '../core/processors/parser.ts';
import { PROCESSOR_KINDS } from '../core/processors/pipeline-topics.ts';
import type { PipelineTopics, ProcessorKind } from '../core/processors/pipeline-topics.ts';
import type { Logger } from '../shared/logger.ts';
import { createProcessorMetrics } from '../shared/metrics/processor-metrics.ts';
import { EVENT_LOG_KINDS } from '../shared/runtime/event-log.ts';
import type { EventLog, StartFrom } from '../shared/runtime/event-log.ts';
import { runProcessor } from '../shared/runtime/run-processor.ts';
import type { ProcessorRun } from '../shared/runtime/run-processor.ts';

export type ParserSettings = Omit<ParserOptions, 'topics'>;

/**
 * `onKafka`: the merger keeps its state in configs.current itself (compacted, kept whole) rather
 * than in a changelog; the in-process bus forgets what every consumer has read, so there it keeps
 * its changelog.
 */
export function pipelineProcessor(
  kind: ProcessorKind,
  topics: PipelineTopics,
  parser: ParserSettings = {},
  onKafka = false,
): Processor {
  return kind === PROCESSOR_KINDS.parser
    ? createParser({ topics, ...parser })
    : createMerger({ topics, restoreFromCurrent: onKafka });
}

/**
 * Input records per transaction. A fetch event fans out to one observation per config (tens of
 * thousands for a big source), and read_committed readers see none of a transaction's records
 * before its commit, so the parser commits every couple of fetches and the merger works on one
 * while the parser parses the next; an observation yields at most one current event, so the
 * merger takes large chunks.
 */
export const DEFAULT_BATCH_RECORDS: Readonly<Record<ProcessorKind, number>> = { parser: 2, merger: 2000 };

export interface StartOptions {
  readonly log: EventLog;
  readonly topics: PipelineTopics;
  /** Stable per instance: the transactional id is `<group>.<instance>`, as runKafkaProcessor names it. */
  readonly instance: string;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly parser?: ParserSettings;
  readonly maxBatchRecords?: number;
  readonly startFrom?: StartFrom;
}

export interface StartedProcessor {
  readonly processor: Processor;
  /** The consumer group: the processor's name, so each generation has its own. */
  readonly group: string;
  readonly run: ProcessorRun;
}

/** Runs one pipeline processor on the shared run loop (transactions, changelogs, DLQ, metrics). */
export async function startPipelineProcessor(
  kind: ProcessorKind,
  options: StartOptions,
): Promise<StartedProcessor> {
  const processor = pipelineProcessor(
    kind,
    options.topics,
    options.parser,
    options.log.kind === EVENT_LOG_KINDS.kafka,
  );
  const group = processor.name;
  const run = await runProcessor(processor, {
    log: options.log,
    group,
    transactionalId: `${group}.${options.instance}`,
    logger: options.logger,
    metrics: createProcessorMetrics(options.registry, processor.name),
    maxBatchRecords: options.maxBatchRecords ?? DEFAULT_BATCH_RECORDS[kind],
    ...(options.startFrom === undefined ? {} : { startFrom: options.startFrom }),
  });
  return { processor, group, run };
}
