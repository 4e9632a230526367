import { loadConfig } from '../shared/config/load-config.ts';
import { TOPICS, withPrefix } from '../shared/events/topic-catalog.ts';
import { createKafkaEventLog } from '../shared/kafka/kafka-event-log.ts';
import { prepareTopics } from '../shared/kafka/prepare-topics.ts';
import { startHealthServer } from '../shared/health/health-server.ts';
import { createLogger } from '../shared/logger.ts';
import { createMetricsRegistry } from '../shared/metrics/metrics-registry.ts';
import { stopOnSignals } from '../shared/runtime/shutdown.ts';
import { parseFetcherArgs } from './fetcher-args.ts';
import { startFetcher } from './fetcher.ts';

/**
 * The fetcher service (distributed mode): reads its share of `sources.catalog.v1` (and the
 * "fetch now" commands of `sources.commands.v1`) through a consumer group, fetches on schedule, and appends every attempt to `sources.fetched.v1` (Avro,
 * schema registry). /live, /ready and /metrics on SUBMERGE_METRICS_PORT. SIGTERM/SIGINT leave
 * the group, let fetches in flight record their outcome, and exit 0.
 */
async function main(): Promise<void> {
  let config;
  let args;
  try {
    config = loadConfig(process.env);
    args = parseFetcherArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`fetcher: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const brokers = config.SUBMERGE_KAFKA_BROKERS ?? [];
  const registryUrl = config.SUBMERGE_SCHEMA_REGISTRY_URL;
  if (brokers.length === 0 || registryUrl === undefined) {
    process.stderr.write('fetcher: SUBMERGE_KAFKA_BROKERS and SUBMERGE_SCHEMA_REGISTRY_URL are required\n');
    process.exit(2);
  }

  const logger = createLogger({ service: 'fetcher', level: config.SUBMERGE_LOG_LEVEL }).child({
    instance: args.instanceId,
  });
  const registry = createMetricsRegistry({ service: 'fetcher' });
  const catalogSpec = withPrefix(TOPICS.sourcesCatalog, args.topicPrefix);
  const fetchedSpec = withPrefix(TOPICS.sourcesFetched, args.topicPrefix);
  const commandsSpec = withPrefix(TOPICS.sourcesCommands, args.topicPrefix);
  const specs = [catalogSpec, fetchedSpec, commandsSpec];
  const group = `${args.topicPrefix}${args.group}`;

  // Topics and schemas are idempotent to ensure; every service does it on start, so any start order works.
  const codec = await prepareTopics({
    brokers,
    registryUrl,
    clientId: `fetcher.${args.instanceId}`,
    ensure: specs,
    eventSpecs: specs,
    logger,
  });
  const log = createKafkaEventLog({ brokers, clientId: `fetcher.${args.instanceId}`, codec, logger });

  const fetcher = await startFetcher({
    log,
    topics: { catalog: catalogSpec.name, fetched: fetchedSpec.name, commands: commandsSpec.name },
    group,
    instanceId: args.instanceId,
    logger,
    registry,
    maxConcurrentFetches: args.maxConcurrentFetches,
    firstFetch: args.firstFetch,
    allowPrivateAddresses: config.SUBMERGE_ALLOW_PRIVATE_ADDRESSES,
  });
  if (config.SUBMERGE_ALLOW_PRIVATE_ADDRESSES) {
    logger.warn(
      'SUBMERGE_ALLOW_PRIVATE_ADDRESSES is on: every source may reach loopback and private networks',
    );
  }
  const health = await startHealthServer({
    registry,
    checks: { ready: () => fetcher.ready() },
    host: config.SUBMERGE_HTTP_HOST,
    port: config.SUBMERGE_METRICS_PORT ?? 0,
  });
  logger.info({ health: health.url, group }, 'fetcher started');

  stopOnSignals(
    [
      {
        async stop() {
          await fetcher.stop();
          await log.close();
          await health.close();
        },
      },
    ],
    { logger },
  );
  try {
    await fetcher.done;
  } catch (error) {
    logger.fatal({ err: error }, 'catalog subscription failed');
    await log.close().catch(() => undefined);
    await health.close().catch(() => undefined);
    process.exit(1);
  }
}

await main();
