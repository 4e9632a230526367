import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Admin, IHeaders, KafkaMessage, Message, Producer, TopicMessages } from 'kafkajs';
import type {
  BatchControl,
  ConsumeOptions,
  EventLog,
  LogRecord,
  LogTopic,
  OutgoingRecord,
  ReadToEndOptions,
  Subscription,
  TopicPartitionOffset,
  TransactionalWriter,
} from '../runtime/event-log.ts';
import { EVENT_LOG_KINDS, START_FROM, VALUE_ENCODINGS } from '../runtime/event-log.ts';
import { DEFAULT_RETRY_POLICY, withRetry } from '../runtime/retry.ts';
import type { RetryPolicy } from '../runtime/retry.ts';
import {
  errorCode,
  errorMessage,
  isRebalance,
  RUNTIME_ERROR_CODES,
  RuntimeError,
} from '../runtime/runtime-error.ts';
import type { Logger } from '../logger.ts';
import { coPartitionedAssigner } from './co-partitioned-assigner.ts';
import { kafkajsLogCreator } from './kafkajs-logger.ts';
import { waitForTopics } from './topics.ts';
import { partitionForKey } from '../bus/partition-for-key.ts';
import { defaultCodec } from './value-codec.ts';
import type { ValueCodec } from './value-codec.ts';

export interface KafkaConsumerTuning {
  /** How long the broker waits before declaring a silent member dead (and rebalancing). */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
  /** Fetch long-poll: also bounds how long stop() waits for an idle fetch. */
  readonly maxWaitTimeMs?: number;
  readonly maxBytesPerPartition?: number;
}

export interface KafkaEventLogOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /** Values ↔ bytes per topic (Avro via the registry in the pipeline; JSON by default). */
  readonly codec?: ValueCodec;
  readonly logger?: Logger;
  readonly consumer?: KafkaConsumerTuning;
  /** The broker aborts a transaction left open this long (a crashed instance that never returns). */
  readonly transactionTimeoutMs?: number;
  /** Retries of retriable decode failures (registry unreachable) before the subscription crashes. */
  readonly decodeRetry?: RetryPolicy;
}

const REBALANCE_TYPES = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);
const FENCED_TYPES = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

/** kafkajs reports fencing with its own types; we report it under one stable code. */
function translateKafkaError(error: unknown): unknown {
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && FENCED_TYPES.has(type)) {
    return new RuntimeError(RUNTIME_ERROR_CODES.fenced, errorMessage(error), { cause: error });
  }
  return error;
}

async function translated<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw translateKafkaError(error);
  }
}

function headerText(value: IHeaders[string]): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return null;
  return typeof first === 'string' ? first : first.toString('utf8');
}

function readHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  // for-in rather than Object.entries: no arrays per record for the usual empty headers.
  for (const name in headers) {
    const text = headerText(headers[name]);
    if (text !== null) out[name] = text;
  }
  return out;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * The Kafka adapter of the event log (kafkajs). Consumers read committed data only, use the
 * co-partitioned assigner and never auto-commit: offsets move only inside transactions or by
 * `setCommittedOffsets`. Every subscription, writer and read gets its own kafkajs client, so
 * a crash or a rebalance of one never disturbs another.
 */
