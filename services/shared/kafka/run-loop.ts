import type { Registry } from 'prom-client';
import type { Processor } from '../../core/processing/processor.ts';
import type { Logger } from '../logger.ts';
import { createProcessorMetrics } from '../metrics/processor-metrics.ts';
import type { EventLog, StartFrom } from '../runtime/event-log.ts';
import type { RetryPolicy } from '../runtime/retry.ts';
import { runProcessor } from '../runtime/run-processor.ts';
import type { ProcessorRun } from '../runtime/run-processor.ts';
import { createKafkaEventLog } from './kafka-event-log.ts';
import type { KafkaConsumerTuning, KafkaEventLogOptions } from './kafka-event-log.ts';
import type { ValueCodec } from './value-codec.ts';

export interface KafkaProcessorOptions {
  readonly brokers: readonly string[];
  /** Values ↔ bytes (createAvroValueCodec in the pipeline). */
  readonly codec: ValueCodec;
  /**
   * Stable across restarts of this instance (a StatefulSet ordinal, a host name): the
   * transactional id is `<group>.<instanceId>`, so a restarted instance fences its predecessor
   * and the broker aborts what the predecessor left open. Two live instances must differ.
   */
  readonly instanceId: string;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Default: the processor's name. A replay into new topics runs under a new group. */
  readonly group?: string;
  readonly clientId?: string;
  readonly consumer?: KafkaConsumerTuning;
  readonly transactionTimeoutMs?: number;
  readonly maxBatchRecords?: number;
  readonly retry?: RetryPolicy;
  readonly startFrom?: StartFrom;
  /** Default createKafkaEventLog; kafka-native's factory swaps the transactional writer for librdkafka. */
  readonly createLog?: (options: KafkaEventLogOptions) => EventLog;
}

/**
 * A processor service's whole runtime on Kafka: the event log, the shared run loop and the
 * processor's metrics. The log is closed when the run ends, however it ends. Entry points
 * pair it with startHealthServer and stopOnSignals.
 */
export async function runKafkaProcessor(
  processor: Processor,
  options: KafkaProcessorOptions,
): Promise<ProcessorRun> {
  const group = options.group ?? processor.name;
  const log = (options.createLog ?? createKafkaEventLog)({
    brokers: options.brokers,
    clientId: options.clientId ?? `${processor.name}.${options.instanceId}`,
    codec: options.codec,
    logger: options.logger,
    ...(options.consumer === undefined ? {} : { consumer: options.consumer }),
    ...(options.transactionTimeoutMs === undefined
      ? {}
      : { transactionTimeoutMs: options.transactionTimeoutMs }),
  });
  let run: ProcessorRun;
  try {
    run = await runProcessor(processor, {
      log,
      group,
      transactionalId: `${group}.${options.instanceId}`,
      logger: options.logger,
      metrics: createProcessorMetrics(options.registry, processor.name),
      ...(options.maxBatchRecords === undefined ? {} : { maxBatchRecords: options.maxBatchRecords }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.startFrom === undefined ? {} : { startFrom: options.startFrom }),
    });
  } catch (error) {
    await log.close();
    throw error;
  }
  const done = run.done.finally(() => log.close());
  done.catch(() => undefined);
  return {
    ...run,
    done,
    async stop() {
      await run.stop();
      await done.catch(() => undefined);
    },
  };
}
