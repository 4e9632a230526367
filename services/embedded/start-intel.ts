import type { Registry } from 'prom-client';
import { DEFAULT_ALERT_POLICY } from '../core/alerts/alert-policy.ts';
import { parseInterval } from '../core/catalog/interval.ts';
import { startDetector } from '../detector/detector-service.ts';
import { createWebhook } from '../detector/webhook.ts';
import { createCoreReaper } from '../prober/core-reaper.ts';
import { parseProberArgs } from '../prober/prober-args.ts';
import type { ProberArgs } from '../prober/prober-args.ts';
import { prepareProberTrust, proberSettings } from '../prober/prober-settings.ts';
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
  readonly retriable = false;
  constructor(
    readonly code: 'PROBER_WITHOUT_SINGBOX' | 'PROBER_ARGS_INVALID',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The embedded prober's flags: SUBMERGE_PROBER_ARGS (the distributed prober's own flags), with
 * the instance id of this process. The vantage and group are fixed (`local`): the embedded
 * topology names its probe history after them.
 */
export function embeddedProberArgs(config: Readonly<EnvConfig>): Readonly<ProberArgs> {
  const given = config.SUBMERGE_PROBER_ARGS.split(/\s+/).filter((a) => a !== '');
  let args;
  try {
    args = parseProberArgs([...given, '--instance-id', config.SUBMERGE_INSTANCE_ID]);
  } catch (error) {
    throw new ProberConfigError(
      'PROBER_ARGS_INVALID',
      `SUBMERGE_PROBER_ARGS: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (args.vantage !== EMBEDDED_VANTAGE || args.group !== undefined) {
    throw new ProberConfigError(
      'PROBER_ARGS_INVALID',
      `SUBMERGE_PROBER_ARGS: the embedded prober is the ${EMBEDDED_VANTAGE} vantage; --vantage and --group are for the distributed prober`,
    );
  }
  return args;
}

/** Fails before anything is opened when the prober is asked for without a sing-box to run or with bad flags. */
export function checkProberConfig(config: Readonly<EnvConfig>): void {
  if (!config.SUBMERGE_EMBEDDED_PROBER) return;
  const args = embeddedProberArgs(config);
  if ((args.singBoxBin ?? config.SUBMERGE_SINGBOX_BIN) === undefined) {
    throw new ProberConfigError(
      'PROBER_WITHOUT_SINGBOX',
      'the prober is on (--probe, SUBMERGE_EMBEDDED_PROBER) but no sing-box binary is given (--singbox-bin, SUBMERGE_SINGBOX_BIN)',
    );
  }
}

/**
 * The health intelligence on the embedded log: the anomaly detector (source health and
 * anomalies, webhook alerts when SUBMERGE_ALERT_WEBHOOK_URL is set) and the scorer
 * (configs.scored, what the read API ranks and filters by) always, as they only compute; the
 * prober of the `local` vantage only when SUBMERGE_EMBEDDED_PROBER is on, since it sends real
 * traffic through every proxy and needs sing-box (SUBMERGE_SINGBOX_BIN). The prober runs with the
 * same settings as the distributed one (prober-settings.ts): its flags from SUBMERGE_PROBER_ARGS,
 * and what the sing-box binary was built with, so configs it cannot run are unsupported, not failing.
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
    if (config.SUBMERGE_EMBEDDED_PROBER) {
      const args = embeddedProberArgs(config);
      const singBoxBin = args.singBoxBin ?? config.SUBMERGE_SINGBOX_BIN ?? '';
      const trust = await prepareProberTrust(args.caFile);
      const reaper = createCoreReaper();
      let prober;
      try {
        const settings = await proberSettings(args, singBoxBin, trust);
        const proberLogger = logger.child({ component: 'prober' });
        proberLogger.info(
          {
            core: settings.coreVersion,
            outbound: settings.outbound,
            scope: settings.scope,
            testUrl: settings.testUrl.href,
          },
          'prober starting',
        );
        prober = await startProber({
          log,
          topics: topology.prober,
          group: topology.groups.prober,
          reaper,
          logger: proberLogger,
          registry,
          settings,
        });
      } catch (error) {
        reaper.killAll();
        await trust.dispose();
        throw error;
      }
      const started = prober;
      components.push({
        name: topology.groups.prober,
        done: started.done,
        stop: async () => {
          await started.stop();
          reaper.killAll();
          await trust.dispose();
        },
      });
    }
    return components;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
