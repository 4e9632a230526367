import { Kafka, logLevel } from 'kafkajs';
import type { TopicSpec } from '../events/topic-catalog.ts';
import type { Logger } from '../logger.ts';
import { createAvroValueCodec } from './avro-value-codec.ts';
import { createEventCodec, createSchemaRegistryClient, registerEventSchemas } from './schema-registry.ts';
import { ensureTopics } from './topics.ts';
import { defaultCodec } from './value-codec.ts';
import type { ValueCodec } from './value-codec.ts';

export interface PrepareTopicsOptions {
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  /** Names the registry client; the admin client is `<clientId>-admin`. */
  readonly clientId: string;
  /** Topics to create with the catalogue's settings (a name given twice is created once). */
  readonly ensure: readonly TopicSpec[];
  /** Event topics whose schemas are registered and whose values are Avro through the registry. */
  readonly eventSpecs: readonly TopicSpec[];
  readonly logger: Logger;
}

/**
 * What every Kafka service does on start, before its first record: create its topics with the
 * catalogue's settings (reporting drift from it), register its event schemas under
 * `<topic>-value`, and return the value codec: Avro through the registry for event topics, the
 * default codec (JSON for changelogs, bytes for DLQs) for the rest. Idempotent, so services may
 * start in any order.
 */
export async function prepareTopics({
  brokers,
  registryUrl,
  clientId,
  ensure,
  eventSpecs,
  logger,
}: PrepareTopicsOptions): Promise<ValueCodec> {
  const admin = new Kafka({
    clientId: `${clientId}-admin`,
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const wanted = new Map(ensure.map((spec) => [spec.name, spec]));
    const { created, drift } = await ensureTopics(admin, [...wanted.values()]);
    if (created.length > 0) logger.info({ topics: created }, 'topics created');
    for (const d of drift) logger.warn(d, 'topic differs from the catalogue');
  } finally {
    await admin.disconnect();
  }
  const registry = createSchemaRegistryClient({ url: registryUrl, clientId });
  const registered = await registerEventSchemas(registry, eventSpecs);
  return createAvroValueCodec({
    eventCodec: createEventCodec({ registry, registered }),
    specs: eventSpecs,
    fallback: defaultCodec,
  });
}
