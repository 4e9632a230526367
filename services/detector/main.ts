import { parseInterval } from '../core/catalog/interval.ts';
import { DEFAULT_ALERT_POLICY } from '../core/alerts/alert-policy.ts';
import { INTEL_KINDS } from '../core/scoring/intel-topics.ts';
import { runIntelService } from '../intel/run-intel-service.ts';
import { startDetector } from './detector-service.ts';
import { createWebhook } from './webhook.ts';

// sources.snapshots.v1 + sources.fetched.v1 (+ configs.scored.v1 as a side table)
//   -> sources.anomalies.v1 + sources.health.v1, and webhook alerts when SUBMERGE_ALERT_WEBHOOK_URL is set.
process.exitCode = await runIntelService(
  INTEL_KINDS.anomaly,
  'detector',
  process.env,
  ({ config, log, topics, logger, registry }) => {
    const url = config.SUBMERGE_ALERT_WEBHOOK_URL;
    const cooldownSeconds = parseInterval(config.SUBMERGE_ALERT_COOLDOWN) ?? 3600;
    return startDetector({
      log,
      topics,
      instance: config.SUBMERGE_INSTANCE_ID,
      logger,
      registry,
      ...(url === undefined
        ? {}
        : {
            alerts: {
              post: createWebhook({ url }),
              policy: {
                ...DEFAULT_ALERT_POLICY,
                cooldownMs: cooldownSeconds * 1000,
                minSeverity: config.SUBMERGE_ALERT_MIN_SEVERITY,
                notifyResolved: config.SUBMERGE_ALERT_NOTIFY_RESOLVED,
              },
            },
          }),
    });
  },
);
