import type { Registry } from 'prom-client';
import { counterIn, gaugeIn, histogramIn } from './metrics-registry.ts';

/** What the run loop reports about one processor; every series carries the processor's name. */
export interface ProcessorMetrics {
  recordsIn(topic: string, count: number): void;
  recordsOut(topic: string, count: number): void;
  dlq(code: string, count: number): void;
  drops(reason: string, count: number): void;
  lag(topic: string, partition: number, records: number): void;
  /** Forget lag of partitions this instance no longer owns, so dashboards do not show stale lag. */
  clearLag(): void;
  batchSeconds(seconds: number): void;
  transactionAborted(code: string): void;
  retried(code: string): void;
  restored(store: string, records: number): void;
}

export const PROCESSOR_METRIC_NAMES = {
  recordsIn: 'submerge_processor_records_in_total',
  recordsOut: 'submerge_processor_records_out_total',
  dlq: 'submerge_processor_dlq_records_total',
  drops: 'submerge_processor_dropped_records_total',
  lag: 'submerge_consumer_lag_records',
  batchSeconds: 'submerge_processor_batch_duration_seconds',
  transactionAborts: 'submerge_processor_transaction_aborts_total',
  retries: 'submerge_processor_retries_total',
  restored: 'submerge_processor_restored_records_total',
} as const;

export function createProcessorMetrics(registry: Registry, processor: string): ProcessorMetrics {
  const recordsIn = counterIn(registry, {
    name: PROCESSOR_METRIC_NAMES.recordsIn,
    help: 'Records consumed and committed, per input topic.',
    labelNames: ['processor', 'topic'],
  });
  const recordsOut = counterIn(registry, {
    name: PROCESSOR_METRIC_NAMES.recordsOut,
    help: 'Records produced in committed transactions, per topic (outputs, changelogs, DLQ).',
    labelNames: ['processor', 'topic'],
  });
  const dlq = counterIn(registry, {
    name: PROCESSOR_METRIC_NAMES.dlq,
    help: 'Records parked in the DLQ, per error code.',
    labelNames: ['processor', 'code'],
  });
  const drops = counterIn(registry, {
    name: PROCESSOR_METRIC_NAMES.drops,
    help: 'Records the processor dropped on purpose, per reason.',
    labelNames: ['processor', 'reason'],
  });
  const lag = gaugeIn(registry, {
    name: PROCESSOR_METRIC_NAMES.lag,
    help: 'Records between the committed position and the partition end, per owned partition.',
    labelNames: ['processor', 'topic', 'partition'],
  });
  const batchSeconds = histogramIn(registry, {
    name: PROCESSOR_METRIC_NAMES.batchSeconds,
    help: 'Time to process and commit one transaction of records.',
    labelNames: ['processor'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const aborts = counterIn(registry, {
    name: PROCESSOR_METRIC_NAMES.transactionAborts,
    help: 'Transactions aborted, per error code.',
    labelNames: ['processor', 'code'],
  });
  const retries = counterIn(registry, {
    name: PROCESSOR_METRIC_NAMES.retries,
    help: 'Retriable failures that were retried, per error code.',
    labelNames: ['processor', 'code'],
  });
  const restored = counterIn(registry, {
    name: PROCESSOR_METRIC_NAMES.restored,
    help: 'Changelog records read to restore state stores.',
    labelNames: ['processor', 'store'],
  });
  const lagSeries = new Set<string>();

  return {
    recordsIn: (topic, count) => recordsIn.inc({ processor, topic }, count),
    recordsOut: (topic, count) => recordsOut.inc({ processor, topic }, count),
    dlq: (code, count) => dlq.inc({ processor, code }, count),
    drops: (reason, count) => drops.inc({ processor, reason }, count),
    lag(topic, partition, records) {
      lagSeries.add(`${topic}\u0000${partition}`);
      lag.set({ processor, topic, partition: String(partition) }, records);
    },
    clearLag() {
      for (const series of lagSeries) {
        const [topic = '', partition = ''] = series.split('\u0000');
        lag.remove({ processor, topic, partition });
      }
      lagSeries.clear();
    },
    batchSeconds: (seconds) => batchSeconds.observe({ processor }, seconds),
    transactionAborted: (code) => aborts.inc({ processor, code }),
    retried: (code) => retries.inc({ processor, code }),
    restored: (store, records) => restored.inc({ processor, store }, records),
  };
}
