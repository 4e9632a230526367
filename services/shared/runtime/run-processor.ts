import { performance } from 'node:perf_hooks';
import { changelogTopic, dlqTopic } from '../../core/processing/processor.ts';
import type { Processor } from '../../core/processing/processor.ts';
import type { Logger } from '../logger.ts';
import type { ProcessorMetrics } from '../metrics/processor-metrics.ts';
import type {
  Assignment,
  BatchControl,
  EventLog,
  LogBatch,
  LogRecord,
  StartFrom,
  Subscription,
  TransactionalWriter,
} from './event-log.ts';
import { START_FROM } from './event-log.ts';
import { processRecords } from './process-records.ts';
import { DEFAULT_RETRY_POLICY, withRetry } from './retry.ts';
import type { RetryPolicy } from './retry.ts';
import {
  errorCode,
  errorMessage,
  isRebalance,
  isRetriable,
  RUNTIME_ERROR_CODES,
  RuntimeError,
} from './runtime-error.ts';
import { createStateStores } from './state-stores.ts';

export interface RunProcessorOptions {
  readonly log: EventLog;
  /** Consumer group: instances of one processor share it; a replay uses a new one. */
  readonly group: string;
  /** Stable per instance (e.g. `<processor>-<ordinal>`): a restart fences its predecessor. */
  readonly transactionalId: string;
  readonly logger: Logger;
  readonly metrics: ProcessorMetrics;
  /** Records per transaction. Larger batches amortize the commit; smaller ones redo less after a crash. */
  readonly maxBatchRecords?: number;
  readonly retry?: RetryPolicy;
  readonly startFrom?: StartFrom;
  /** The `now` processors see, read once per transaction. */
  readonly clock?: () => number;
}

export const RUN_STATES = {
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  failed: 'failed',
} as const;
export type RunState = (typeof RUN_STATES)[keyof typeof RUN_STATES];

export interface ProcessorRun {
  /** Resolves once stopped; rejects with the error that crashed the run (the supervisor restarts). */
  readonly done: Promise<void>;
  /** Finishes the transaction in flight, leaves the group, closes the writer. Idempotent. */
  stop(): Promise<void>;
  state(): RunState;
  /** Input partition numbers this instance owns now (the same for every input topic). */
  partitions(): readonly number[];
  /** A store's contents across the partitions this instance holds right now (tests, debugging). */
  storeSnapshot(store: string): ReadonlyMap<string, unknown>;
}

/**
 * The one consume-transform-produce loop every processor runs on, whatever the log:
 *
 * - each chunk of a partition's batch is one transaction holding the processor's outputs, the
 *   changelog records of its state changes (to the input's partition) and DLQ records, plus the
 *   input offset; the in-memory stores change only after the commit;
 * - state is restored from the changelogs for the owned partitions on every new assignment,
 *   before the first record of it is processed;
 * - dlq outcomes and undecodable records go to `dlq.<processor>.v1` and the partition moves on;
 *   drops are counted;
 * - retriable errors are retried with backoff (the transaction aborted first); anything else
 *   ends the run with the error, and the process is expected to exit and be restarted.
 */
