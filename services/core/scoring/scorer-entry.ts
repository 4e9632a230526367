import { isVantageStats } from './vantage-stats.ts';
import type { VantageStats } from './vantage-stats.ts';

/** The merged config as the scorer keeps it (from configs.current.v1). */
export interface CurrentFacts {
  readonly protocol: string;
  readonly server: string;
  readonly port: number;
  readonly config: string;
  readonly sourceIds: readonly string[];
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/** The scorer's state per fingerprint (store `configs`, JSON in its changelog). */
export interface ScorerEntry {
  /** null while only probes are known (a probe can be read before its config on a replay). */
  readonly current: CurrentFacts | null;
  readonly vantages: Readonly<Record<string, VantageStats>>;
  /** The newest probe by probe time, whatever its outcome. */
  readonly lastProbe: { readonly outcome: string; readonly at: number } | null;
  /** Latency of the newest successful end-to-end probe. */
  readonly lastLatency: { readonly ms: number; readonly at: number } | null;
  /** Time the latest score was computed as of; scoring never goes back in time. */
  readonly scoredAt: number | null;
  /** Digest of the last published score, so an unchanged score is not published again. */
  readonly signature: string | null;
}

export const EMPTY_ENTRY: ScorerEntry = Object.freeze({
  current: null,
  vantages: Object.freeze({}),
  lastProbe: null,
  lastLatency: null,
  scoredAt: null,
  signature: null,
});

/** A state value read back from the changelog; undefined when it is not an entry (a bug or a foreign writer). */
export function readEntry(value: unknown): ScorerEntry | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const vantages = v['vantages'];
  if (vantages === null || typeof vantages !== 'object') return undefined;
  if (!Object.values(vantages).every(isVantageStats)) return undefined;
  return value as ScorerEntry;
}

/** The newest probe time of any vantage, or null. */
export function newestProbeAt(entry: ScorerEntry): number | null {
  let newest: number | null = null;
  for (const stats of Object.values(entry.vantages)) {
    if (stats.lastProbedAt !== null && (newest === null || stats.lastProbedAt > newest))
      newest = stats.lastProbedAt;
  }
  return newest;
}
