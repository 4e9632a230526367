import type { EventLog } from '../runtime/event-log.ts';
import { createKafkaEventLog } from '../kafka/kafka-event-log.ts';
import type { KafkaEventLogOptions } from '../kafka/kafka-event-log.ts';
import { createNativeProducerEventLog } from './native-producer-event-log.ts';

/** Which client writes the processors' transactions (SUBMERGE_KAFKA_WRITER). */
export const KAFKA_WRITERS = { kafkajs: 'kafkajs', librdkafka: 'librdkafka' } as const;
export type KafkaWriter = (typeof KAFKA_WRITERS)[keyof typeof KAFKA_WRITERS];

/** The Kafka event log factory for a writer choice; librdkafka needs the native client installed. */
export function kafkaEventLogFactory(writer: KafkaWriter): (options: KafkaEventLogOptions) => EventLog {
  return writer === KAFKA_WRITERS.librdkafka ? createNativeProducerEventLog : createKafkaEventLog;
}
