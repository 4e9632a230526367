import type { Registry } from 'prom-client';
import { INTEL_KINDS, intelProcessorName, rescoreTopic, SCORER_STORE } from '../core/scoring/intel-topics.ts';
import type { IntelTopics } from '../core/scoring/intel-topics.ts';
import type { ScoreModel } from '../core/scoring/score-model.ts';
import { createScorer } from '../core/scoring/scorer.ts';
import { createGlobalTable } from '../intel/global-table.ts';
import type { GlobalTable } from '../intel/global-table.ts';
import type { Logger } from '../shared/logger.ts';
import { counterIn, gaugeIn } from '../shared/metrics/metrics-registry.ts';
import { createProcessorMetrics } from '../shared/metrics/processor-metrics.ts';
import type { EventLog, StartFrom } from '../shared/runtime/event-log.ts';
import { RUN_STATES, runProcessor } from '../shared/runtime/run-processor.ts';
import type { ProcessorRun } from '../shared/runtime/run-processor.ts';
import { createRescorePump } from './rescore-pump.ts';
import type { RescorePump, RescorePumpOptions } from './rescore-pump.ts';
import { createStandingTable } from './standing-table.ts';

export interface ScorerServiceOptions {
  readonly log: EventLog;
  readonly topics: IntelTopics;
  /** Stable per instance: the transactional id is `<processor>.<instance>`. */
  readonly instance: string;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly model?: ScoreModel;
  readonly rescore?: Partial<
    Pick<RescorePumpOptions, 'staleAfterMs' | 'sweepEveryMs' | 'maxDecayPerSweep' | 'debounceMs' | 'clock'>
  >;
  readonly maxBatchRecords?: number;
  readonly startFrom?: StartFrom;
}

export interface ScorerService {
  readonly run: ProcessorRun;
  readonly health: GlobalTable;
  readonly pump: RescorePump;
  /** The side table is loaded and the run loop is running. */
  ready(): boolean;
  live(): boolean;
  /** Settles when the run ends (rejects when it crashed). */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The scorer on any event log: sources.health.v1 as a side table (loaded before the first
 * record is scored, so no score is computed without the standings there are), the scorer
 * processor on the shared run loop, and the rescore pump that re-scores configs when their
 * sources' standing changes and when time has passed.
 */
export async function startScorer(options: ScorerServiceOptions): Promise<ScorerService> {
  const { log, topics, instance, logger, registry } = options;
  const name = intelProcessorName(INTEL_KINDS.scorer, topics);
  const requests = counterIn(registry, {
    name: 'submerge_scorer_rescore_requests_total',
    help: 'Rescore requests appended by the rescore pump.',
  });
  const standingsGauge = gaugeIn(registry, {
    name: 'submerge_scorer_source_standings',
    help: 'Sources in the scorer side table of sources.health.',
  });

  // The pump reads the run's stores, and the standing table feeds the pump: the run is created
  // after the table has loaded, so the pump reaches it through this reference.
  const runRef: { current?: ProcessorRun } = {};
  const pump = createRescorePump({
    log,
    topic: rescoreTopic(topics),
    entries: () => runRef.current?.storeSnapshot(SCORER_STORE) ?? new Map(),
    logger: logger.child({ component: 'rescore-pump' }),
    onSwept: (n) => requests.inc(n),
    ...options.rescore,
  });
  const standing = createStandingTable({ onChange: (ids) => pump.sourcesChanged(ids) });
  const health = createGlobalTable({
    log,
    topics: [topics.health],
    apply: (records) => {
      standing.apply(records);
      standingsGauge.set(standing.size);
    },
    logger: logger.child({ table: topics.health }),
    groupPrefix: `${name}.health-table.${instance}`,
  });
  await health.start();

  const run = await runProcessor(
    createScorer({ topics, standing: standing.lookup, ...(options.model ? { model: options.model } : {}) }),
    {
      log,
      group: name,
      transactionalId: `${name}.${instance}`,
      logger,
      metrics: createProcessorMetrics(registry, name),
      maxBatchRecords: options.maxBatchRecords ?? 1000,
      ...(options.startFrom === undefined ? {} : { startFrom: options.startFrom }),
    },
  );
  runRef.current = run;
  pump.start();

  const stop = async (): Promise<void> => {
    await pump.stop();
    await run.stop();
    await health.stop();
  };
  const done = run.done.finally(() => Promise.allSettled([pump.stop(), health.stop()]));
  done.catch(() => undefined);

  return {
    run,
    health,
    pump,
    ready: () => health.isReady() && run.state() === RUN_STATES.running,
    live: () => health.isLive() && run.state() !== RUN_STATES.failed,
    done,
    stop,
  };
}
