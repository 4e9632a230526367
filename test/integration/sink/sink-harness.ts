import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createClickHouse } from '../../../services/shared/clickhouse/create-client.ts';
import { createAvroValueCodec } from '../../../services/shared/kafka/avro-value-codec.ts';
import { createKafkaEventLog } from '../../../services/shared/kafka/kafka-event-log.ts';
import { defaultCodec } from '../../../services/shared/kafka/value-codec.ts';
import {
  createEventCodec,
  createSchemaRegistryClient,
} from '../../../services/shared/kafka/schema-registry.ts';
import { sinkEventTypes } from '../../../services/sink/sink-event-types.ts';
import type { EventLog } from '../../../services/shared/runtime/event-log.ts';
import { runSink } from '../../../services/sink/run-sink.ts';
import type { RunSinkOptions, SinkRun } from '../../../services/sink/run-sink.ts';
import { createSinkMetrics } from '../../../services/sink/sink-metrics.ts';
import { sinkRoutes } from '../../../services/sink/sink-routes.ts';
import { uniqueName } from '../../helpers/kafka.ts';
import { QUIET_CLICKHOUSE } from './sink-fixture.ts';
import type { SinkFixture } from './sink-fixture.ts';

/** Short heartbeats and fetch waits: a test notices rebalances and stops quickly. */
export const TEST_CONSUMER = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 500,
  rebalanceTimeoutMs: 20_000,
  maxWaitTimeMs: 250,
} as const;

export interface InProcessSink {
  readonly run: SinkRun;
  readonly group: string;
  readonly log: EventLog;
  readonly registry: Registry;
  stop(): Promise<void>;
}

/** runSink in this process over the fixture's topics, writing to `clickhouseUrl` (default: the fixture's). */
export async function startSink(
  fixture: SinkFixture,
  overrides: Partial<Pick<RunSinkOptions, 'maxBatchRecords' | 'flushIntervalMs' | 'insertRetry'>> & {
    readonly group?: string;
    readonly clickhouseUrl?: string;
  } = {},
): Promise<InProcessSink> {
  const group = overrides.group ?? `${fixture.prefix}${uniqueName('sink')}`;
  const log = createKafkaEventLog({
    brokers: fixture.brokers,
    clientId: 'submerge-test-sink',
    // As the service decodes: writer schemas by id, the sink's reader schemas.
    codec: createAvroValueCodec({
      eventCodec: createEventCodec({
        registry: createSchemaRegistryClient({ url: fixture.schemaRegistryUrl }),
        registered: new Map(),
        types: sinkEventTypes(),
      }),
      specs: fixture.specs,
      fallback: defaultCodec,
    }),
    consumer: TEST_CONSUMER,
  });
  const clickhouse = createClickHouse(
    { mode: 'http', url: overrides.clickhouseUrl ?? fixture.clickhouseUrl, database: fixture.database },
    QUIET_CLICKHOUSE,
  );
  const registry = new Registry();
  const run = await runSink({
    log,
    clickhouse,
    routes: sinkRoutes({ prefix: fixture.prefix }),
    group,
    transactionalId: `${group}-0`,
    dlqTopic: `dlq.${group}.v1`,
    logger: pino({ level: process.env['SUBMERGE_TEST_LOG'] ?? 'silent' }),
    metrics: createSinkMetrics(registry),
    heartbeatEveryMs: 250,
    ...(overrides.maxBatchRecords === undefined ? {} : { maxBatchRecords: overrides.maxBatchRecords }),
    flushIntervalMs: overrides.flushIntervalMs ?? 200,
    ...(overrides.insertRetry === undefined ? {} : { insertRetry: overrides.insertRetry }),
  });
  return {
    run,
    group,
    log,
    registry,
    async stop() {
      await run.stop();
      await log.close();
      await clickhouse.close();
    },
  };
}
