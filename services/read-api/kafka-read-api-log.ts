import type { ReadApiTopics } from '../core/read-model/read-topics.ts';
import { TOPICS } from '../shared/events/topic-catalog.ts';
import type { TopicSpec } from '../shared/events/topic-catalog.ts';
import { createKafkaEventLog } from '../shared/kafka/kafka-event-log.ts';
import { prepareTopics } from '../shared/kafka/prepare-topics.ts';
import type { KafkaConsumerTuning } from '../shared/kafka/kafka-event-log.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventLog, LogTopic } from '../shared/runtime/event-log.ts';

/** Catalogue specs of every topic the read API reads or writes, under this deployment's names. */
export function readApiTopicSpecs(topics: ReadApiTopics): TopicSpec[] {
  const named = (spec: TopicSpec, name: string): TopicSpec => ({ ...spec, name });
  return [
    named(TOPICS.configsCurrent, topics.read.current),
    named(TOPICS.configsScored, topics.read.scored),
    named(TOPICS.sourcesHealth, topics.read.health),
    named(TOPICS.sourcesCatalog, topics.read.catalog),
    named(TOPICS.sourcesSnapshots, topics.read.snapshots),
    named(TOPICS.readApiPresets, topics.read.presets),
    named(TOPICS.readApiPresetAccesses, topics.read.presetAccesses),
    named(TOPICS.readApiKeys, topics.read.apiKeys),
    named(TOPICS.sourcesCommands, topics.commands),
    named(TOPICS.adminAudit, topics.audit),
  ];
}

/** The same topics as the event log port creates them (in-process bus, tests). */
export function readApiLogTopics(topics: ReadApiTopics): LogTopic[] {
  return readApiTopicSpecs(topics).map((spec) => ({
    name: spec.name,
    partitions: spec.partitions,
    compacted: spec.config['cleanup.policy'] === 'compact',
  }));
}

export interface KafkaReadApiLogOptions {
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  readonly topics: ReadApiTopics;
  readonly clientId: string;
  readonly logger: Logger;
  readonly consumer?: KafkaConsumerTuning;
}

/**
 * The read API's event log on Kafka: its topics exist with the catalogue's settings (a topic the
 * pipeline has not created yet, such as configs.scored.v1 before a scorer runs, is created empty
 * so the consumer can subscribe), its event schemas are registered, values are Avro through the
 * registry. Idempotent like every service start.
 */
export async function openKafkaReadApiLog({
  brokers,
  registryUrl,
  topics,
  clientId,
  logger,
  consumer,
}: KafkaReadApiLogOptions): Promise<EventLog> {
  const specs = readApiTopicSpecs(topics);
  const codec = await prepareTopics({
    brokers,
    registryUrl,
    clientId,
    ensure: specs,
    eventSpecs: specs,
    logger,
  });
  return createKafkaEventLog({
    brokers,
    clientId,
    codec,
    logger,
    ...(consumer === undefined ? {} : { consumer }),
  });
}
