import { intelEventSpecs } from '../core/scoring/intel-topics.ts';
import type { IntelTopics } from '../core/scoring/intel-topics.ts';
import type { TopicSpec } from '../shared/events/topic-catalog.ts';
import { createKafkaEventLog } from '../shared/kafka/kafka-event-log.ts';
import type { KafkaConsumerTuning } from '../shared/kafka/kafka-event-log.ts';
import { prepareTopics } from '../shared/kafka/prepare-topics.ts';
import type { ValueCodec } from '../shared/kafka/value-codec.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventLog } from '../shared/runtime/event-log.ts';

export interface PrepareIntelOptions {
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  readonly topics: IntelTopics;
  /** Topics to create with their catalogue settings (a processor's inputs, outputs, changelog, DLQ). */
  readonly ensure: readonly TopicSpec[];
  readonly clientId: string;
  readonly logger: Logger;
}

/**
 * What the scorer and the detector do before running on Kafka: create their topics with the
 * catalogue's settings and register the event schemas they read and write (both idempotent,
 * every start), then return the value codec: Avro through the registry for event topics, JSON
 * for changelogs and the rescore topic, bytes for DLQs.
 */
export async function prepareIntel({
  brokers,
  registryUrl,
  topics,
  ensure,
  clientId,
  logger,
}: PrepareIntelOptions): Promise<ValueCodec> {
  // Several processors' lists may name one topic (their shared outputs): created once.
  return prepareTopics({
    brokers,
    registryUrl,
    clientId,
    ensure,
    eventSpecs: intelEventSpecs(topics),
    logger,
  });
}

export interface IntelLogOptions extends PrepareIntelOptions {
  readonly consumer?: KafkaConsumerTuning;
}

/** A Kafka event log over prepared topics, for the services' side tables and for tests. */
export async function openIntelLog(options: IntelLogOptions): Promise<EventLog> {
  const codec = await prepareIntel(options);
  return createKafkaEventLog({
    brokers: options.brokers,
    clientId: options.clientId,
    codec,
    logger: options.logger,
    ...(options.consumer === undefined ? {} : { consumer: options.consumer }),
  });
}