export function createKafkaEventLog({
  brokers,
  clientId = 'submerge',
  codec = defaultCodec,
  logger,
  consumer: tuning = {},
  transactionTimeoutMs = 60_000,
  decodeRetry = DEFAULT_RETRY_POLICY,
}: KafkaEventLogOptions): EventLog {
  const kafka = new Kafka({
    clientId,
    brokers: [...brokers],
    retry: { retries: 8, initialRetryTime: 100 },
    ...(logger === undefined
      ? { logLevel: logLevel.NOTHING }
      : { logLevel: logLevel.WARN, logCreator: kafkajsLogCreator(logger) }),
  });
  const consumerConfig = {
    sessionTimeout: tuning.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: tuning.heartbeatIntervalMs ?? 3_000,
    rebalanceTimeout: tuning.rebalanceTimeoutMs ?? 60_000,
    maxWaitTimeInMs: tuning.maxWaitTimeMs ?? 1_000,
    ...(tuning.maxBytesPerPartition === undefined
      ? {}
      : { maxBytesPerPartition: tuning.maxBytesPerPartition }),
    readUncommitted: false,
    allowAutoTopicCreation: false,
  };

  let admin: Promise<Admin> | null = null;
  let producer: Promise<Producer> | null = null;
  const closers = new Set<() => Promise<void>>();

  const adminClient = (): Promise<Admin> => {
    admin ??= (async () => {
      const client = kafka.admin();
      await client.connect();
      return client;
    })();
    return admin;
  };

  const plainProducer = (): Promise<Producer> => {
    producer ??= (async () => {
      const client = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
      await client.connect();
      return client;
    })();
    return producer;
  };

  const encodeValue = (record: OutgoingRecord): Buffer | null | Promise<Buffer> => {
    if (record.value === null) return null;
    if (record.encoding === VALUE_ENCODINGS.raw) {
      if (!(record.value instanceof Uint8Array)) {
        throw new TypeError(`${record.topic}: a raw value must be a Uint8Array`);
      }
      return Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength);
    }
    return codec.encode(record.topic, record.value);
  };

  // Partition counts never change for a topic (a new count means a new topic), so they are cached.
  const partitionCounts = new Map<string, Promise<number>>();
  const knownPartitionCounts = new Map<string, number>();
  const partitionsOf = (topic: string): Promise<number> => {
    let count = partitionCounts.get(topic);
    if (count === undefined) {
      count = countPartitions(topic);
      count.catch(() => partitionCounts.delete(topic));
      partitionCounts.set(topic, count);
    }
    return count;
  };

  // No await per record unless something is really pending (a codec lookup, a first partition
  // count): each one is a microtask turn, and a transaction carries thousands of records.
  const toTopicMessages = async (records: readonly OutgoingRecord[]): Promise<TopicMessages[]> => {
    const byTopic = new Map<string, Message[]>();
    for (const record of records) {
      let list = byTopic.get(record.topic);
      if (list === undefined) {
        list = [];
        byTopic.set(record.topic, list);
      }
      const encoded = encodeValue(record);
      const value = isPromiseLike(encoded) ? await encoded : encoded;
      // The partition kafkajs' default partitioner would pick (murmur2 of the key), decided here
      // so requests can be sized per partition batch, and without kafkajs' slow Long arithmetic.
      let partition = record.partition;
      if (partition === undefined && record.key !== null) {
        let count = knownPartitionCounts.get(record.topic);
        if (count === undefined) {
          count = await partitionsOf(record.topic);
          knownPartitionCounts.set(record.topic, count);
        }
        partition = partitionForKey(record.key, count);
      }
      const message: Message = { key: record.key, value };
      if (partition !== undefined) message.partition = partition;
      if (record.headers !== undefined) message.headers = { ...record.headers };
      list.push(message);
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  };

  /**
   * A retriable decode failure (registry down) throws; any other makes the record undecodable.
   * Synchronous while the codec is (its writer schema known), so a batch costs no promise per record.
   */
  const decode = (
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): LogRecord | Promise<LogRecord> => {
    const record = (value: unknown, decodeFailure: LogRecord['decodeFailure']): LogRecord => ({
      topic,
      partition,
      offset: message.offset,
      key: message.key === null ? null : message.key.toString('utf8'),
      timestamp: Number(message.timestamp),
      headers: readHeaders(message.headers),
      raw: message.value,
      value,
      decodeFailure,
    });
    const failed = (error: unknown): LogRecord => {
      if ((error as { retriable?: unknown } | null)?.retriable === true) throw error;
      return record(null, { code: errorCode(error), message: errorMessage(error) });
    };
    if (message.value === null) return record(null, null);
    let value: unknown;
    try {
      value = codec.decode(topic, message.value);
    } catch (error) {
      return failed(error);
    }
    return isPromiseLike(value)
      ? Promise.resolve(value).then((v) => record(v, null), failed)
      : record(value, null);
  };

  const decodeAll = async (
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
  ): Promise<LogRecord[]> => {
    const records = messages.map((m) => decode(topic, partition, m));
    // The slow path (a writer schema being fetched) awaits each record.
    return records.some(isPromiseLike) ? Promise.all(records.map(async (r) => r)) : (records as LogRecord[]);
  };

  const byTopic = (offsets: readonly TopicPartitionOffset[]) => {
    const grouped = new Map<string, { partition: number; offset: string }[]>();
    for (const { topic, partition, offset } of offsets) {
      const list = grouped.get(topic) ?? [];
      list.push({ partition, offset });
      grouped.set(topic, list);
    }
    return grouped;
  };

  const endOffsets = async (topic: string): Promise<Map<number, string>> => {
    const client = await adminClient();
    // kafkajs' admin lists offsets read_committed: these are last stable offsets.
    const offsets = await topicOffsets(client, topic);
    return new Map(offsets.map((o) => [o.partition, o.high]));
  };

  async function countPartitions(topic: string): Promise<number> {
    const client = await adminClient();
    try {
      const { topics } = await client.fetchTopicMetadata({ topics: [topic] });
      const count = topics[0]?.partitions.length ?? 0;
      if (count === 0) throw new Error('no partitions');
      return count;
    } catch (cause) {
      throw new RuntimeError(RUNTIME_ERROR_CODES.unknownTopic, `topic ${topic} does not exist`, { cause });
    }
  }

  const consume = async (options: ConsumeOptions): Promise<Subscription> => {
    const consumer = kafka.consumer({
      ...consumerConfig,
      groupId: options.group,
      partitionAssigners: [coPartitionedAssigner],
      // We decide what is retriable; kafkajs must not restart a consumer we let crash.
      retry: { retries: 5, restartOnFailure: () => Promise.resolve(false) },
    });
    let settle: { resolve(): void; reject(error: unknown): void } = { resolve: () => {}, reject: () => {} };
    const done = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    done.catch(() => undefined);
    let handlerError: unknown = null;
    let stopping = false;

    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      options.onAssignment?.(new Map(Object.entries(payload.memberAssignment)));
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      settle.reject(handlerError ?? payload.error);
      closers.delete(stop);
    });

    const stop = async (): Promise<void> => {
      if (stopping) return done.catch(() => undefined);
      stopping = true;
      closers.delete(stop);
      await consumer.disconnect();
      settle.resolve();
    };

    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: [...options.topics],
        fromBeginning: options.startFrom !== START_FROM.latest,
      });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: async (payload) => {
          const { batch } = payload;
          // Stale: fetched before a startAt seek took effect; the partition is fetched again from there.
          if (batch.messages.length === 0 || payload.isStale()) return;
          const control: BatchControl = {
            heartbeat: async () => {
              try {
                await payload.heartbeat();
              } catch (error) {
                const type = (error as { type?: unknown } | null)?.type;
                if (typeof type === 'string' && REBALANCE_TYPES.has(type)) {
                  throw new RuntimeError(RUNTIME_ERROR_CODES.rebalance, errorMessage(error), {
                    cause: error,
                  });
                }
                throw error;
              }
            },
            isActive: () => payload.isRunning() && !payload.isStale(),
            markConsumed: (offset) => payload.resolveOffset(offset),
          };
          try {
            const records = await withRetry(
              () => decodeAll(batch.topic, batch.partition, batch.messages),
              decodeRetry,
              { keepAlive: () => control.heartbeat(), shouldStop: () => !control.isActive() },
            );
            await options.eachBatch(
              { topic: batch.topic, partition: batch.partition, records, highWatermark: batch.highWatermark },
              control,
            );
          } catch (error) {
            // kafkajs rejoins the group when it sees its own rebalance error; anything else ends the subscription.
            if (isRebalance(error) && error instanceof RuntimeError && error.cause instanceof Error)
              throw error.cause;
            handlerError = error;
            throw Object.assign(new Error(errorMessage(error), { cause: error }), { retriable: false });
          }
        },
      });
      // The group's first fetch applies these (kafkajs drops batches fetched before a seek).
      for (const o of options.startAt ?? []) consumer.seek(o);
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    closers.add(stop);
    return { stop, done };
  };

  const readToEnd = async (
    topic: string,
    { partitions, from, until, onRecords }: ReadToEndOptions,
  ): Promise<void> => {
    const client = await adminClient();
    const offsets = await topicOffsets(client, topic);
    const wanted = new Set(partitions ?? offsets.map((o) => o.partition));
    // Per wanted partition, the offset of the last record to read (end - 1), when there is one.
    const lastToRead = new Map<number, bigint>();
    // Per partition read from an offset past its start: where to seek, and below which records are stale.
    const firstToRead = new Map<number, bigint>();
    for (const o of offsets) {
      if (!wanted.has(o.partition)) continue;
      const stop = until?.get(o.partition);
      const high = stop === undefined || BigInt(stop) > BigInt(o.high) ? BigInt(o.high) : BigInt(stop);
      const start = BigInt(from?.get(o.partition) ?? o.low);
      const low = start > BigInt(o.low) ? start : BigInt(o.low);
      if (high <= low) continue;
      lastToRead.set(o.partition, high - 1n);
      if (low > BigInt(o.low)) firstToRead.set(o.partition, low);
    }
    if (lastToRead.size === 0) return;

    const consumer = kafka.consumer({
      ...consumerConfig,
      groupId: `${clientId}.read.${randomBytes(6).toString('hex')}`,
      maxWaitTimeInMs: 100,
      retry: { retries: 5, restartOnFailure: () => Promise.resolve(false) },
    });
    let finish: { resolve(): void; reject(error: unknown): void } = { resolve: () => {}, reject: () => {} };
    const finished = new Promise<void>((resolve, reject) => {
      finish = { resolve, reject };
    });
    const reached = (partition: number, offset: string): void => {
      const last = lastToRead.get(partition);
      if (last !== undefined && BigInt(offset) >= last) {
        lastToRead.delete(partition);
        consumer.pause([{ topic, partitions: [partition] }]);
      }
      if (lastToRead.size === 0) finish.resolve();
    };
    // Batches of only aborted records or transaction markers never reach eachBatch, but they
    // still end a batch: this is how a partition whose tail is a marker is seen to be done.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic !== topic) return;
      // A batch fetched before the seek below took effect says nothing about the range asked for.
      const first = firstToRead.get(payload.partition);
      const batchFirst = payload.firstOffset as string | null;
      if (first !== undefined && batchFirst !== null && BigInt(batchFirst) < first) return;
      reached(payload.partition, payload.lastOffset);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => finish.reject(payload.error));
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const last = lastToRead.get(batch.partition);
          if (last === undefined) {
            consumer.pause([{ topic, partitions: [batch.partition] }]);
            return;
          }
          try {
            const first = firstToRead.get(batch.partition) ?? 0n;
            const inRange = batch.messages.filter(
              (m) => BigInt(m.offset) <= last && BigInt(m.offset) >= first,
            );
            const records = await decodeAll(topic, batch.partition, inRange);
            if (records.length > 0) await onRecords(records);
            const tail = inRange.at(-1);
            if (tail !== undefined) reached(batch.partition, tail.offset);
          } catch (error) {
            finish.reject(error);
          }
        },
      });
      for (const [partition, offset] of firstToRead)
        consumer.seek({ topic, partition, offset: String(offset) });
      await finished;
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  };

  const transactionalWriter = async (id: string): Promise<TransactionalWriter> => {
    const client = kafka.producer({
      transactionalId: id,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: transactionTimeoutMs,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await translated(() => client.connect());
    // Claiming the id now (not at the first transaction) fences a predecessor with the same id
    // and makes the coordinator abort the transaction it left open before we read anything.
    await translated(async () => {
      const claim = await client.transaction();
      await claim.abort();
    });
    const close = async (): Promise<void> => {
      closers.delete(close);
      await client.disconnect();
    };
    closers.add(close);
    return {
      async begin() {
        const tx = await translated(() => client.transaction());
        return {
          append: async (records) => {
            // One request per piece: kafkajs puts a partition's messages of a request in one record
            // batch, and the broker refuses batches over message.max.bytes (a big fan-out would be).
            for (const topicMessages of splitBySize(await toTopicMessages(records))) {
              await translated(() => tx.sendBatch({ topicMessages }));
            }
          },
          commitOffsets: (group, offsets) =>
            translated(() =>
              tx.sendOffsets({
                consumerGroupId: group,
                topics: [...byTopic(offsets)].map(([topic, partitions]) => ({ topic, partitions })),
              }),
            ),
          commit: () => translated(() => tx.commit()),
          abort: () => translated(() => (tx.isActive() ? tx.abort() : Promise.resolve())),
        };
      },
      close,
    };
  };

  return {
    kind: EVENT_LOG_KINDS.kafka,

    async ensureTopics(topics: readonly LogTopic[]) {
      const client = await adminClient();
      const present = new Set(await client.listTopics());
      const missing = topics.filter((topic) => !present.has(topic.name));
      for (const topic of missing) {
        // One topic per request: kafkajs reports "already exists" only when every topic of a request did.
        await client.createTopics({
          topics: [
            {
              topic: topic.name,
              numPartitions: topic.partitions,
              configEntries: [{ name: 'cleanup.policy', value: topic.compacted ? 'compact' : 'delete' }],
            },
          ],
          // kafkajs' own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers
          // until the new topic's metadata has propagated (seen under load); waitForTopics tolerates it.
          waitForLeaders: false,
        });
      }
      if (missing.length > 0)
        await waitForTopics(
          client,
          missing.map((t) => t.name),
        );
    },

    async partitionCount(topic) {
      const client = await adminClient();
      try {
        const { topics } = await client.fetchTopicMetadata({ topics: [topic] });
        const count = topics[0]?.partitions.length ?? 0;
        if (count === 0) throw new Error('no partitions');
        return count;
      } catch (cause) {
        throw new RuntimeError(RUNTIME_ERROR_CODES.unknownTopic, `topic ${topic} does not exist`, { cause });
      }
    },

    async append(records) {
      if (records.length === 0) return;
      const client = await plainProducer();
      for (const topicMessages of splitBySize(await toTopicMessages(records))) {
        await client.sendBatch({ topicMessages, acks: -1 });
      }
    },

    endOffsets,

    async offsetsForTimestamp(topic, timestamp) {
      const client = await adminClient();
      const [found, ends] = await Promise.all([
        client.fetchTopicOffsetsByTimestamp(topic, timestamp),
        endOffsets(topic),
      ]);
      return new Map(
        found.map((o) => [o.partition, o.offset === '-1' ? (ends.get(o.partition) ?? '0') : o.offset]),
      );
    },

    async committedOffsets(group, topic) {
      const client = await adminClient();
      const [entry] = await client.fetchOffsets({ groupId: group, topics: [topic] });
      return new Map(
        (entry?.partitions ?? []).filter((p) => BigInt(p.offset) >= 0n).map((p) => [p.partition, p.offset]),
      );
    },

    async setCommittedOffsets(group, offsets) {
      const client = await adminClient();
      for (const [topic, partitions] of byTopic(offsets)) {
        try {
          await client.setOffsets({ groupId: group, topic, partitions });
        } catch (error) {
          if (/no running instances|running/i.test(errorMessage(error))) {
            throw new RuntimeError(RUNTIME_ERROR_CODES.groupActive, `group ${group} has active members`, {
              cause: error,
            });
          }
          throw error;
        }
      }
    },

    readToEnd,
    consume,
    transactionalWriter,

    async close() {
      await Promise.allSettled([...closers].map((close) => close()));
      const clients = await Promise.allSettled([admin, producer].filter((c) => c !== null));
      await Promise.allSettled(
        clients.flatMap((c) => (c.status === 'fulfilled' && c.value !== null ? [c.value.disconnect()] : [])),
      );
      admin = null;
      producer = null;
    },
  };
}

/**
 * Bytes per partition batch: kafkajs sends a partition's messages of one request as one record
 * batch, and the broker refuses a batch over message.max.bytes (1 MiB by default).
 */
const MAX_BATCH_BYTES = 768 * 1024;
/** Bytes per produce request, all partitions together: few round trips, far under socket.request.max.bytes. */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024;
/** kafkajs groups a request's messages per partition by copying the partition's list for each message (quadratic). */
const MAX_BATCH_MESSAGES = 256;

/**
 * Splits messages into requests whose partition batches stay under MAX_BATCH_BYTES (a bigger
 * single message goes alone: its topic allows it) and whose total stays under
 * MAX_REQUEST_BYTES, keeping each partition's order. Messages without a partition (no key) may
 * all land on one partition, so they share one budget per topic.
 */
function splitBySize(topicMessages: readonly TopicMessages[]): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  let current = new Map<string, Message[]>();
  // Per topic, per partition (-1: no partition): bytes and messages in the current request.
  let batches = new Map<string, Map<number, { bytes: number; messages: number }>>();
  let size = 0;
  const flush = (): void => {
    if (current.size > 0) requests.push([...current].map(([topic, messages]) => ({ topic, messages })));
    current = new Map();
    batches = new Map();
    size = 0;
  };
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const bytes = messageBytes(message);
      const partition = message.partition ?? -1;
      let held = batches.get(topic)?.get(partition);
      const full =
        (held?.bytes ?? 0) + bytes > MAX_BATCH_BYTES || (held?.messages ?? 0) >= MAX_BATCH_MESSAGES;
      if (size > 0 && (full || size + bytes > MAX_REQUEST_BYTES)) {
        flush();
        held = undefined;
      }
      let list = current.get(topic);
      if (list === undefined) {
        list = [];
        current.set(topic, list);
      }
      list.push(message);
      if (held === undefined) {
        let partitions = batches.get(topic);
        if (partitions === undefined) {
          partitions = new Map();
          batches.set(topic, partitions);
        }
        held = { bytes: 0, messages: 0 };
        partitions.set(partition, held);
      }
      held.bytes += bytes;
      held.messages += 1;
      size += bytes;
    }
  }
  flush();
  return requests;
}

function messageBytes(message: Message): number {
  const length = (v: Message['key'] | Message['value']): number =>
    v === null || v === undefined ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength;
  let headers = 0;
  const all = message.headers;
  for (const name in all) {
    const value = all[name];
    headers +=
      name.length + (Array.isArray(value) ? value.reduce((n, v) => n + length(v), 0) : length(value));
  }
  // Per-record overhead in a v2 batch: varints for lengths, offset and timestamp deltas.
  return length(message.key) + length(message.value) + headers + 24;
}

/**
 * admin.fetchTopicOffsets, tolerant of a topic created moments ago: while kafkajs' cached
 * metadata has no leader for its partitions it sends no request and fails with a TypeError on
 * the empty answer. Refreshing the topic's metadata and asking again fixes it within a few tries.
 */
async function topicOffsets(client: Admin, topic: string): ReturnType<Admin['fetchTopicOffsets']> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await client.fetchTopicOffsets(topic);
    } catch (error) {
      if (!(error instanceof TypeError) || attempt >= 20) throw error;
      await client.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempt, 500)));
    }
  }
}
