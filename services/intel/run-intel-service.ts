import type { Registry } from 'prom-client';
import { intelTopics, intelTopicSpecs } from '../core/scoring/intel-topics.ts';
import type { IntelKind, IntelTopics } from '../core/scoring/intel-topics.ts';
import { loadConfig } from '../shared/config/load-config.ts';
import type { EnvConfig } from '../shared/config/env-schema.ts';
import { startHealthServer } from '../shared/health/health-server.ts';
import { createKafkaEventLog } from '../shared/kafka/kafka-event-log.ts';
import { createLogger } from '../shared/logger.ts';
import type { Logger } from '../shared/logger.ts';
import { createMetricsRegistry } from '../shared/metrics/metrics-registry.ts';
import type { EventLog } from '../shared/runtime/event-log.ts';
import { stopOnSignals } from '../shared/runtime/shutdown.ts';
import { prepareIntel } from './prepare-intel.ts';

export const INTEL_EXIT_CODES = { ok: 0, crashed: 1, config: 2 } as const;

export interface IntelRuntime {
  readonly config: Readonly<EnvConfig>;
  readonly log: EventLog;
  readonly topics: IntelTopics;
  readonly logger: Logger;
  readonly registry: Registry;
}

export interface RunningIntel {
  ready(): boolean;
  live(): boolean;
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The scorer's and the detector's process on Kafka: one parsed config, topics and schemas
 * ensured, one event log, /live /ready /metrics on SUBMERGE_HTTP_HOST:SUBMERGE_METRICS_PORT,
 * graceful stop on SIGTERM/SIGINT. Resolves with the exit code: a crash exits non-zero so the
 * supervisor restarts the process, and the restart restores state from the changelog.
 */
export async function runIntelService(
  kind: IntelKind,
  service: string,
  env: Readonly<Record<string, string | undefined>>,
  start: (runtime: IntelRuntime) => Promise<RunningIntel>,
): Promise<number> {
  let config: Readonly<EnvConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    process.stderr.write(`${service}: ${error instanceof Error ? error.message : String(error)}\n`);
    return INTEL_EXIT_CODES.config;
  }
  const brokers = config.SUBMERGE_KAFKA_BROKERS ?? [];
  const registryUrl = config.SUBMERGE_SCHEMA_REGISTRY_URL;
  if (brokers.length === 0 || registryUrl === undefined) {
    process.stderr.write(
      `${service}: SUBMERGE_KAFKA_BROKERS and SUBMERGE_SCHEMA_REGISTRY_URL are required\n`,
    );
    return INTEL_EXIT_CODES.config;
  }
  const logger = createLogger({ service, level: config.SUBMERGE_LOG_LEVEL }).child({
    instance: config.SUBMERGE_INSTANCE_ID,
  });
  const topics = intelTopics({
    prefix: config.SUBMERGE_TOPIC_PREFIX,
    version: config.SUBMERGE_TOPICS_VERSION,
  });
  const registry = createMetricsRegistry({ service });
  const clientId = `${service}.${config.SUBMERGE_INSTANCE_ID}`;

  const codec = await prepareIntel({
    brokers,
    registryUrl,
    topics,
    ensure: intelTopicSpecs(kind, topics),
    clientId,
    logger,
  });
  const log = createKafkaEventLog({ brokers, clientId, codec, logger });
  let running: RunningIntel;
  try {
    running = await start({ config, log, topics, logger, registry });
  } catch (error) {
    logger.fatal({ err: error }, 'start failed');
    await log.close().catch(() => undefined);
    return INTEL_EXIT_CODES.crashed;
  }
  const health = await startHealthServer({
    registry,
    checks: { live: () => running.live(), ready: () => running.ready() },
    host: config.SUBMERGE_HTTP_HOST,
    ...(config.SUBMERGE_METRICS_PORT === undefined ? {} : { port: config.SUBMERGE_METRICS_PORT }),
  });
  logger.info({ health: health.url, topics }, 'service started');
  // Closed by whichever comes first, the signal handler or the end of the run.
  let closing: Promise<void> | undefined;
  const closeHealth = (): Promise<void> => (closing ??= health.close().catch(() => undefined));
  stopOnSignals([{ stop: () => running.stop().finally(closeHealth) }], { logger });

  try {
    await running.done;
    return INTEL_EXIT_CODES.ok;
  } catch (error) {
    logger.fatal({ err: error }, 'crashed; exiting for a restart');
    return INTEL_EXIT_CODES.crashed;
  } finally {
    await closeHealth();
    await log.close().catch(() => undefined);
  }
}
