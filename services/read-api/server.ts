import Fastify from 'fastify';
import type { Registry } from 'prom-client';
import type { FastifyBaseLogger } from 'fastify';
import { createReadState } from '../core/read-model/read-state.ts';
import { readApiTopics } from '../core/read-model/read-topics.ts';
import { ClickHouseLogLevel } from '@clickhouse/client';
import { createAnalyticsRunner } from '../shared/analytics/analytics-runner.ts';
import { createAnalytics } from '../shared/analytics/analytics-service.ts';
import type { Analytics } from '../shared/analytics/analytics-service.ts';
import { createClickHouse } from '../shared/clickhouse/create-client.ts';
import { ConfigError, loadConfig } from '../shared/config/load-config.ts';
import type { EnvConfig } from '../shared/config/env-schema.ts';
import { createLogger } from '../shared/logger.ts';
import type { Logger } from '../shared/logger.ts';
import { createMetricsRegistry } from '../shared/metrics/metrics-registry.ts';
import { EVENT_LOG_KINDS } from '../shared/runtime/event-log.ts';
import type { EventLog } from '../shared/runtime/event-log.ts';
import { stopOnSignals } from '../shared/runtime/shutdown.ts';
import { fastifyOptions, readApiApp } from './app.ts';
import { openKafkaReadApiLog, readApiLogTopics } from './kafka-read-api-log.ts';
import { createMaterializer } from './materializer.ts';
import { createPublisher } from './publisher.ts';
import { createReadApiMetrics } from './read-api-metrics.ts';
import type { ReadApiSettings } from './settings.ts';
import { readApiSettingsFrom } from './settings-from-env.ts';

export interface ReadApiServer {
  /** `http://host:port` it listens on. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface StartReadApiOptions {
  readonly log: EventLog;
  readonly settings: ReadApiSettings;
  readonly logger: Logger;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly topicPrefix?: string;
  /** History routes from ClickHouse; absent: the API serves without them. */
  readonly analytics?: Analytics;
  /** The process's registry, so /metrics shows every component of the embedded mode; default: its own. */
  readonly registry?: Registry;
}

/**
 * Creates the read API's topics on the log when missing (the in-process bus of the embedded
 * mode starts empty; on Kafka openKafkaReadApiLog already created them with full settings).
 */
export async function ensureReadApiTopics(log: EventLog, topicPrefix = ''): Promise<void> {
  await log.ensureTopics(readApiLogTopics(readApiTopics({ prefix: topicPrefix })));
}

/**
 * The only place the read API listens: builds state, materializer, publisher and the app
 * plugin over an event log (Kafka here; the in-process bus in the embedded mode, which calls
 * this with its log), starts catching up, and listens at once so /live and /ready answer
 * during the catch-up.
 */
export async function startReadApiServer({
  log,
  settings,
  logger,
  host,
  port,
  topicPrefix = '',
  analytics,
  registry: sharedRegistry,
}: StartReadApiOptions): Promise<ReadApiServer> {
  const topics = readApiTopics({ prefix: topicPrefix });
  await ensureReadApiTopics(log, topicPrefix);
  const registry = sharedRegistry ?? createMetricsRegistry({ service: 'read-api' });
  const metrics = createReadApiMetrics(registry);
  // The in-process log keeps every value it holds in memory: the state references, not copies, them.
  const state = createReadState({ valuesHeldByLog: log.kind === EVENT_LOG_KINDS.inProcess });
  const materializer = createMaterializer({
    log,
    topics,
    state,
    logger: logger.child({ component: 'materializer' }),
    metrics,
  });
  const publisher = createPublisher({ log, topics, state, producer: `read-api/${settings.instanceId}` });
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({ ...fastifyOptions(settings), loggerInstance });
  await app.register(readApiApp, {
    state,
    materializer,
    publisher,
    settings,
    registry,
    metrics,
    ...(analytics === undefined ? {} : { analytics }),
  });
  materializer.start();
  const url = await app.listen({ host, port });
  logger.info({ url, docs: `${url}/docs` }, 'read API listening');
  return {
    url,
    async stop() {
      await app.close();
      await materializer.stop();
    },
  };
}

/** Distributed mode: the read API on Kafka, configured from the environment. Resolves with an exit code. */
export async function runReadApiService(env: Readonly<Record<string, string | undefined>>): Promise<number> {
  let config: Readonly<EnvConfig>;
  let settings: ReadApiSettings;
  try {
    config = loadConfig(env);
    settings = readApiSettingsFrom(config);
  } catch (error) {
    process.stderr.write(
      `read-api: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
    );
    return 2;
  }
  const brokers = config.SUBMERGE_KAFKA_BROKERS ?? [];
  const registryUrl = config.SUBMERGE_SCHEMA_REGISTRY_URL;
  if (brokers.length === 0 || registryUrl === undefined) {
    process.stderr.write('read-api: SUBMERGE_KAFKA_BROKERS and SUBMERGE_SCHEMA_REGISTRY_URL are required\n');
    return 2;
  }
  const logger = createLogger({ service: 'read-api', level: config.SUBMERGE_LOG_LEVEL }).child({
    instance: settings.instanceId,
  });
  const topics = readApiTopics({ prefix: config.SUBMERGE_TOPIC_PREFIX });
  const log = await openKafkaReadApiLog({
    brokers,
    registryUrl,
    topics,
    clientId: `read-api.${settings.instanceId}`,
    logger,
  });
  const clickhouseUrl = config.SUBMERGE_CLICKHOUSE_URL;
  const clickhouse =
    clickhouseUrl === undefined
      ? null
      : createClickHouse(
          {
            mode: 'http',
            url: clickhouseUrl,
            database: config.SUBMERGE_CLICKHOUSE_DATABASE,
            ...(config.SUBMERGE_CLICKHOUSE_USER === undefined
              ? {}
              : { username: config.SUBMERGE_CLICKHOUSE_USER }),
            ...(config.SUBMERGE_CLICKHOUSE_PASSWORD === undefined
              ? {}
              : { password: config.SUBMERGE_CLICKHOUSE_PASSWORD }),
          },
          { log: { level: ClickHouseLogLevel.OFF } },
        );
  const server = await startReadApiServer({
    log,
    ...(clickhouse === null
      ? {}
      : { analytics: createAnalytics({ runner: createAnalyticsRunner({ client: clickhouse }) }) }),
    settings,
    logger,
    host: config.SUBMERGE_HTTP_HOST,
    port: config.SUBMERGE_HTTP_PORT,
    topicPrefix: config.SUBMERGE_TOPIC_PREFIX,
  });
  const stopped = new Promise<void>((resolve) => {
    stopOnSignals(
      [
        {
          stop: () =>
            server
              .stop()
              .finally(() => log.close())
              .finally(resolve),
        },
      ],
      { logger },
    );
  });
  await stopped;
  return 0;
}

if (import.meta.main) {
  process.exitCode = await runReadApiService(process.env);
}
