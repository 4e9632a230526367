/**
 * The ClickHouse sink as a service: every pipeline topic into the history tables.
 *
 *   node --import tsx services/sink/main.ts [--group G] [--batch-records N]
 *     [--flush-interval-ms MS] [--start-from earliest|latest] [--session-timeout-ms MS]
 *     [--migrate apply|check]
 *
 * Environment: SUBMERGE_KAFKA_BROKERS, SUBMERGE_SCHEMA_REGISTRY_URL, SUBMERGE_CLICKHOUSE_URL
 * (+ _USER, _PASSWORD, _DATABASE), SUBMERGE_TOPIC_PREFIX, SUBMERGE_TOPICS_VERSION,
 * SUBMERGE_INSTANCE_ID (names the transactional id: stable per instance, unique among live
 * ones); /live, /ready and /metrics on SUBMERGE_HTTP_HOST:SUBMERGE_METRICS_PORT (a free port
 * when unset, logged). Applies the ClickHouse migrations before consuming, waiting for
 * ClickHouse when it is not up yet.
 */
import { ClickHouseLogLevel } from '@clickhouse/client';
import { isRetriableClickHouseError } from '../shared/clickhouse/clickhouse-retriable.ts';
import { createClickHouse } from '../shared/clickhouse/create-client.ts';
import type { ClickHouseConfig } from '../shared/clickhouse/clickhouse-config.ts';
import { loadMigrations } from '../shared/clickhouse/migration-files.ts';
import { migrateDatabase, migrationStatus } from '../shared/clickhouse/migrate.ts';
import { loadConfig } from '../shared/config/load-config.ts';
import { dlqTopic } from '../core/processing/processor.ts';
import { startHealthServer } from '../shared/health/health-server.ts';
import { createAvroValueCodec } from '../shared/kafka/avro-value-codec.ts';
import { createKafkaEventLog } from '../shared/kafka/kafka-event-log.ts';
import { createEventCodec, createSchemaRegistryClient } from '../shared/kafka/schema-registry.ts';
import { defaultCodec } from '../shared/kafka/value-codec.ts';
import { createLogger } from '../shared/logger.ts';
import { createMetricsRegistry } from '../shared/metrics/metrics-registry.ts';
import { withRetry } from '../shared/runtime/retry.ts';
import { stopOnSignals } from '../shared/runtime/shutdown.ts';
import { runSink, SINK_INSERT_RETRY, SINK_NAME } from './run-sink.ts';
import { sinkEventTypes } from './sink-event-types.ts';
import { createSinkMetrics } from './sink-metrics.ts';
import { parseSinkOptions } from './sink-options.ts';
import { sinkGroup, sinkRoutes, sinkTopicSpecs } from './sink-routes.ts';
import { ensureSinkTopics } from './sink-topics.ts';

const EXIT = { config: 2, crashed: 1 } as const;

function die(problems: readonly string[]): never {
  process.stderr.write(`sink: invalid configuration:\n  - ${problems.join('\n  - ')}\n`);
  process.exit(EXIT.config);
}

const parsed = parseSinkOptions(process.argv.slice(2));
if (!parsed.ok) die(parsed.problems);
const options = parsed.options;
let env: ReturnType<typeof loadConfig>;
try {
  env = loadConfig({ ...process.env, SUBMERGE_MODE: 'distributed' });
} catch (error) {
  die((error as { problems?: readonly string[] }).problems ?? [String(error)]);
}
const {
  SUBMERGE_KAFKA_BROKERS: brokers = [],
  SUBMERGE_SCHEMA_REGISTRY_URL: registryUrl = '',
  SUBMERGE_CLICKHOUSE_URL: clickhouseUrl = '',
} = env;

const logger = createLogger({ service: SINK_NAME, level: env.SUBMERGE_LOG_LEVEL }).child({
  instance: env.SUBMERGE_INSTANCE_ID,
});
const clickhouseConfig: ClickHouseConfig = {
  mode: 'http',
  url: clickhouseUrl,
  database: env.SUBMERGE_CLICKHOUSE_DATABASE,
  ...(env.SUBMERGE_CLICKHOUSE_USER === undefined ? {} : { username: env.SUBMERGE_CLICKHOUSE_USER }),
  ...(env.SUBMERGE_CLICKHOUSE_PASSWORD === undefined ? {} : { password: env.SUBMERGE_CLICKHOUSE_PASSWORD }),
};
// The client would log every failed request at ERROR; the sink logs outages itself, once.
const clientOptions = { log: { level: ClickHouseLogLevel.OFF } } as const;

