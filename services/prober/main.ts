import { loadConfig } from '../shared/config/load-config.ts';
import { startHealthServer } from '../shared/health/health-server.ts';
import { createKafkaEventLog } from '../shared/kafka/kafka-event-log.ts';
import { prepareTopics } from '../shared/kafka/prepare-topics.ts';
import { createLogger } from '../shared/logger.ts';
import { createMetricsRegistry } from '../shared/metrics/metrics-registry.ts';
import { stopOnSignals } from '../shared/runtime/shutdown.ts';
import { createCoreReaper } from './core-reaper.ts';
import { parseProberArgs } from './prober-args.ts';
import { prepareProberTrust, proberSettings } from './prober-settings.ts';
import { proberName, proberTopicSpecs } from './prober-topics.ts';
import { startProber } from './prober.ts';

/**
 * The prober service (distributed mode): owns its share of configs.current.v1 through its
 * vantage's consumer group, probes due configs in budgeted runs (cheap stage, then sing-box)
 * and appends every probe to configs.probed.v1 (Avro, schema registry). /live, /ready and
 * /metrics on SUBMERGE_METRICS_PORT. SIGTERM/SIGINT kill the running cores, publish what
 * finished, leave the group and exit 0; no sing-box process outlives it.
 */
async function main(): Promise<void> {
  let config;
  let args;
  try {
    config = loadConfig(process.env);
    args = parseProberArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`prober: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const brokers = config.SUBMERGE_KAFKA_BROKERS ?? [];
  const registryUrl = config.SUBMERGE_SCHEMA_REGISTRY_URL;
  const singBoxBin = args.singBoxBin ?? config.SUBMERGE_SINGBOX_BIN;
  if (brokers.length === 0 || registryUrl === undefined || singBoxBin === undefined) {
    process.stderr.write(
      'prober: SUBMERGE_KAFKA_BROKERS, SUBMERGE_SCHEMA_REGISTRY_URL and SUBMERGE_SINGBOX_BIN (or --singbox-bin) are required\n',
    );
    process.exit(2);
  }

  const logger = createLogger({ service: 'prober', level: config.SUBMERGE_LOG_LEVEL }).child({
    instance: args.instanceId,
    vantage: args.vantage,
  });
  const registry = createMetricsRegistry({ service: 'prober' });
  const prefix = config.SUBMERGE_TOPIC_PREFIX;
  const { topics, specs, eventSpecs } = proberTopicSpecs({
    prefix,
    version: config.SUBMERGE_TOPICS_VERSION,
    vantage: args.vantage,
  });
  const group = args.group ?? proberName(prefix, args.vantage);

  const trust = await prepareProberTrust(args.caFile);
  const settings = await proberSettings(args, singBoxBin, trust);

  const codec = await prepareTopics({
    brokers,
    registryUrl,
    clientId: `prober.${args.instanceId}`,
    ensure: specs,
    eventSpecs,
    logger,
  });
  const log = createKafkaEventLog({ brokers, clientId: `prober.${args.instanceId}`, codec, logger });
  const reaper = createCoreReaper();

  const prober = await startProber({
    log,
    topics,
    group,
    reaper,
    logger,
    registry,
    settings,
  });
  const health = await startHealthServer({
    registry,
    checks: { ready: () => prober.ready() },
    host: config.SUBMERGE_HTTP_HOST,
    port: config.SUBMERGE_METRICS_PORT ?? 0,
  });
  logger.info(
    {
      health: health.url,
      group,
      topics,
      testUrl: args.testUrl.href,
      scope: args.scope,
      core: settings.coreVersion,
      outbound: settings.outbound,
    },
    'prober started',
  );

  const cleanup = async (): Promise<void> => {
    await log.close().catch(() => undefined);
    await health.close().catch(() => undefined);
    await trust.dispose();
  };
  stopOnSignals(
    [
      {
        async stop() {
          await prober.stop();
          await cleanup();
        },
      },
    ],
    { logger },
  );
  try {
    await prober.done;
  } catch (error) {
    logger.fatal({ err: error }, 'prober failed');
    reaper.killAll();
    await cleanup();
    process.exit(1);
  }
}

await main();
