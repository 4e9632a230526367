import type {
  LogTransaction,
  OutgoingRecord,
  TopicPartitionOffset,
  TransactionalWriter,
} from '../runtime/event-log.ts';
import { VALUE_ENCODINGS } from '../runtime/event-log.ts';
import { errorMessage, RUNTIME_ERROR_CODES, RuntimeError } from '../runtime/runtime-error.ts';
import { partitionForKey } from '../bus/partition-for-key.ts';
import type { Logger } from '../logger.ts';
import type { ValueCodec } from '../kafka/value-codec.ts';
import { call, NATIVE_KAFKA_ERROR_CODES, NativeKafkaError } from './librdkafka-client.ts';
import type {
  LibrdkafkaError,
  LibrdkafkaModule,
  NativeConsumer,
  NativeHeaders,
} from './librdkafka-client.ts';

/** librdkafka codes that mean another instance owns the transactional id now. */
const FENCED_CODES = new Set([
  -144, // ERR__FENCED
  47, // ERR_INVALID_PRODUCER_EPOCH
  53, // ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED
  90, // ERR_PRODUCER_FENCED
]);
const QUEUE_FULL = -184;

export interface NativeWriterOptions {
  readonly librdkafka: LibrdkafkaModule;
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly codec: ValueCodec;
  readonly transactionTimeoutMs: number;
  /** Partition count of a topic (cached by the caller): keyed records go to murmur2(key) % count. */
  readonly partitionsOf: (topic: string) => Promise<number>;
  readonly logger?: Logger;
}

function isLibrdkafkaError(error: unknown): error is LibrdkafkaError {
  return (
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number'
  );
}

/** librdkafka's numeric errors under the runtime's string codes (fencing) or one native code. */
export function translateNativeError(error: unknown): unknown {
  if (!isLibrdkafkaError(error)) return error;
  if (FENCED_CODES.has(error.code)) {
    return new RuntimeError(RUNTIME_ERROR_CODES.fenced, error.message, { cause: error });
  }
  // An abortable transaction error is retriable for the run loop: it aborts and redoes the chunk.
  const retriable =
    error.isFatal !== true && (error.isRetriable === true || error.isTxnRequiresAbort === true);
  return new NativeKafkaError(NATIVE_KAFKA_ERROR_CODES.librdkafka, error.message, {
    retriable,
    librdkafkaCode: error.code,
    cause: error,
  });
}

async function translated<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw translateNativeError(error);
  }
}

/**
 * A transactional writer on librdkafka. produce() only queues (no per-record promise or
 * delivery report: that per-record JS work is what makes kafkajs expensive); commit flushes and
 * fails, abortably, if any record of the transaction was not delivered.
 *
 * Offsets are committed through a librdkafka consumer per group that never subscribes: it only
 * supplies the group id (generation -1, no member id), which is what kafkajs' sendOffsets sends
 * too. The group's members stay kafkajs consumers with the co-partitioned assigner, and the run
 * loop's heartbeat before commit stays what keeps a member that lost its partitions from
 * committing.
 */