export async function runProcessor(
  processor: Processor,
  options: RunProcessorOptions,
): Promise<ProcessorRun> {
  const {
    log,
    group,
    transactionalId,
    logger: rootLogger,
    metrics,
    maxBatchRecords = 500,
    retry = DEFAULT_RETRY_POLICY,
    startFrom = START_FROM.earliest,
    clock = Date.now,
  } = options;
  const logger = rootLogger.child({ processor: processor.name });
  const stores = createStateStores(processor.stores);

  await prepareTopics(processor, log);
  // The writer comes first: taking over the transactional id aborts whatever a crashed
  // predecessor left open, so the restore below reads only decided changelog records.
  const writer = await log.transactionalWriter(transactionalId);

  let state: RunState = RUN_STATES.running;
  let owned: readonly number[] = [];

  const onAssignment = (assignment: Assignment): void => {
    stores.reset();
    metrics.clearLag();
    owned = [...new Set([...assignment.values()].flat())].sort((a, b) => a - b);
    logger.info({ group, partitions: owned }, 'partitions assigned');
  };

  const restore = async (control: BatchControl): Promise<void> => {
    const partitions = owned.filter((p) => !stores.isRestored(p));
    if (partitions.length === 0 || processor.stores.length === 0) {
      for (const p of partitions) stores.markRestored(p);
      return;
    }
    const started = performance.now();
    let records = 0;
    for (const store of processor.stores) {
      const source = processor.outputStores?.[store];
      await log.readToEnd(source?.topic ?? changelogTopic(processor.name, store), {
        partitions,
        onRecords: async (batch) => {
          for (const r of batch) {
            if (r.key === null) continue;
            if (r.decodeFailure !== null) {
              throw new RuntimeError(
                RUNTIME_ERROR_CODES.changelogCorrupt,
                `${r.topic}/${r.partition}@${r.offset}: ${r.decodeFailure.message}`,
              );
            }
            const value = source === undefined || r.value === null ? r.value : source.restore(r.value);
            stores.apply(r.partition, [{ store, key: r.key, value }]);
          }
          records += batch.length;
          metrics.restored(store, batch.length);
          await control.heartbeat();
        },
      });
    }
    for (const p of partitions) stores.markRestored(p);
    logger.info({ partitions, records, ms: Math.round(performance.now() - started) }, 'state restored');
  };

  const commitChunk = async (
    batch: LogBatch,
    records: readonly LogRecord[],
    control: BatchControl,
  ): Promise<void> => {
    const started = performance.now();
    const result = processRecords(processor, records, { partition: batch.partition, stores, now: clock() });
    const tx = await writer.begin();
    try {
      if (result.outgoing.length > 0) await tx.append(result.outgoing);
      await tx.commitOffsets(group, [
        { topic: batch.topic, partition: batch.partition, offset: result.nextOffset },
      ]);
      // Last look at the membership before committing: kafkajs' offset commits in transactions
      // carry no group generation, so this is what keeps a member that lost the partition while
      // the transaction was open from committing work its successor will redo.
      await control.heartbeat();
      await tx.commit();
    } catch (error) {
      metrics.transactionAborted(errorCode(error));
      await tx.abort().catch((abortError: unknown) => {
        logger.warn(
          { err: abortError, cause: errorMessage(error) },
          'abort after a failed transaction failed too',
        );
      });
      throw error;
    }
    stores.apply(batch.partition, result.stateChanges);
    metrics.recordsIn(batch.topic, records.length);
    for (const [topic, n] of result.tally.outputsByTopic) metrics.recordsOut(topic, n);
    for (const [code, n] of result.tally.dlqByCode) metrics.dlq(code, n);
    for (const [reason, n] of result.tally.dropsByReason) metrics.drops(reason, n);
    const lag = BigInt(batch.highWatermark) - BigInt(result.nextOffset);
    metrics.lag(batch.topic, batch.partition, Number(lag > 0n ? lag : 0n));
    metrics.batchSeconds((performance.now() - started) / 1000);
    if (result.tally.dlqByCode.size > 0) {
      logger.warn(
        { topic: batch.topic, partition: batch.partition, dlq: Object.fromEntries(result.tally.dlqByCode) },
        'records parked in the DLQ',
      );
    }
  };

  const eachBatch = async (batch: LogBatch, control: BatchControl): Promise<void> => {
    await restore(control);
    for (let i = 0; i < batch.records.length; i += maxBatchRecords) {
      if (!control.isActive()) return;
      const chunk = batch.records.slice(i, i + maxBatchRecords);
      try {
        await withRetry(() => commitChunk(batch, chunk, control), retry, {
          onRetriableError: (error, attempt) => {
            metrics.retried(errorCode(error));
            logger.warn(
              { err: error, attempt, topic: batch.topic, partition: batch.partition },
              'retriable failure, backing off',
            );
          },
          keepAlive: () => control.heartbeat(),
          shouldStop: () => !control.isActive(),
        });
      } catch (error) {
        // Shutting down or rebalancing: the chunk stays uncommitted and is redone by its next owner.
        if (!isRebalance(error) && isRetriable(error) && !control.isActive()) return;
        throw error;
      }
      const last = chunk.at(-1);
      if (last !== undefined) control.markConsumed(last.offset);
      await control.heartbeat();
    }
  };

  let subscription: Subscription;
  try {
    subscription = await log.consume({
      group,
      topics: processor.inputTopics,
      startFrom,
      onAssignment,
      eachBatch,
    });
  } catch (error) {
    await writer.close().catch(() => undefined);
    throw error;
  }
  logger.info({ group, topics: processor.inputTopics, transactionalId }, 'processor started');

  const done = subscription.done.then(
    async () => {
      await closeWriter(writer, logger);
      state = RUN_STATES.stopped;
      logger.info('processor stopped');
    },
    async (error: unknown) => {
      state = RUN_STATES.failed;
      logger.error({ err: error, code: errorCode(error) }, 'processor crashed');
      await closeWriter(writer, logger);
      throw error;
    },
  );
  // Callers observe the crash through `done`; this only keeps it from also being an unhandled rejection.
  done.catch(() => undefined);

  return {
    done,
    async stop() {
      if (state === RUN_STATES.running) state = RUN_STATES.stopping;
      await subscription.stop();
      await done.catch(() => undefined);
    },
    state: () => state,
    partitions: () => owned,
    storeSnapshot: (store) => stores.snapshot(store),
  };
}

/**
 * Inputs of a stateful processor must share one partition count, and its changelogs must have
 * it too: partition p's state is fed by partition p of each input. Missing changelog and DLQ
 * topics are created (the catalogue creates them with full settings in the distributed mode).
 */
async function prepareTopics(processor: Processor, log: EventLog): Promise<void> {
  const counts = await Promise.all(processor.inputTopics.map((t) => log.partitionCount(t)));
  const partitions = Math.max(...counts);
  if (processor.stores.length > 0 && counts.some((c) => c !== partitions)) {
    throw new RuntimeError(
      RUNTIME_ERROR_CODES.partitionsMismatch,
      `${processor.name}: stateful inputs must be co-partitioned, got ${processor.inputTopics
        .map((t, i) => `${t}=${counts[i]}`)
        .join(', ')}`,
    );
  }
  const changelogs = processor.stores
    .filter((store) => processor.outputStores?.[store] === undefined)
    .map((store) => changelogTopic(processor.name, store));
  await log.ensureTopics([
    ...changelogs.map((name) => ({ name, partitions, compacted: true })),
    { name: dlqTopic(processor.name), partitions, compacted: false },
  ]);
  // An output-backed store is restored from its topic's partition p into the state of input partition p.
  const stateTopics = [...changelogs, ...Object.values(processor.outputStores ?? {}).map((s) => s.topic)];
  for (const name of stateTopics) {
    const count = await log.partitionCount(name);
    if (count !== partitions) {
      throw new RuntimeError(
        RUNTIME_ERROR_CODES.partitionsMismatch,
        `${name} has ${count} partitions, its inputs ${partitions}`,
      );
    }
  }
}

async function closeWriter(writer: TransactionalWriter, logger: Logger): Promise<void> {
  await writer
    .close()
    .catch((error: unknown) => logger.warn({ err: error }, 'closing the transactional writer failed'));
}
