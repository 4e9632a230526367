import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../shared/logger.ts';
import type { BudgetLimit, RunBudget } from '../core/probing/budget.ts';
import { settleProbe, startBudget, takeProbe } from '../core/probing/budget.ts';
import { coreOutbound, isCoreRejection } from '../core/probing/core-outbound.ts';
import type { CoreOutboundOptions } from '../core/probing/core-outbound.ts';
import { failure, PROBE_ERROR_CODES, unsupported } from '../core/probing/error-codes.ts';
import { cheapPlan } from '../core/probing/probe-plan.ts';
import type { CheapMeasurements, ProbeResult } from '../core/probing/probe-result.ts';
import { failedAt, PROBE_STAGES, passedProxy } from '../core/probing/probe-result.ts';
import type { ProxyConfig } from '../core/model/config.ts';
import { hostTarget } from '../core/fetching/address-guard.ts';
import { cheapStage } from './cheap-stage.ts';
import type { CheapStageOptions } from './cheap-stage.ts';
import { runCoreBatch } from './core-batch.ts';
import type { CoreBatchItem, CoreBatchOptions } from './core-batch.ts';

/** One config to probe in a run. `config` is undefined when its event held no usable config. */
export interface ProbeTarget {
  readonly fingerprint: string;
  readonly config: ProxyConfig | undefined;
}

export interface ProbeRoundOptions {
  readonly budget: RunBudget;
  readonly cheap: CheapStageOptions;
  readonly core: Omit<CoreBatchOptions, 'signal' | 'logger' | 'requestsPerCore'>;
  readonly outbound?: CoreOutboundOptions;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly signal?: AbortSignal;
  /** A partial core batch starts after waiting this long for more configs to pass the cheap stage. */
  readonly batchLingerMs?: number;
  /** Called once per probed config, in completion order. */
  readonly onResult: (target: ProbeTarget, result: ProbeResult, probedAt: number) => void;
}

export interface RoundReport {
  readonly probed: number;
  /** Due configs the budget left for the next run. */
  readonly deferred: number;
  readonly exhausted: BudgetLimit | null;
  readonly bytes: number;
  /** Configs that ended in the cheap stage (resolve, tcp, tls) and never cost a core slot. */
  readonly endedCheap: number;
  readonly coreConfigs: number;
  readonly coreProcesses: number;
  readonly corePeakRssBytes: number;
  readonly coreCpuSeconds: number;
  readonly coreTrafficBytes: number;
  readonly durationMs: number;
}

interface Queued {
  readonly target: ProbeTarget;
  readonly probedAt: number;
  readonly cheap: CheapMeasurements;
  readonly item: CoreBatchItem;
}

/**
 * One probe run over due configs, in the order given (the schedule's priority), within the run
 * budget: each config starts only when the budget allows (rate, count, traffic), passes the
 * cheap stage in a pool of `cheapConcurrency`, and the survivors are gathered into sing-box
 * batches of `coreBatchSize`, at most `coreProcesses` at once. A config whose cheap stage failed
 * is reported right away and never costs a core slot.
 */
