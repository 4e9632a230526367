import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Admin, Consumer, ConsumerConfig, Producer, ProducerConfig } from 'kafkajs';

/**
 * Test resources on the shared local broker and registry: every topic, group, transactional id
 * and subject gets a unique name, and the kit that made it removes it again, so tests never see
 * each other's records and reruns start clean.
 */

/** `<prefix>-<time>-<random>`: unique across parallel runs, still readable in broker logs. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export interface TopicOptions {
  readonly partitions?: number;
  readonly configEntries?: readonly { readonly name: string; readonly value: string }[];
}

export interface KafkaTestKit {
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** Creates a topic with a unique name (waiting for its leaders) and deletes it on cleanup. */
  createTopic(prefix: string, options?: TopicOptions): Promise<string>;
  /** A unique consumer group id; the group is deleted on cleanup. */
  groupId(prefix: string): string;
  /** A connected producer, disconnected on cleanup. */
  producer(config?: ProducerConfig): Promise<Producer>;
  /** A connected consumer of a fresh unique group unless `groupId` is given; disconnected on cleanup. */
  consumer(config?: Partial<ConsumerConfig>): Promise<Consumer>;
  /** Disconnects clients, then deletes groups and topics; safe to call more than once. */
  cleanup(): Promise<void>;
}

export interface KafkaTestKitOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
}

export async function createKafkaTestKit({
  brokers,
  clientId = 'submerge-test',
}: KafkaTestKitOptions): Promise<KafkaTestKit> {
  const kafka = new Kafka({
    clientId,
    brokers: [...brokers],
    // Rebalances log expected REBALANCE_IN_PROGRESS responses at ERROR; tests assert outcomes instead.
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  await admin.connect();

  const topics = new Set<string>();
  const groups = new Set<string>();
  const clients: { disconnect(): Promise<void> }[] = [];

  const groupId = (prefix: string): string => {
    const id = uniqueName(prefix);
    groups.add(id);
    return id;
  };

  return {
    kafka,
    admin,
    groupId,
    async createTopic(prefix, { partitions = 1, configEntries = [] } = {}) {
      const topic = uniqueName(prefix);
      topics.add(topic);
      await admin.createTopics({
        topics: [
          { topic, numPartitions: partitions, replicationFactor: 1, configEntries: [...configEntries] },
        ],
        waitForLeaders: true,
      });
      return topic;
    },
    async producer(config = {}) {
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config });
      clients.push(producer);
      await producer.connect();
      return producer;
    },
    async consumer(config = {}) {
      const id = config.groupId ?? groupId('group');
      groups.add(id);
      // Short heartbeats notice a rebalance within half a second instead of three; a short fetch
      // long-poll lets stop/disconnect return quickly (they wait for the in-flight fetch).
      const consumer = kafka.consumer({
        heartbeatInterval: 500,
        sessionTimeout: 10_000,
        maxWaitTimeInMs: 500,
        ...config,
        groupId: id,
      });
      clients.push(consumer);
      await consumer.connect();
      return consumer;
    },
    async cleanup() {
      const open = clients.splice(0);
      await Promise.allSettled(open.map((c) => c.disconnect()));
      const groupIds = [...groups];
      groups.clear();
      const topicNames = [...topics];
      topics.clear();
      try {
        // Groups with live members or without committed offsets may refuse; they expire on their own.
        if (groupIds.length > 0) await admin.deleteGroups(groupIds).catch(() => undefined);
        if (topicNames.length > 0) await admin.deleteTopics({ topics: topicNames });
      } finally {
        await admin.disconnect();
      }
    },
  };
}

/** Deletes a registry subject and its versions for good (soft delete first, as the API demands). */
export async function deleteSubject(schemaRegistryUrl: string, subject: string): Promise<void> {
  const base = `${schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}`;
  for (const url of [base, `${base}?permanent=true`]) {
    const res = await fetch(url, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
    if (!res.ok && res.status !== 404) {
      throw new Error(`deleting subject ${subject} failed: HTTP ${res.status} ${await res.text()}`);
    }
  }
}
