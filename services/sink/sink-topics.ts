import { Kafka, logLevel } from 'kafkajs';
import type { TopicSpec } from '../shared/events/topic-catalog.ts';
import { ensureTopics } from '../shared/kafka/topics.ts';
import type { Logger } from '../shared/logger.ts';

/**
 * Creates the sink's missing topics (sinkTopicSpecs: its inputs and its DLQ) with the
 * catalogue's settings, the way every pipeline service does on start; drift of an existing
 * topic is logged, never "fixed" (ensureTopics says why).
 */
export async function ensureSinkTopics({
  brokers,
  specs,
  clientId,
  logger,
}: {
  readonly brokers: readonly string[];
  readonly specs: readonly TopicSpec[];
  readonly clientId: string;
  readonly logger: Logger;
}): Promise<void> {
  const admin = new Kafka({
    clientId: `${clientId}-admin`,
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const { created, drift } = await ensureTopics(admin, specs);
    if (created.length > 0) logger.info({ topics: created }, 'topics created');
    for (const d of drift) logger.warn(d, 'topic differs from the catalogue');
  } finally {
    await admin.disconnect();
  }
}