export async function createNativeTransactionalWriter(
  id: string,
  { librdkafka, brokers, clientId, codec, transactionTimeoutMs, partitionsOf, logger }: NativeWriterOptions,
): Promise<TransactionalWriter> {
  const callTimeoutMs = transactionTimeoutMs;
  const producer = new librdkafka.Producer({
    'bootstrap.servers': brokers.join(','),
    'client.id': clientId,
    'transactional.id': id,
    'enable.idempotence': true,
    'transaction.timeout.ms': transactionTimeoutMs,
    'linger.ms': 5,
    dr_cb: false,
  });
  producer.on('event.error', (error) => {
    logger?.warn({ err: error, transactionalId: id }, 'librdkafka producer error');
  });
  await translated(() => call<unknown>((done) => producer.connect({}, done)));
  producer.setPollInterval(100);
  // Claiming the id fences a predecessor with the same id and makes the coordinator abort the
  // transaction it left open, before the caller reads anything.
  await translated(() => call((done) => producer.initTransactions(callTimeoutMs, done)));

  const groupConsumers = new Map<string, Promise<NativeConsumer>>();
  const consumerOf = (group: string): Promise<NativeConsumer> => {
    let consumer = groupConsumers.get(group);
    if (consumer === undefined) {
      consumer = (async () => {
        const c = new librdkafka.KafkaConsumer({
          'bootstrap.servers': brokers.join(','),
          'client.id': `${clientId}.offsets`,
          'group.id': group,
          'enable.auto.commit': false,
        });
        c.on('event.error', (error) => {
          logger?.warn({ err: error, group }, 'librdkafka offsets consumer error');
        });
        await call<unknown>((done) => c.connect({}, done));
        return c;
      })();
      consumer.catch(() => groupConsumers.delete(group));
      groupConsumers.set(group, consumer);
    }
    return consumer;
  };

  const encode = async (record: OutgoingRecord): Promise<Buffer | null> => {
    if (record.value === null) return null;
    if (record.encoding === VALUE_ENCODINGS.raw) {
      if (!(record.value instanceof Uint8Array)) {
        throw new TypeError(`${record.topic}: a raw value must be a Uint8Array`);
      }
      return Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength);
    }
    return codec.encode(record.topic, record.value);
  };

  const produce = async (record: OutgoingRecord): Promise<void> => {
    const value = await encode(record);
    const partition =
      record.partition ??
      (record.key === null ? null : partitionForKey(record.key, await partitionsOf(record.topic)));
    const headers: NativeHeaders | undefined =
      record.headers === undefined ? undefined : Object.entries(record.headers).map(([k, v]) => ({ [k]: v }));
    for (;;) {
      try {
        producer.produce(record.topic, partition, value, record.key, null, null, headers);
        return;
      } catch (error) {
        // The local queue is full: let librdkafka send some, then queue again.
        if (!isLibrdkafkaError(error) || error.code !== QUEUE_FULL) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  };

  let open = false;
  let closed = false;
  const notOpen = (what: string): RuntimeError =>
    new RuntimeError(RUNTIME_ERROR_CODES.transactionState, `${what}: the transaction is finished`);

  return {
    async begin(): Promise<LogTransaction> {
      if (closed) throw new RuntimeError(RUNTIME_ERROR_CODES.closed, `writer ${id} is closed`);
      if (open) throw new RuntimeError(RUNTIME_ERROR_CODES.transactionState, 'a transaction is already open');
      await translated(() => call((done) => producer.beginTransaction(done)));
      open = true;
      let active = true;
      const finish = (): void => {
        active = false;
        open = false;
      };
      return {
        async append(records) {
          if (!active) throw notOpen('append');
          await translated(async () => {
            for (const record of records) await produce(record);
          });
        },
        async commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]) {
          if (!active) throw notOpen('commitOffsets');
          const consumer = await translated(() => consumerOf(group));
          await translated(() =>
            call((done) =>
              producer.sendOffsetsToTransaction(
                offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) })),
                consumer,
                callTimeoutMs,
                done,
              ),
            ),
          );
        },
        async commit() {
          if (!active) throw notOpen('commit');
          await translated(() => call((done) => producer.commitTransaction(callTimeoutMs, done)));
          finish();
        },
        async abort() {
          if (!active) return;
          try {
            await translated(() => call((done) => producer.abortTransaction(callTimeoutMs, done)));
          } finally {
            finish();
          }
        },
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      const consumers = await Promise.allSettled([...groupConsumers.values()]);
      await Promise.allSettled([
        call<unknown>((done) => producer.disconnect(callTimeoutMs, done)),
        ...consumers.flatMap((c) =>
          c.status === 'fulfilled' ? [call<unknown>((done) => c.value.disconnect(done))] : [],
        ),
      ]).then((results) => {
        for (const r of results) {
          if (r.status === 'rejected')
            logger?.warn({ err: errorMessage(r.reason) }, 'librdkafka disconnect failed');
        }
      });
    },
  };
}
