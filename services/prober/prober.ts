import { setTimeout as sleep } from 'node:timers/promises';
import type { Registry } from 'prom-client';
import type { ConfigProbed } from '../generated/events.ts';
import type { AddressScope } from '../core/probing/address-scope.ts';
import type { RunBudget } from '../core/probing/budget.ts';
import type { CoreOutboundOptions } from '../core/probing/core-outbound.ts';
import { probeEvent, verdictOf } from '../core/probing/probe-event.ts';
import type { ProbeResult } from '../core/probing/probe-result.ts';
import type { ProbeHistory, SchedulePolicy } from '../core/probing/schedule.ts';
import { earliestDue, pickDue, recordVerdict } from '../core/probing/schedule.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventLog, OutgoingRecord } from '../shared/runtime/event-log.ts';
import { startConfigFeed } from './config-feed.ts';
import type { ConfigFeed, OwnedConfig } from './config-feed.ts';
import type { CoreLimits } from './core-process.ts';
import type { CoreReaper } from './core-reaper.ts';
import { createProberMetrics } from './prober-metrics.ts';
import { runProbeRound } from './probe-round.ts';
import type { ProbeTarget, RoundReport } from './probe-round.ts';

/** Everything a prober decides by, parsed once (prober-args.ts) and passed down. */
export interface ProberSettings {
  readonly vantage: string;
  readonly instanceId: string;
  readonly budget: RunBudget;
  readonly schedule: SchedulePolicy;
  readonly scope: AddressScope;
  readonly testUrl: URL;
  readonly acceptStatus: (status: number) => boolean;
  readonly cheapTimeoutMs: number;
  readonly proxyTimeoutMs: number;
  readonly coreBin: string;
  readonly coreLimits: Partial<CoreLimits>;
  readonly outbound?: CoreOutboundOptions;
  /** Extra trusted certificates (PEM) for the cheap TLS check and the test URL; tests use a self-signed one. */
  readonly ca?: readonly string[];
  /** Environment for sing-box (tests: SSL_CERT_FILE). */
  readonly coreEnv?: Readonly<Record<string, string>>;
  /** Sees every sing-box config before it runs (tests check that it stays on loopback). */
  readonly onCoreConfig?: (config: Readonly<Record<string, unknown>>) => void;
  /** Minimum time between the starts of two runs: the run budget is per run, this bounds runs per hour. */
  readonly runIntervalMs: number;
  /** Longest sleep when nothing is due, so schedule changes and new configs are noticed. */
  readonly idleMs: number;
}

export interface ProberTopics {
  readonly current: string;
  readonly probed: string;
  /** Compacted, keyed by fingerprint: the probe history per config of this vantage, restored on assignment. */
  readonly history: string;
}

export interface ProberOptions {
  readonly log: EventLog;
  readonly topics: ProberTopics;
  readonly group: string;
  readonly settings: ProberSettings;
  readonly reaper: CoreReaper;
  readonly logger: Logger;
  readonly registry?: Registry;
  readonly now?: () => number;
}

export interface Prober {
  /** Settles when the prober ends: resolves after stop(), rejects with what broke it. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
  /** Owned configs are loaded and their histories restored. */
  ready(): boolean;
  owned(): number;
  history(fingerprint: string): ProbeHistory | undefined;
  lastRound(): RoundReport | undefined;
}

const FLUSH_RECORDS = 500;
const FLUSH_INTERVAL_MS = 250;

/**
 * The prober service: owns part of configs.current.v1 through its vantage's consumer group,
 * keeps each config's probe history (restored from its compacted changelog on assignment, so a
 * restart does not re-probe everything as new), and runs budgeted probe runs over the configs
 * the schedule says are due, most urgent first. Every probe becomes a configs.probed.v1 event
 * keyed by fingerprint and a history update. sing-box processes never outlive a run.
 */