export async function runProbeRound(
  targets: readonly ProbeTarget[],
  options: ProbeRoundOptions,
): Promise<RoundReport> {
  const { budget, logger } = options;
  const now = options.now ?? Date.now;
  const lingerMs = options.batchLingerMs ?? 300;
  const started = now();
  let state = startBudget(budget, started);
  let exhausted: BudgetLimit | null = null;
  let probed = 0;
  let endedCheap = 0;
  let coreConfigs = 0;
  const core = { processes: 0, peakRssBytes: 0, cpuSeconds: 0, trafficBytes: 0 };

  const queue: Queued[] = [];
  let cheapInFlight = 0;
  let batchesRunning = 0;
  let producing = true;
  let lastEnqueue = 0;
  let failure_: Error | undefined;
  let waiters: (() => void)[] = [];
  const nudge = (): void => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  const idle = (): Promise<void> => new Promise((resolve) => waiters.push(resolve));

  const report = (target: ProbeTarget, result: ProbeResult, probedAt: number): void => {
    probed++;
    state = settleProbe(state, budget, result.bytes);
    options.onResult(target, result, probedAt);
  };

  const startBatch = (batch: Queued[]): void => {
    batchesRunning++;
    coreConfigs += batch.length;
    runCoreBatch(
      batch.map((q) => q.item),
      {
        ...options.core,
        requestsPerCore: budget.requestsPerCore,
        logger,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    )
      .then(({ results, stats }) => {
        core.processes += stats.processes;
        core.peakRssBytes = Math.max(core.peakRssBytes, stats.peakRssBytes);
        core.cpuSeconds += stats.cpuSeconds;
        core.trafficBytes += stats.coreTrafficBytes;
        for (const q of batch) {
          const r = results.get(q.target.fingerprint);
          if (r === undefined) continue; // aborted: nothing to say about it
          report(
            q.target,
            r.ok
              ? passedProxy(q.cheap, {
                  latencyMs: r.latencyMs,
                  bytes: r.bytes,
                  target: options.core.testUrl.href,
                })
              : failedAt(PROBE_STAGES.proxy, r.failure, q.cheap, {
                  bytes: r.bytes,
                  target: options.core.testUrl.href,
                }),
            q.probedAt,
          );
        }
      })
      .catch((error: unknown) => {
        failure_ ??= asError(error);
      })
      .finally(() => {
        batchesRunning--;
        nudge();
      });
  };

  const dispatch = (): void => {
    while (queue.length > 0 && batchesRunning < budget.coreProcesses) {
      const full = queue.length >= budget.coreBatchSize;
      const drained = !producing && cheapInFlight === 0;
      const lingered = now() - lastEnqueue >= lingerMs;
      if (!full && !drained && !lingered) return;
      startBatch(queue.splice(0, budget.coreBatchSize));
    }
  };

  const probeCheap = async (target: ProbeTarget, probedAt: number): Promise<void> => {
    const config = target.config;
    if (config === undefined) {
      endedCheap++;
      report(
        target,
        failedAt(
          PROBE_STAGES.resolve,
          failure(PROBE_ERROR_CODES.configInvalid, 'the event holds no usable config'),
        ),
        probedAt,
      );
      return;
    }
    let plan;
    try {
      plan = cheapPlan(config);
    } catch (error) {
      // A structurally broken config (a foreign producer): its own problem, not the run's.
      endedCheap++;
      const detail = error instanceof Error ? error.message : 'malformed config';
      report(
        target,
        failedAt(PROBE_STAGES.resolve, failure(PROBE_ERROR_CODES.configInvalid, detail)),
        probedAt,
      );
      return;
    }
    const cheap = await cheapStage(plan, options.cheap);
    if (!cheap.passed) {
      endedCheap++;
      report(target, failedAt(cheap.stage, cheap.failure, cheap.measurements), probedAt);
      return;
    }
    let outbound;
    try {
      outbound = coreOutbound(config, options.outbound);
    } catch (error) {
      const detail = error instanceof Error ? error.message : 'malformed config';
      report(
        target,
        failedAt(PROBE_STAGES.proxy, failure(PROBE_ERROR_CODES.configInvalid, detail), cheap.measurements),
        probedAt,
      );
      return;
    }
    if (isCoreRejection(outbound)) {
      report(
        target,
        failedAt(PROBE_STAGES.proxy, unsupported(outbound.code, outbound.reason), cheap.measurements),
        probedAt,
      );
      return;
    }
    const host = hostTarget(config.server);
    const hosts: (readonly [string, readonly string[]])[] =
      host.kind === 'name' ? [[host.name, cheap.measurements.addresses]] : [];
    queue.push({
      target,
      probedAt,
      cheap: cheap.measurements,
      item: { id: target.fingerprint, outbound, hosts },
    });
    lastEnqueue = now();
  };

  // Producer: starts configs as the budget allows; the pools and the dispatcher do the rest.
  const producer = (async () => {
    for (const target of targets) {
      if (options.signal?.aborted === true || failure_ !== undefined) break;
      let decision;
      for (;;) {
        const taken = takeProbe(state, budget, now());
        state = taken.state;
        decision = taken.decision;
        if (decision.kind !== 'wait') break;
        await sleep(decision.ms);
      }
      if (decision.kind === 'exhausted') {
        exhausted = decision.limit;
        break;
      }
      while (cheapInFlight >= budget.cheapConcurrency) await idle();
      cheapInFlight++;
      const probedAt = now();
      probeCheap(target, probedAt)
        .catch((error: unknown) => {
          failure_ ??= asError(error);
        })
        .finally(() => {
          cheapInFlight--;
          nudge();
        });
      dispatch();
    }
    producing = false;
    nudge();
  })();

  for (;;) {
    dispatch();
    if (!producing && cheapInFlight === 0 && queue.length === 0 && batchesRunning === 0) break;
    if (failure_ !== undefined && cheapInFlight === 0 && batchesRunning === 0) break;
    // Woken by any completion; the linger timer lets a partial batch go when the cheap stage is slow.
    await Promise.race([idle(), sleep(lingerMs)]);
  }
  await producer;
  if (failure_ !== undefined) throw failure_;
  return {
    probed,
    deferred: targets.length - probed,
    exhausted,
    bytes: state.bytes,
    endedCheap,
    coreConfigs,
    coreProcesses: core.processes,
    corePeakRssBytes: core.peakRssBytes,
    coreCpuSeconds: core.cpuSeconds,
    coreTrafficBytes: core.trafficBytes,
    durationMs: now() - started,
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error('probe round failed', { cause: error });
}
