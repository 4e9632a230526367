import { RESCORE_REASONS } from '../core/scoring/scorer-inputs.ts';
import type { RescoreRequest } from '../core/scoring/scorer-inputs.ts';
import { newestProbeAt, readEntry } from '../core/scoring/scorer-entry.ts';
import { PROBE_ONLY_RETENTION_MS } from '../core/scoring/scorer.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventLog, OutgoingRecord } from '../shared/runtime/event-log.ts';

export interface RescorePumpOptions {
  readonly log: EventLog;
  /** The scorer's rescore topic (one of its inputs). */
  readonly topic: string;
  /** The scorer's entries of the partitions this instance owns right now. */
  readonly entries: () => ReadonlyMap<string, unknown>;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** A config not scored for this long is re-scored so decay and freshness show. */
  readonly staleAfterMs?: number;
  readonly sweepEveryMs?: number;
  /** Decay re-scores per sweep (health-driven ones are not capped). */
  readonly maxDecayPerSweep?: number;
  /** Health changes arriving within this window are swept together. */
  readonly debounceMs?: number;
  readonly onSwept?: (requests: number) => void;
}

export interface RescorePump {
  /** Sources whose standing changed: their configs are re-scored at the next (debounced) sweep. */
  sourcesChanged(sourceIds: readonly string[]): void;
  /** One sweep now; resolves with the requests appended. */
  sweep(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

const APPEND_CHUNK = 500;

/**
 * Turns time and source-health changes into rescore requests. A score is a function of the
 * events of its config, but also of the clock (decay, freshness) and of its sources' standing;
 * neither reaches the scorer as an event of the config, so this shell appends requests keyed by
 * fingerprint to the scorer's own input, where they are processed like any record (in the
 * config's partition, transactionally, with the scorer's state).
 */
export function createRescorePump({
  log,
  topic,
  entries,
  logger,
  clock = Date.now,
  staleAfterMs = 3 * 3_600_000,
  sweepEveryMs = 10 * 60_000,
  maxDecayPerSweep = 20_000,
  debounceMs = 2_000,
  onSwept,
}: RescorePumpOptions): RescorePump {
  let changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  let stopped = false;
  let started = false;

  const sweepOnce = async (): Promise<number> => {
    const sources = changed;
    changed = new Set();
    const now = clock();
    const records: OutgoingRecord[] = [];
    let decays = 0;
    for (const [fp, raw] of entries()) {
      const entry = readEntry(raw);
      if (entry === undefined) continue;
      let reason: string | null = null;
      if (entry.current !== null && entry.current.sourceIds.some((s) => sources.has(s))) {
        reason = RESCORE_REASONS.sourceHealth;
      } else if (decays < maxDecayPerSweep) {
        const stale =
          entry.current !== null
            ? entry.scoredAt === null || now - entry.scoredAt >= staleAfterMs
            : now - (newestProbeAt(entry) ?? 0) > PROBE_ONLY_RETENTION_MS;
        if (stale) {
          reason = RESCORE_REASONS.decay;
          decays += 1;
        }
      }
      if (reason !== null) {
        const value: RescoreRequest = { at: now, reason };
        records.push({ topic, key: fp, value });
      }
    }
    for (let i = 0; i < records.length; i += APPEND_CHUNK)
      await log.append(records.slice(i, i + APPEND_CHUNK));
    if (records.length > 0)
      logger.info({ requests: records.length, sources: sources.size, decays }, 'rescore requested');
    onSwept?.(records.length);
    return records.length;
  };

  const sweep = (): Promise<number> => {
    // One sweep at a time; a sweep asked for during one runs after it.
    const next = (running ?? Promise.resolve(0)).catch(() => 0).then(() => sweepOnce());
    running = next;
    return next;
  };

  const background = (): void => {
    if (stopped) return;
    sweep().catch((error: unknown) =>
      logger.warn({ err: error }, 'rescore sweep failed; retried at the next one'),
    );
  };

  return {
    sourcesChanged(ids) {
      for (const id of ids) changed.add(id);
      // Before start the side table is still loading: nothing has changed yet.
      if (debounce !== undefined || stopped || !started) return;
      debounce = setTimeout(() => {
        debounce = undefined;
        background();
      }, debounceMs);
      debounce.unref?.();
    },
    sweep,
    start() {
      if (started) return;
      started = true;
      // What the side table held at start is the baseline, not a change: re-scoring every config
      // after each restart would be a burst for nothing (stale scores catch up by decay sweeps).
      changed = new Set();
      timer = setInterval(background, sweepEveryMs);
      timer.unref?.();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      if (debounce !== undefined) clearTimeout(debounce);
      await running?.catch(() => undefined);
    },
  };
}
