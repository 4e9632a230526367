import type { Registry } from 'prom-client';
import type { AlertPolicy } from '../core/alerts/alert-policy.ts';
import { createDetector } from '../core/anomaly/detector.ts';
import type { DetectorThresholds } from '../core/anomaly/thresholds.ts';
import { createConfigMembership } from '../core/health/config-membership.ts';
import type { ConfigMembership } from '../core/health/config-membership.ts';
import type { ReliabilityModel } from '../core/health/reliability.ts';
import { INTEL_KINDS, intelProcessorName } from '../core/scoring/intel-topics.ts';
import type { IntelTopics } from '../core/scoring/intel-topics.ts';
import type { ConfigScored } from '../generated/events.ts';
import { createGlobalTable } from '../intel/global-table.ts';
import type { GlobalTable } from '../intel/global-table.ts';
import type { Logger } from '../shared/logger.ts';
import { gaugeIn } from '../shared/metrics/metrics-registry.ts';
import { createProcessorMetrics } from '../shared/metrics/processor-metrics.ts';
import type { EventLog, StartFrom } from '../shared/runtime/event-log.ts';
import { RUN_STATES, runProcessor } from '../shared/runtime/run-processor.ts';
import type { ProcessorRun } from '../shared/runtime/run-processor.ts';
import { startAlertSender } from './alert-sender.ts';
import type { AlertSender } from './alert-sender.ts';
import type { PostWebhook } from './webhook.ts';

export interface DetectorServiceOptions {
  readonly log: EventLog;
  readonly topics: IntelTopics;
  readonly instance: string;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly thresholds?: DetectorThresholds;
  readonly reliability?: ReliabilityModel;
  readonly liveWindowMs?: number;
  /** Webhook alerts; none are sent without. */
  readonly alerts?: { readonly post: PostWebhook; readonly policy: AlertPolicy; readonly backoffMs?: number };
  readonly maxBatchRecords?: number;
  readonly startFrom?: StartFrom;
}

export interface DetectorService {
  readonly run: ProcessorRun;
  readonly scored: GlobalTable;
  readonly membership: ConfigMembership;
  readonly alerts: AlertSender | null;
  ready(): boolean;
  live(): boolean;
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The anomaly detector and health publisher on any event log: configs.scored.v1 folded into
 * per-source statistics as a side table (loaded before the first snapshot is judged), the
 * detector processor on the shared run loop, and, when a webhook is configured, the alert sender
 * following the anomalies it publishes.
 */
export async function startDetector(options: DetectorServiceOptions): Promise<DetectorService> {
  const { log, topics, instance, logger, registry } = options;
  const name = intelProcessorName(INTEL_KINDS.anomaly, topics);
  const membership = createConfigMembership();
  const tableSize = gaugeIn(registry, {
    name: 'submerge_detector_scored_configs',
    help: 'Configs in the detector side table of configs.scored.',
  });
  const scored = createGlobalTable({
    log,
    topics: [topics.scored],
    apply: (records) => {
      for (const r of records) {
        if (r.key === null || r.decodeFailure !== null) continue;
        const v = r.value as ConfigScored | null;
        membership.apply(
          r.key,
          v === null ? null : { sourceIds: v.sourceIds, verdict: v.verdict, server: v.server },
        );
      }
      tableSize.set(membership.size);
    },
    logger: logger.child({ table: topics.scored }),
    groupPrefix: `${name}.scored-table.${instance}`,
  });
  await scored.start();

  const detector = createDetector({
    topics,
    table: membership,
    ...(options.thresholds === undefined ? {} : { thresholds: options.thresholds }),
    ...(options.reliability === undefined ? {} : { reliability: options.reliability }),
    ...(options.liveWindowMs === undefined ? {} : { liveWindowMs: options.liveWindowMs }),
  });
  const run = await runProcessor(detector, {
    log,
    group: name,
    transactionalId: `${name}.${instance}`,
    logger,
    metrics: createProcessorMetrics(registry, name),
    maxBatchRecords: options.maxBatchRecords ?? 200,
    ...(options.startFrom === undefined ? {} : { startFrom: options.startFrom }),
  });

  let alerts: AlertSender | null = null;
  if (options.alerts !== undefined) {
    const alertsName = intelProcessorName(INTEL_KINDS.alerts, topics);
    alerts = await startAlertSender({
      log,
      topic: topics.anomalies,
      group: alertsName,
      transactionalId: `${alertsName}.${instance}`,
      post: options.alerts.post,
      policy: options.alerts.policy,
      logger: logger.child({ component: 'alerts' }),
      registry,
      ...(options.alerts.backoffMs === undefined ? {} : { backoffMs: options.alerts.backoffMs }),
    });
  }

  const stop = async (): Promise<void> => {
    await alerts?.stop();
    await run.stop();
    await scored.stop();
  };
  const done = Promise.all([run.done, alerts?.done]).then(() => undefined);
  done.catch(() => undefined);

  return {
    run,
    scored,
    membership,
    alerts,
    ready: () => scored.isReady() && run.state() === RUN_STATES.running,
    live: () => scored.isLive() && run.state() !== RUN_STATES.failed,
    done,
    stop,
  };
}
