import type { EventLog } from '../runtime/event-log.ts';
import { createKafkaEventLog } from '../kafka/kafka-event-log.ts';
import type { KafkaEventLogOptions } from '../kafka/kafka-event-log.ts';
import { tryLoadLibrdkafka, loadLibrdkafka } from './librdkafka-client.ts';
import { createNativeProducerEventLog } from './native-producer-event-log.ts';

/**
 * Which client writes the processors' transactions (SUBMERGE_KAFKA_WRITER). `auto` picks
 * librdkafka when its addon loads (about a fifth of kafkajs' CPU per record written) and kafkajs
 * otherwise, so a machine without the native build still runs, only slower.
 */
export const KAFKA_WRITERS = { auto: 'auto', kafkajs: 'kafkajs', librdkafka: 'librdkafka' } as const;
export type KafkaWriter = (typeof KAFKA_WRITERS)[keyof typeof KAFKA_WRITERS];

export interface KafkaWriterChoice {
  /** The client that writes: never `auto`. */
  readonly writer: Exclude<KafkaWriter, 'auto'>;
  readonly createLog: (options: KafkaEventLogOptions) => EventLog;
}

/**
 * The Kafka event log factory for a writer choice. `librdkafka` fails at once with
 * NATIVE_KAFKA_CLIENT_MISSING when the addon does not load; `auto` falls back instead.
 */
export function kafkaEventLogFactory(writer: KafkaWriter, nativeModulePath?: string): KafkaWriterChoice {
  const librdkafka =
    writer === KAFKA_WRITERS.librdkafka
      ? loadLibrdkafka(nativeModulePath)
      : writer === KAFKA_WRITERS.auto
        ? tryLoadLibrdkafka(nativeModulePath)
        : undefined;
  if (librdkafka === undefined) return { writer: KAFKA_WRITERS.kafkajs, createLog: createKafkaEventLog };
  return {
    writer: KAFKA_WRITERS.librdkafka,
    createLog: (options) => createNativeProducerEventLog({ ...options, librdkafka }),
  };
}
