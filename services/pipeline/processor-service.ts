// First: it must run before anything loads kafkajs (see the module).
import { kafkajsUsesFastCrc32c } from '../shared/kafka/kafkajs-crc32c.ts';
import { parseInterval } from '../core/catalog/interval.ts';
import { pipelineTopics, processorTopicSpecs } from '../core/processors/pipeline-topics.ts';
import type { ProcessorKind } from '../core/processors/pipeline-topics.ts';
import { loadConfig } from '../shared/config/load-config.ts';
import type { EnvConfig } from '../shared/config/env-schema.ts';
import { startHealthServer } from '../shared/health/health-server.ts';
import { runKafkaProcessor } from '../shared/kafka/run-loop.ts';
import { kafkaEventLogFactory } from '../shared/kafka-native/kafka-writers.ts';
import { createLogger } from '../shared/logger.ts';
import { createMetricsRegistry } from '../shared/metrics/metrics-registry.ts';
import { RUN_STATES } from '../shared/runtime/run-processor.ts';
import { stopOnSignals } from '../shared/runtime/shutdown.ts';
import { preparePipeline } from './kafka-pipeline-log.ts';
import { DEFAULT_BATCH_RECORDS, pipelineProcessor } from './pipeline-processors.ts';
import type { ParserSettings } from './pipeline-processors.ts';

export const SERVICE_EXIT_CODES = { ok: 0, crashed: 1, config: 2 } as const;

/** The parser's settings from the one parsed config. */
export function parserSettings(config: Readonly<EnvConfig>): ParserSettings {
  const expireSeconds = parseInterval(config.SUBMERGE_PARSER_EXPIRE_AFTER) ?? 24 * 3600;
  return {
    policy: config.SUBMERGE_FINGERPRINT_POLICY,
    expireAfterMs: expireSeconds * 1000,
    allowPrivateAddresses: config.SUBMERGE_ALLOW_PRIVATE_ADDRESSES,
  };
}

/**
 * A parse/merge processor as a service on Kafka: topics and schemas ensured, the shared run
 * loop (transactions, changelog-backed state, DLQ), /live /ready /metrics on
 * SUBMERGE_HTTP_HOST:SUBMERGE_METRICS_PORT (a free port when unset, logged), graceful stop on
 * SIGTERM/SIGINT. Resolves with the exit code: a crashed run exits non-zero so the supervisor
 * restarts it, and the restart restores state from the changelog.
 */
export async function runProcessorService(
  kind: ProcessorKind,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  let config: Readonly<EnvConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    process.stderr.write(`${kind}: ${error instanceof Error ? error.message : String(error)}\n`);
    return SERVICE_EXIT_CODES.config;
  }
  const brokers = config.SUBMERGE_KAFKA_BROKERS ?? [];
  const registryUrl = config.SUBMERGE_SCHEMA_REGISTRY_URL;
  if (brokers.length === 0 || registryUrl === undefined) {
    process.stderr.write(`${kind}: SUBMERGE_KAFKA_BROKERS and SUBMERGE_SCHEMA_REGISTRY_URL are required\n`);
    return SERVICE_EXIT_CODES.config;
  }
  const instanceId = config.SUBMERGE_INSTANCE_ID;
  const logger = createLogger({ service: kind, level: config.SUBMERGE_LOG_LEVEL }).child({
    instance: instanceId,
  });
  const topics = pipelineTopics({
    prefix: config.SUBMERGE_TOPIC_PREFIX,
    version: config.SUBMERGE_TOPICS_VERSION,
  });
  const registry = createMetricsRegistry({ service: kind });

  const codec = await preparePipeline({
    brokers,
    registryUrl,
    topics,
    ensure: processorTopicSpecs(kind, topics),
    clientId: `${kind}.${instanceId}`,
    logger,
  });
  const processor = pipelineProcessor(kind, topics, parserSettings(config), true);
  const kafkaWriter = kafkaEventLogFactory(config.SUBMERGE_KAFKA_WRITER, config.SUBMERGE_KAFKA_NATIVE_MODULE);
  const run = await runKafkaProcessor(processor, {
    brokers,
    codec,
    instanceId,
    logger,
    registry,
    maxBatchRecords: DEFAULT_BATCH_RECORDS[kind],
    createLog: kafkaWriter.createLog,
  });
  const health = await startHealthServer({
    registry,
    checks: {
      live: () => run.state() !== RUN_STATES.failed,
      ready: () => run.state() === RUN_STATES.running,
    },
    host: config.SUBMERGE_HTTP_HOST,
    ...(config.SUBMERGE_METRICS_PORT === undefined ? {} : { port: config.SUBMERGE_METRICS_PORT }),
  });
  logger.info(
    {
      health: health.url,
      topics,
      processor: processor.name,
      kafkaWriter: kafkaWriter.writer,
      kafkajsUsesFastCrc32c,
    },
    'service started',
  );
  stopOnSignals([{ stop: () => run.stop().finally(() => health.close()) }], { logger });

  try {
    await run.done;
    return SERVICE_EXIT_CODES.ok;
  } catch (error) {
    logger.fatal({ err: error }, 'processor crashed; exiting for a restart');
    await health.close().catch(() => undefined);
    return SERVICE_EXIT_CODES.crashed;
  }
}
