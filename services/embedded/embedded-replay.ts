import type { ReplayGroups, ReplayReport } from '../cli/replay.ts';
import { executeReplay } from '../cli/replay.ts';
import type { ReplayPlan } from '../cli/replay-plan.ts';
import { groupProgress } from '../pipeline/group-progress.ts';
import { parserSettings } from '../pipeline/processor-service.ts';
import type { EnvConfig } from '../shared/config/env-schema.ts';
import type { Logger } from '../shared/logger.ts';
import { createMetricsRegistry } from '../shared/metrics/metrics-registry.ts';
import type { EventLog } from '../shared/runtime/event-log.ts';
import { embeddedRetention, embeddedTopology } from './embedded-topics.ts';
import { openEmbeddedClickHouse, openEmbeddedLog } from './start-embedded.ts';

/**
 * Consumer groups on the embedded log. Nobody else can be consuming: chDB lets one process open
 * a data directory, so a running `npm start` makes the replay fail to open it instead. Nothing
 * hides records from offsets here (no transaction markers), so what is pending is the lag.
 */
export function inProcessReplayGroups(log: EventLog): ReplayGroups {
  return {
    requireIdle: () => Promise.resolve(),
    async pending(topic, group) {
      return Number((await groupProgress(log, group, topic)).lag);
    },
  };
}

export interface EmbeddedReplayOptions {
  readonly config: Readonly<EnvConfig>;
  readonly logger: Logger;
  readonly instance: string;
  readonly report: (line: string) => void;
}

/**
 * `submerge replay --embedded`: the same replay as on Kafka (services/cli/replay.ts), on the
 * embedded mode's log: the data directory's store is opened and restored with the whole raw
 * topic it keeps, the replay runs the processors in this process, and every record it writes is
 * stored, so the next `npm start` serves the rebuilt state.
 */
export async function runEmbeddedReplay(
  plan: ReplayPlan,
  { config, logger, instance, report }: EmbeddedReplayOptions,
): Promise<ReplayReport> {
  const topology = embeddedTopology({ prefix: plan.topics.prefix, version: plan.topics.version });
  const clickhouse = await openEmbeddedClickHouse(
    config.SUBMERGE_DATA_DIR,
    config.SUBMERGE_CLICKHOUSE_DATABASE,
    logger,
  );
  try {
    const retention = embeddedRetention(topology);
    // The raw topic comes back whole (as far as its retention reaches): the replay reads it from its start.
    const log = await openEmbeddedLog(clickhouse, topology, logger, (topic) =>
      topic === plan.topics.fetched ? { ...retention(topic), everything: true } : retention(topic),
    );
    try {
      const restored = await log.restore();
      report(`restored ${restored.records} records from ${config.SUBMERGE_DATA_DIR} in ${restored.ms} ms`);
      return await executeReplay(plan, {
        log,
        groups: inProcessReplayGroups(log),
        logger,
        registry: createMetricsRegistry({ service: 'replay', collectProcessMetrics: false }),
        parser: parserSettings(config),
        instance,
        report,
        progressIntervalMs: 200,
      });
    } finally {
      await log.close();
    }
  } finally {
    await clickhouse.close();
  }
}
