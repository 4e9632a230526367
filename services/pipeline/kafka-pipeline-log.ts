import type { TopicSpec } from '../shared/events/topic-catalog.ts';
import { createKafkaEventLog } from '../shared/kafka/kafka-event-log.ts';
import type { KafkaConsumerTuning } from '../shared/kafka/kafka-event-log.ts';
import { prepareTopics } from '../shared/kafka/prepare-topics.ts';
import type { ValueCodec } from '../shared/kafka/value-codec.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventLog } from '../shared/runtime/event-log.ts';
import { pipelineEventSpecs } from '../core/processors/pipeline-topics.ts';
import type { PipelineTopics } from '../core/processors/pipeline-topics.ts';

export interface PreparePipelineOptions {
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  readonly topics: PipelineTopics;
  /** Topics to create (with the catalogue's settings) before anything runs; event topics are always among them. */
  readonly ensure?: readonly TopicSpec[];
  readonly clientId?: string;
  readonly logger: Logger;
}

/**
 * What every pipeline service does before it runs on Kafka: creates missing topics with their
 * catalogue settings and registers the event schemas (both idempotent, so every service does it
 * on every start; drift of an existing topic is logged, never "fixed"), and returns the value
 * codec: event topics in Avro through the registry, changelogs JSON, DLQs bytes.
 */
export async function preparePipeline({
  brokers,
  registryUrl,
  topics,
  ensure = [],
  clientId = 'submerge',
  logger,
}: PreparePipelineOptions): Promise<ValueCodec> {
  const eventSpecs = pipelineEventSpecs(topics);
  return prepareTopics({
    brokers,
    registryUrl,
    clientId,
    ensure: [...eventSpecs, ...ensure],
    eventSpecs,
    logger,
  });
}

export interface KafkaPipelineLogOptions extends PreparePipelineOptions {
  readonly consumer?: KafkaConsumerTuning;
}

/** A Kafka event log over a prepared pipeline, for tools and tests that run several processors on one log. */
export async function openKafkaPipelineLog(options: KafkaPipelineLogOptions): Promise<EventLog> {
  const codec = await preparePipeline(options);
  return createKafkaEventLog({
    brokers: options.brokers,
    clientId: options.clientId ?? 'submerge',
    codec,
    logger: options.logger,
    ...(options.consumer === undefined ? {} : { consumer: options.consumer }),
  });
}
