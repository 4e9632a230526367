import type { Registry } from 'prom-client';
import { alertMessage } from '../core/alerts/alert-message.ts';
import { decideAlert, EMPTY_ALERT_MEMORY } from '../core/alerts/alert-policy.ts';
import type { AlertMemory, AlertPolicy } from '../core/alerts/alert-policy.ts';
import type { SourceAnomaly } from '../generated/events.ts';
import type { Logger } from '../shared/logger.ts';
import { counterIn } from '../shared/metrics/metrics-registry.ts';
import type { EventLog, LogRecord, Subscription, TransactionalWriter } from '../shared/runtime/event-log.ts';
import { isRebalance } from '../shared/runtime/runtime-error.ts';
import type { PostWebhook } from './webhook.ts';

export interface AlertSenderOptions {
  readonly log: EventLog;
  /** sources.anomalies.v1 of the deployment. */
  readonly topic: string;
  /** The sender's consumer group; its committed offsets are what has been dealt with. */
  readonly group: string;
  /** Stable per instance, for the writer that commits the group's offsets. */
  readonly transactionalId: string;
  readonly post: PostWebhook;
  readonly policy: AlertPolicy;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly clock?: () => number;
  /** Attempts per alert before it is given up (logged and counted), so one dead receiver never stops the partition. */
  readonly attempts?: number;
  readonly backoffMs?: number;
}

export interface AlertSender {
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

const isAnomaly = (v: unknown): v is SourceAnomaly =>
  v !== null &&
  typeof v === 'object' &&
  typeof (v as Record<string, unknown>)['sourceId'] === 'string' &&
  typeof (v as Record<string, unknown>)['kind'] === 'string' &&
  typeof (v as Record<string, unknown>)['detectedAt'] === 'number';

/**
 * Webhook alerts from sources.anomalies.v1, at least once, de-duplicated and cooled down by the
 * pure policy (services/core/alerts). The policy's memory is a fold over the topic, so on every
 * assignment it is rebuilt from the partition's records before the group's committed offset
 * (what was already dealt with) without sending anything; records from the committed offset on
 * are decided, sent, and their offsets committed after the sends. A crash between a send and its
 * commit sends that alert again (the receiver may see it twice; the event id is in the body).
 */
export async function startAlertSender(options: AlertSenderOptions): Promise<AlertSender> {
  const {
    log,
    topic,
    group,
    post,
    policy,
    logger,
    registry,
    clock = Date.now,
    attempts = 5,
    backoffMs = 500,
  } = options;
  const sent = counterIn(registry, {
    name: 'submerge_alerts_sent_total',
    help: 'Webhook alerts delivered.',
    labelNames: ['kind', 'severity'],
  });
  const suppressed = counterIn(registry, {
    name: 'submerge_alerts_suppressed_total',
    help: 'Anomaly events not sent, by reason (duplicate, cooling-down, below-severity, ...).',
    labelNames: ['reason'],
  });
  const failed = counterIn(registry, {
    name: 'submerge_alerts_failed_total',
    help: 'Alerts given up after every attempt failed.',
    labelNames: ['code'],
  });

  const writer: TransactionalWriter = await log.transactionalWriter(options.transactionalId);
  let memory: AlertMemory = EMPTY_ALERT_MEMORY;
  const restored = new Set<number>();

  const restore = async (partition: number, before: bigint): Promise<void> => {
    let folded = 0;
    await log.readToEnd(topic, {
      partitions: [partition],
      onRecords: (records) => {
        for (const r of records) {
          if (BigInt(r.offset) >= before || !isAnomaly(r.value)) continue;
          memory = decideAlert(memory, r.value, clock(), policy).memory;
          folded += 1;
        }
      },
    });
    restored.add(partition);
    logger.info({ partition, folded }, 'alert memory restored');
  };

  const deliver = async (anomaly: SourceAnomaly, isActive: () => boolean): Promise<void> => {
    const body = alertMessage(anomaly);
    for (let attempt = 1; ; attempt++) {
      try {
        await post(body);
        sent.inc({ kind: anomaly.kind, severity: anomaly.severity });
        logger.info({ sourceId: anomaly.sourceId, kind: anomaly.kind, state: anomaly.state }, 'alert sent');
        return;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const retriable = (error as { retriable?: unknown }).retriable === true;
        if (!retriable || attempt >= attempts || !isActive()) {
          failed.inc({ code: typeof code === 'string' ? code : 'UNKNOWN' });
          logger.error(
            { err: error, sourceId: anomaly.sourceId, kind: anomaly.kind, attempt },
            'alert given up',
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
      }
    }
  };

  const commit = async (partition: number, last: LogRecord): Promise<void> => {
    const tx = await writer.begin();
    try {
      await tx.commitOffsets(group, [{ topic, partition, offset: (BigInt(last.offset) + 1n).toString() }]);
      await tx.commit();
    } catch (error) {
      await tx.abort().catch(() => undefined);
      throw error;
    }
  };

  const subscription: Subscription = await log.consume({
    group,
    topics: [topic],
    // Keys live in one partition each, so a new assignment starts from an empty memory and
    // rebuilds it partition by partition before that partition's first decision.
    onAssignment: () => {
      memory = EMPTY_ALERT_MEMORY;
      restored.clear();
    },
    eachBatch: async (batch, control) => {
      const first = batch.records[0];
      if (first === undefined) return;
      if (!restored.has(batch.partition)) await restore(batch.partition, BigInt(first.offset));
      let last: LogRecord | undefined;
      for (const record of batch.records) {
        if (!control.isActive()) break;
        if (isAnomaly(record.value)) {
          const decision = decideAlert(memory, record.value, clock(), policy);
          memory = decision.memory;
          if (decision.send) await deliver(record.value, () => control.isActive());
          else suppressed.inc({ reason: decision.reason });
        }
        last = record;
      }
      if (last === undefined) return;
      try {
        await control.heartbeat();
        await commit(batch.partition, last);
      } catch (error) {
        // The partition moved to another member (or we are stopping): it resumes from the last
        // commit, so alerts of this batch may be sent twice — at least once, never lost.
        if (isRebalance(error) || !control.isActive()) return;
        throw error;
      }
      control.markConsumed(last.offset);
    },
  });

  const done = subscription.done.finally(() => writer.close().catch(() => undefined));
  done.catch(() => undefined);
  return {
    done,
    async stop() {
      await subscription.stop();
      await done.catch(() => undefined);
    },
  };
}
