import { loadLibrdkafka } from '../../../services/shared/kafka-native/librdkafka-client.ts';
import { createNativeProducerEventLog } from '../../../services/shared/kafka-native/native-producer-event-log.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import type { EventLog } from '../../../services/shared/runtime/event-log.ts';
import type { KafkaFixture } from '../runtime/kafka-fixture.ts';
import { kafkaFixture, TEST_CONSUMER_TUNING } from '../runtime/kafka-fixture.ts';

/** The Kafka fixture with every log (and peer) built by the native-producer adapter. */
export async function nativeProducerFixture(): Promise<KafkaFixture> {
  const base = await kafkaFixture();
  const librdkafka = loadLibrdkafka(componentEndpoints().kafkaNativeModule);
  const logs: EventLog[] = [];
  const open = (): EventLog => {
    const log = createNativeProducerEventLog({
      brokers: base.brokers,
      clientId: 'submerge-test',
      consumer: TEST_CONSUMER_TUNING,
      librdkafka,
    });
    logs.push(log);
    return log;
  };
  return {
    ...base,
    log: open(),
    peer: open,
    async cleanup() {
      await Promise.allSettled(logs.map((l) => l.close()));
      await base.cleanup();
    },
  };
}