// ClickHouse may come up after the sink (compose, k8s): wait for it rather than crash-loop.
await withRetry(
  async () => {
    try {
      if (options.migrate === 'apply') {
        await migrateDatabase(clickhouseConfig, { logger, client: clientOptions });
      } else {
        const client = createClickHouse(clickhouseConfig, clientOptions);
        try {
          const plan = await migrationStatus(client, await loadMigrations());
          if (plan.pending.length > 0)
            throw new Error(`pending migrations: ${plan.pending.map((m) => m.file).join(', ')}`);
        } finally {
          await client.close();
        }
      }
    } catch (error) {
      throw isRetriableClickHouseError(error) ? Object.assign(error as object, { retriable: true }) : error;
    }
  },
  SINK_INSERT_RETRY,
  {
    onRetriableError: (error, attempt) =>
      logger.warn({ attempt, err: String(error) }, 'ClickHouse not reachable yet, waiting'),
  },
);

const topicOptions = { prefix: env.SUBMERGE_TOPIC_PREFIX, version: env.SUBMERGE_TOPICS_VERSION };
const routes = sinkRoutes(topicOptions);
const group = sinkGroup(options.group, topicOptions);
const clientId = `${SINK_NAME}.${env.SUBMERGE_INSTANCE_ID}`;
const registry = createSchemaRegistryClient({ url: registryUrl, clientId });
const codec = createAvroValueCodec({
  // Decoding needs only the writer schemas, fetched by id; the sink registers nothing, and its
  // reader schemas skip what it does not store (bodies, observations' config JSON).
  eventCodec: createEventCodec({ registry, registered: new Map(), types: sinkEventTypes() }),
  specs: routes.map((r) => r.spec),
  fallback: defaultCodec,
});
const log = createKafkaEventLog({
  brokers,
  clientId,
  codec,
  logger,
  consumer: {
    sessionTimeoutMs: options.sessionTimeoutMs,
    heartbeatIntervalMs: Math.max(500, Math.floor(options.sessionTimeoutMs / 10)),
    rebalanceTimeoutMs: Math.max(options.sessionTimeoutMs * 2, 20_000),
  },
});
const clickhouse = createClickHouse(clickhouseConfig, clientOptions);
// Inputs and the DLQ with the catalogue's settings (retention, record size) before consuming.
await ensureSinkTopics({ brokers, specs: sinkTopicSpecs(routes, group), clientId, logger });
const metricsRegistry = createMetricsRegistry({ service: SINK_NAME });

const run = await runSink({
  log,
  clickhouse,
  routes,
  group,
  transactionalId: `${group}.${env.SUBMERGE_INSTANCE_ID}`,
  // dlq.<group>.v1, named like the processors' DLQs (dlq.<prefix><name>.v1).
  dlqTopic: dlqTopic(group),
  logger,
  metrics: createSinkMetrics(metricsRegistry),
  maxBatchRecords: options.batchRecords,
  flushIntervalMs: options.flushIntervalMs,
  startFrom: options.startFrom,
});

const health = await startHealthServer({
  registry: metricsRegistry,
  host: env.SUBMERGE_HTTP_HOST,
  ...(env.SUBMERGE_METRICS_PORT === undefined ? {} : { port: env.SUBMERGE_METRICS_PORT }),
  checks: { live: () => run.state() !== 'failed', ready: () => run.state() === 'running' },
});
logger.info({ health: health.url, group, topics: routes.map((r) => r.topic) }, 'service started');

const closeAll = async (): Promise<void> => {
  await health.close();
  await log.close();
  await clickhouse.close();
};
stopOnSignals(
  [
    {
      async stop() {
        await run.stop();
        await closeAll();
      },
    },
  ],
  { logger },
);
run.done.catch(async () => {
  await closeAll().catch(() => undefined);
  process.exit(EXIT.crashed);
});