export async function startProber({
  log,
  topics,
  group,
  settings,
  reaper,
  logger,
  registry,
  now = Date.now,
}: ProberOptions): Promise<Prober> {
  const metrics = registry === undefined ? undefined : createProberMetrics(registry);
  const histories = new Map<string, ProbeHistory>();
  let restoring = 0;
  let assignment = 0;
  let stopping = false;
  let last: RoundReport | undefined;
  const abort = new AbortController();
  let waiters: (() => void)[] = [];
  const wake = (): void => {
    const woken = waiters;
    waiters = [];
    for (const w of woken) w();
  };
  const waitForWake = (ms: number): Promise<void> =>
    Promise.race([
      new Promise<void>((resolve) => waiters.push(resolve)),
      sleep(Math.max(0, ms), undefined, { ref: false }),
    ]);

  const restoreHistory = async (partitions: readonly number[], generation: number): Promise<void> => {
    const restored = new Map<string, ProbeHistory>();
    if (partitions.length > 0) {
      await log.readToEnd(topics.history, {
        partitions,
        onRecords(records) {
          for (const r of records) {
            if (r.key === null) continue;
            if (r.value === null) restored.delete(r.key);
            else restored.set(r.key, r.value as ProbeHistory);
          }
        },
      });
    }
    if (generation !== assignment) return;
    histories.clear();
    for (const [k, v] of restored) histories.set(k, v);
    logger.info({ partitions, histories: histories.size }, 'probe history restored');
  };

  let pending: OutgoingRecord[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let feed: ConfigFeed | undefined;
  feed = await startConfigFeed({
    log,
    topic: topics.current,
    group,
    logger,
    onAssignment(partitions) {
      assignment += 1;
      const generation = assignment;
      restoring += 1;
      restoreHistory(partitions, generation)
        .catch((error: unknown) =>
          logger.error({ err: error }, 'probe history restore failed; configs count as new'),
        )
        .finally(() => {
          restoring -= 1;
          wake();
        });
    },
    onNewConfig: wake,
    onRemovedConfig(fingerprint) {
      // Gone from every source: its history goes too, so the compacted changelog forgets it.
      if (histories.delete(fingerprint))
        pending.push({ topic: topics.history, key: fingerprint, value: null });
    },
  });

  const ready = (): boolean => feed?.caughtUp() === true && restoring === 0;

  const flush = (): Promise<void> => {
    const records = pending;
    pending = [];
    if (records.length > 0) flushing = flushing.then(() => log.append(records));
    return flushing;
  };
  const flusher = setInterval(() => {
    flush().catch(() => undefined); // the loop awaits the same chain and fails the prober
  }, FLUSH_INTERVAL_MS);
  flusher.unref();

  const onResult = (target: ProbeTarget, result: ProbeResult, probedAt: number): void => {
    const owned = feed?.get(target.fingerprint);
    if (owned === undefined) return; // removed while it was probed: nobody asks any more
    const event: ConfigProbed = probeEvent({
      cause: owned.cause,
      fingerprint: target.fingerprint,
      vantage: settings.vantage,
      prober: settings.instanceId,
      probedAt,
      result,
    });
    const history = recordVerdict(
      histories.get(target.fingerprint),
      verdictOf(result.outcome),
      probedAt,
      settings.schedule,
    );
    histories.set(target.fingerprint, history);
    pending.push({ topic: topics.probed, key: target.fingerprint, value: event });
    pending.push({ topic: topics.history, key: target.fingerprint, value: history });
    metrics?.probe(event);
    if (pending.length >= FLUSH_RECORDS) void flush().catch(() => undefined);
  };

  const loop = async (): Promise<void> => {
    let lastStart = -Infinity;
    while (!stopping) {
      if (!ready()) {
        await waitForWake(settings.idleMs);
        continue;
      }
      const owned: ReadonlyMap<string, OwnedConfig> = feed?.configs() ?? new Map<string, OwnedConfig>();
      metrics?.owned(owned.size);
      const entries = [...owned.keys()].map((fingerprint) => ({
        fingerprint,
        history: histories.get(fingerprint),
      }));
      const at = now();
      const wait = Math.max(0, lastStart + settings.runIntervalMs - at);
      // Every due config, most urgent first: the run's budget decides how many go, and the
      // rest are counted as deferred (they are still due next run).
      const due = wait > 0 ? [] : pickDue(entries, at, Number.MAX_SAFE_INTEGER, settings.schedule);
      if (due.length === 0) {
        const next = Math.max(wait, earliestDue(entries, settings.schedule) - at);
        await waitForWake(Math.min(settings.idleMs, Math.max(10, next)));
        continue;
      }
      lastStart = at;
      const targets: ProbeTarget[] = [];
      for (const d of due) {
        const entry = owned.get(d.fingerprint);
        if (entry !== undefined) targets.push({ fingerprint: d.fingerprint, config: entry.config });
      }
      last = await runProbeRound(targets, {
        budget: settings.budget,
        cheap: {
          scope: settings.scope,
          timeoutMs: settings.cheapTimeoutMs,
          ...(settings.ca === undefined ? {} : { ca: settings.ca }),
        },
        core: {
          bin: settings.coreBin,
          testUrl: settings.testUrl,
          acceptStatus: settings.acceptStatus,
          requestTimeoutMs: settings.proxyTimeoutMs,
          scope: settings.scope,
          reaper,
          limits: settings.coreLimits,
          ...(settings.ca === undefined ? {} : { targetCa: settings.ca }),
          ...(settings.coreEnv === undefined ? {} : { coreEnv: settings.coreEnv }),
          ...(settings.onCoreConfig === undefined ? {} : { onCoreConfig: settings.onCoreConfig }),
        },
        ...(settings.outbound === undefined ? {} : { outbound: settings.outbound }),
        logger,
        now,
        signal: abort.signal,
        onResult,
      });
      metrics?.round(last);
      logger.info({ ...last, due: due.length }, 'probe run finished');
      await flush();
    }
    await flush();
  };

  const done = Promise.race([
    loop(),
    feed.done.then(() => {
      if (!stopping) throw new Error('configs.current subscription ended');
    }),
  ]).finally(() => {
    clearInterval(flusher);
  });

  const stop = async (): Promise<void> => {
    stopping = true;
    abort.abort();
    // In-flight requests would otherwise wait out their timeouts; killed cores end them now.
    reaper.killAll();
    wake();
    await done.catch(() => undefined);
    await feed?.stop();
    feed = undefined;
  };

  return {
    done,
    stop,
    ready,
    owned: () => feed?.configs().size ?? 0,
    history: (fingerprint) => histories.get(fingerprint),
    lastRound: () => last,
  };
}
