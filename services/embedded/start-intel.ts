import type { Registry } from 'prom-client';
import { DEFAULT_ALERT_POLICY } from '../core/alerts/alert-policy.ts';
import { parseInterval } from '../core/catalog/interval.ts';
import { startDetector } from '../detector/detector-service.ts';
import { createWebhook } from '../detector/webhook.ts';
import { createCoreReaper } from '../prober/core-reaper.ts';
import { parseProberArgs } from '../prober/prober-args.ts';
import { startProber } from '../prober/prober.ts';
import { startScorer } from '../scorer/scorer-service.ts';
import type { EnvConfig } from '../shared/config/env-schema.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventLog } from '../shared/runtime/event-log.ts';
import { EMBEDDED_VANTAGE } from './embedded-topics.ts';
import type { EmbeddedTopology } from './embedded-topics.ts';

/** A running part of the embedded mode besides parse/merge: stopped with the rest, watched for crashes. */
export interface EmbeddedComponent {
  readonly name: string;
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export class ProberConfigError extends Error {
  readonly code = 'PROBER_WITHOUT_SINGBOX';
  readonly retriable = false;
}

/** Fails before anything is opened when the prober is asked for without a sing-box to run. */
export function checkProberConfig(config: Readonly<EnvConfig>): void {
  if (config.SUBMERGE_EMBEDDED_PROBER && config.SUBMERGE_SINGBOX_BIN === undefined) {
    throw new ProberConfigError(
      'the prober is on (--probe, SUBMERGE_EMBEDDED_PROBER) but no sing-box binary is given (--singbox-bin, SUBMERGE_SINGBOX_BIN)',
    );
  }
}

/**
 * The health intelligence on the embedded log: the anomaly detector (source health and
 * anomalies, webhook alerts when SUBMERGE_ALERT_WEBHOOK_URL is set) and the scorer
 * (configs.scored, what the read API ranks and filters by) always, as they only compute; the
 * prober of the `local` vantage only when SUBMERGE_EMBEDDED_PROBER is on, since it sends real
 * traffic through every proxy and needs sing-box (SUBMERGE_SINGBOX_BIN).
 */
export async function startIntel({
  config,
  log,
  topology,
  logger,
  registry,
}: {
  readonly config: Readonly<EnvConfig>;
  readonly log: EventLog;
  readonly topology: EmbeddedTopology;
  readonly logger: Logger;
  readonly registry: Registry;
}): Promise<EmbeddedComponent[]> {
  const instance = config.SUBMERGE_INSTANCE_ID;
  const singBoxBin = config.SUBMERGE_SINGBOX_BIN;
  checkProberConfig(config);
  const components: EmbeddedComponent[] = [];
  const stopAll = (): Promise<unknown> => Promise.allSettled(components.map((c) => c.stop()));
  try {
    const url = config.SUBMERGE_ALERT_WEBHOOK_URL;
    const detector = await startDetector({
      log,
      topics: topology.intel,
      instance,
      logger: logger.child({ component: 'detector' }),
      registry,
      ...(url === undefined
        ? {}
        : {
            alerts: {
              post: createWebhook({ url }),
              policy: {
                ...DEFAULT_ALERT_POLICY,
                cooldownMs: (parseInterval(config.SUBMERGE_ALERT_COOLDOWN) ?? 3600) * 1000,
                minSeverity: config.SUBMERGE_ALERT_MIN_SEVERITY,
                notifyResolved: config.SUBMERGE_ALERT_NOTIFY_RESOLVED,
              },
            },
          }),
    });
    components.push({ name: topology.groups.detector, done: detector.done, stop: () => detector.stop() });
    const scorer = await startScorer({
      log,
      topics: topology.intel,
      instance,
      logger: logger.child({ component: 'scorer' }),
      registry,
    });
    components.push({ name: topology.groups.scorer, done: scorer.done, stop: () => scorer.stop() });
    if (config.SUBMERGE_EMBEDDED_PROBER && singBoxBin !== undefined) {
      const args = parseProberArgs(['--instance-id', instance, '--vantage', EMBEDDED_VANTAGE]);
      const reaper = createCoreReaper();
      const prober = await startProber({
        log,
        topics: topology.prober,
        group: topology.groups.prober,
        reaper,
        logger: logger.child({ component: 'prober' }),
        registry,
        settings: {
          vantage: args.vantage,
          instanceId: args.instanceId,
          budget: args.budget,
          schedule: args.schedule,
          scope: args.scope,
          testUrl: args.testUrl,
          acceptStatus: args.acceptStatus,
          cheapTimeoutMs: args.cheapTimeoutMs,
          proxyTimeoutMs: args.proxyTimeoutMs,
          coreBin: singBoxBin,
          coreLimits: args.coreLimits,
          runIntervalMs: args.runIntervalMs,
          idleMs: args.idleMs,
        },
      });
      components.push({
        name: topology.groups.prober,
        done: prober.done,
        stop: async () => {
          await prober.stop();
          reaper.killAll();
        },
      });
    }
    return components;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
