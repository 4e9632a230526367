import { createKafkaEventLog } from '../../../services/shared/kafka/kafka-event-log.ts';
import type { KafkaEventLogOptions } from '../../../services/shared/kafka/kafka-event-log.ts';
import type { EventLog } from '../../../services/shared/runtime/event-log.ts';
import type { EventLogFixture } from '../../contract/event-log-fixture.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { createKafkaTestKit } from '../../helpers/kafka.ts';
import type { KafkaTestKit } from '../../helpers/kafka.ts';

/**
 * Consumer timings for tests: short heartbeats notice a rebalance quickly and a short fetch
 * long-poll lets stop() return quickly. Production keeps the adapter's defaults.
 */
export const TEST_CONSUMER_TUNING = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 500,
  rebalanceTimeoutMs: 20_000,
  maxWaitTimeMs: 250,
} as const;

export type KafkaFixture = EventLogFixture & {
  readonly kit: KafkaTestKit;
  readonly brokers: readonly string[];
};

/** The contract suites' fixture over the local broker; every topic and group is unique and removed afterwards. */
export async function kafkaFixture(options: Partial<KafkaEventLogOptions> = {}): Promise<KafkaFixture> {
  const brokers = componentEndpoints().kafkaBrokers;
  const kit = await createKafkaTestKit({ brokers });
  const logs: EventLog[] = [];
  const open = (): EventLog => {
    const log = createKafkaEventLog({
      brokers,
      clientId: 'submerge-test',
      consumer: TEST_CONSUMER_TUNING,
      ...options,
    });
    logs.push(log);
    return log;
  };
  const log = open();
  const named = new Set<string>();
  return {
    log,
    kit,
    brokers,
    topic: (prefix, partitions, { compacted = false } = {}) =>
      kit.createTopic(prefix, {
        partitions,
        configEntries: compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      }),
    async namedTopic(name, partitions, { compacted = false } = {}) {
      named.add(name);
      await kit.admin.createTopics({
        topics: [
          {
            topic: name,
            numPartitions: partitions,
            configEntries: compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
          },
        ],
        waitForLeaders: true,
      });
      return name;
    },
    group: (prefix) => kit.groupId(prefix),
    peer: open,
    async cleanup() {
      await Promise.allSettled(logs.map((l) => l.close()));
      if (named.size > 0) await kit.admin.deleteTopics({ topics: [...named] }).catch(() => undefined);
      await kit.cleanup();
    },
  };
}
