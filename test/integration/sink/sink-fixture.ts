import { randomBytes } from 'node:crypto';
import { ClickHouseLogLevel } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { Partitioners } from 'kafkajs';
import type { Producer } from 'kafkajs';
import type { EventTopic, EventValueByTopic } from '../../../services/generated/events.ts';
import { createClickHouse } from '../../../services/shared/clickhouse/create-client.ts';
import { migrateDatabase } from '../../../services/shared/clickhouse/migrate.ts';
import { topicSpecs, valueSubject } from '../../../services/shared/events/topic-catalog.ts';
import type { TopicSpec } from '../../../services/shared/events/topic-catalog.ts';
import { ensureTopics } from '../../../services/shared/kafka/topics.ts';
import {
  createEventCodec,
  createSchemaRegistryClient,
  registerEventSchemas,
} from '../../../services/shared/kafka/schema-registry.ts';
import type { EventCodec } from '../../../services/shared/kafka/schema-registry.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { createKafkaTestKit, deleteSubject, uniqueName } from '../../helpers/kafka.ts';
import type { KafkaTestKit } from '../../helpers/kafka.ts';

export const QUIET_CLICKHOUSE = { log: { level: ClickHouseLogLevel.OFF } } as const;

/**
 * One isolated pipeline for a sink test: every catalogue topic under a unique prefix (so
 * registry subjects are unique too) and a unique ClickHouse database with the migrations
 * applied. `cleanup` removes all of it.
 */
export interface SinkFixture {
  readonly prefix: string;
  readonly specs: readonly TopicSpec[];
  readonly database: string;
  readonly brokers: readonly string[];
  readonly schemaRegistryUrl: string;
  readonly clickhouseUrl: string;
  readonly kit: KafkaTestKit;
  /** Bound to the fixture's database. */
  readonly ch: ClickHouseClient;
  readonly codec: EventCodec;
  topic(schema: EventTopic): string;
  produce<T extends EventTopic>(
    schema: T,
    records: readonly { readonly key: string | null; readonly value: EventValueByTopic[T] | null }[],
  ): Promise<void>;
  /** Raw bytes, e.g. a poison record that is not in the registry's wire format. */
  produceRaw(
    schema: EventTopic,
    records: readonly { readonly key: string; readonly value: Buffer }[],
  ): Promise<void>;
  /** A number from a scalar query (count() and friends) in the fixture's database. */
  scalar(sql: string, params?: Record<string, unknown>): Promise<number>;
  /** Sum of the group's committed offsets over the given topics (= records committed, topics start at 0). */
  committedRecords(group: string, schemas: readonly EventTopic[]): Promise<number>;
  cleanup(): Promise<void>;
}

export async function createSinkFixture(label: string, clickhouseUrl?: string): Promise<SinkFixture> {
  const endpoints = componentEndpoints();
  const url = clickhouseUrl ?? endpoints.clickhouseUrl;
  const prefix = `${uniqueName(label)}.`;
  const specs = topicSpecs({ prefix });
  const database = `it_${label.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(5).toString('hex')}`;
  const kit = await createKafkaTestKit({ brokers: endpoints.kafkaBrokers });
  await ensureTopics(kit.admin, specs);
  const registry = createSchemaRegistryClient({ url: endpoints.schemaRegistryUrl });
  const registered = await registerEventSchemas(registry, specs);
  const codec = createEventCodec({ registry, registered });
  await migrateDatabase({ mode: 'http', url, database }, { client: QUIET_CLICKHOUSE });
  const ch = createClickHouse({ mode: 'http', url, database }, QUIET_CLICKHOUSE);
  let producer: Producer | null = null;
  const nameOf = (schema: EventTopic): string => {
    const spec = specs.find((s) => s.schema === schema);
    if (spec === undefined) throw new Error(`no topic for ${schema}`);
    return spec.name;
  };
  const connected = async (): Promise<Producer> => {
    producer ??= await kit.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
    return producer;
  };

  return {
    prefix,
    specs,
    database,
    brokers: endpoints.kafkaBrokers,
    schemaRegistryUrl: endpoints.schemaRegistryUrl,
    clickhouseUrl: url,
    kit,
    ch,
    codec,
    topic: nameOf,
    async produce(schema, records) {
      const p = await connected();
      const messages = records.map((r) => ({
        key: r.key,
        value: r.value === null ? null : codec.encode(schema, r.value),
      }));
      // Chunks keep each request well under the broker's message size limit.
      for (let i = 0; i < messages.length; i += 2_000) {
        await p.send({ topic: nameOf(schema), messages: messages.slice(i, i + 2_000), acks: -1 });
      }
    },
    async produceRaw(schema, records) {
      const p = await connected();
      await p.send({ topic: nameOf(schema), messages: [...records], acks: -1 });
    },
    async scalar(sql, params) {
      const rs = await ch.query({
        query: sql,
        format: 'JSONEachRow',
        ...(params ? { query_params: params } : {}),
      });
      const [row] = await rs.json<Record<string, unknown>>();
      return Number(Object.values(row ?? {})[0] ?? Number.NaN);
    },
    async committedRecords(group, schemas) {
      let total = 0;
      for (const schema of schemas) {
        const [entry] = await kit.admin.fetchOffsets({ groupId: group, topics: [nameOf(schema)] });
        for (const p of entry?.partitions ?? []) total += Math.max(0, Number(p.offset));
      }
      return total;
    },
    async cleanup() {
      await ch.command({ query: `DROP DATABASE IF EXISTS ${database} SYNC` }).catch(() => undefined);
      await ch.close();
      const subjects = specs.filter((s) => s.schema !== null).map((s) => valueSubject(s.name));
      await Promise.allSettled(subjects.map((s) => deleteSubject(endpoints.schemaRegistryUrl, s)));
      const existing = await kit.admin.listTopics();
      // DLQs are named dlq.<prefix><name>.v1, so the prefix may sit inside the name.
      const ours = existing.filter((t) => t.includes(prefix));
      if (ours.length > 0) await kit.admin.deleteTopics({ topics: ours }).catch(() => undefined);
      await kit.cleanup();
    },
  };
}

/** Polls until `check` returns true; fails naming what it waited for. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A component that is down (on purpose, in outage tests) reads as "not yet".
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
