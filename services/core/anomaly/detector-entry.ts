import { NOT_DEMOTED } from '../health/demotion.ts';
import type { DemotionState } from '../health/demotion.ts';
import type { SourceTally } from '../health/config-membership.ts';
import type { AnomalyKind } from './anomaly-kinds.ts';
import type { OpenAnomaly } from './lifecycle.ts';
import type { Observation } from './observation.ts';

/** The detector's state per source (store `sources`, JSON in its changelog). */
export interface DetectorEntry {
  /** The sliding window, oldest first. */
  readonly window: readonly Observation[];
  /** Latencies of fetches whose snapshot has not been read yet: [fetch event id, ms]. */
  readonly pendingLatency: readonly (readonly [string, number])[];
  readonly open: Readonly<Partial<Record<AnomalyKind, OpenAnomaly>>>;
  readonly fetches: number;
  readonly consecutiveFailures: number;
  readonly lastFetchAt: number | null;
  readonly lastOutcome: string | null;
  readonly lastSuccessAt: number | null;
  readonly lastChangeAt: number | null;
  readonly lastBodySha: string | null;
  /** Configs of the latest usable subscription. */
  readonly lastConfigs: number;
  /** The latest table tally seen (kept for replays, where the table is not sampled). */
  readonly lastTally: SourceTally | null;
  readonly demotion: DemotionState;
  readonly status: string;
  readonly statusSince: number | null;
}

export const EMPTY_DETECTOR_ENTRY: DetectorEntry = Object.freeze({
  window: [],
  pendingLatency: [],
  open: {},
  fetches: 0,
  consecutiveFailures: 0,
  lastFetchAt: null,
  lastOutcome: null,
  lastSuccessAt: null,
  lastChangeAt: null,
  lastBodySha: null,
  lastConfigs: 0,
  lastTally: null,
  demotion: NOT_DEMOTED,
  status: 'unknown',
  statusSince: null,
});

export function readDetectorEntry(value: unknown): DetectorEntry | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v['window']) || !Array.isArray(v['pendingLatency'])) return undefined;
  if (v['open'] === null || typeof v['open'] !== 'object') return undefined;
  if (typeof v['fetches'] !== 'number' || typeof v['consecutiveFailures'] !== 'number') return undefined;
  const demotion = v['demotion'] as Record<string, unknown> | null | undefined;
  if (demotion === null || typeof demotion !== 'object' || typeof demotion['demoted'] !== 'boolean')
    return undefined;
  return value as DetectorEntry;
}
