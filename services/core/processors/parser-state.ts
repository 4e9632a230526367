import type { StateChange } from '../processing/outcome.ts';
import type { StateView } from '../processing/processor.ts';

/** One config a source carries, as much as an absent/expired event needs: fingerprint and columns. */
export type CarriedConfig = readonly [fingerprint: string, protocol: string, server: string, port: number];

/** What one usable parse of a source's body amounted to; repeated in snapshots while the body is unchanged. */
export interface ParseStats {
  readonly container: string;
  readonly bytes: number;
  readonly configs: number;
  readonly uniqueConfigs: number;
  readonly protocols: Readonly<Record<string, number>>;
  readonly diagnostics: Readonly<Record<string, number>>;
}

/** Why a source's configs were withdrawn by the catalog rather than by a fetch. */
export const WITHDRAWAL_REASONS = {
  /** The catalog entry says `enabled: false`: the fetchers stop, so its configs must stop counting. */
  disabled: 'disabled',
  /** The catalog entry was tombstoned. */
  removed: 'removed',
} as const;
export type WithdrawalReason = (typeof WITHDRAWAL_REASONS)[keyof typeof WITHDRAWAL_REASONS];

/** A source the catalog took out of service: its fetch events are ignored until it is enabled again. */
export interface Withdrawal {
  readonly reason: WithdrawalReason;
  /** Time of the catalog event (or the tombstone's record timestamp). */
  readonly at: number;
  /** Id of that catalog event (derived for a tombstone, which has no metadata). */
  readonly eventId: string;
}

/**
 * The parser's state of one source: its last snapshot. The carried set lives in chunk records
 * next to this header, so one big source never makes a changelog record larger than the broker
 * accepts, and an unchanged fetch rewrites only the header.
 */
export interface SourceState {
  /** SHA-256 of the body the carried set was parsed from; null once the set expired. */
  readonly bodySha256: string | null;
  /** Time of the latest fetch that produced or confirmed the carried set (expiry counts from it). */
  readonly confirmedAt: number;
  /** Number of fingerprints carried, and of chunk records holding them. */
  readonly count: number;
  readonly chunks: number;
  /** Statistics of the parse that produced the set (null once expired). */
  readonly stats: ParseStats | null;
  /**
   * Set while the catalog has the source disabled or removed (absent in headers written before
   * the parser read the catalog). The carried set is empty then.
   */
  readonly withdrawn?: Withdrawal;
}

export type StoredValue = SourceState | readonly CarriedConfig[];

/** Entries per chunk record: about 250 kB of JSON, well under Kafka's default 1 MB record cap. */
export const CHUNK_SIZE = 2000;

/** Chunk keys extend the source id with `#n`; source ids are slugs without `#`, so keys never collide. */
export function chunkKey(sourceId: string, index: number): string {
  return `${sourceId}#${index}`;
}

export function readSourceState(store: StateView<StoredValue>, sourceId: string): SourceState | undefined {
  const value = store.get(sourceId);
  return value === undefined || Array.isArray(value) ? undefined : (value as SourceState);
}

/** The carried set in stored order (the order of first appearance in the body it came from). */
export function readCarried(
  store: StateView<StoredValue>,
  sourceId: string,
  state: SourceState,
): CarriedConfig[] {
  const out: CarriedConfig[] = [];
  for (let i = 0; i < state.chunks; i += 1) {
    const chunk = store.get(chunkKey(sourceId, i));
    if (Array.isArray(chunk)) for (const entry of chunk as readonly CarriedConfig[]) out.push(entry);
  }
  return out;
}

/** State changes that replace the source's header and, when `carried` is given, its whole set. */
export function writeSourceState(
  store: string,
  sourceId: string,
  previous: SourceState | undefined,
  next: Omit<SourceState, 'count' | 'chunks'>,
  carried?: readonly CarriedConfig[],
): StateChange[] {
  const changes: StateChange[] = [];
  let count = previous?.count ?? 0;
  let chunks = previous?.chunks ?? 0;
  if (carried !== undefined) {
    count = carried.length;
    chunks = Math.ceil(carried.length / CHUNK_SIZE);
    for (let i = 0; i < chunks; i += 1) {
      changes.push({
        store,
        key: chunkKey(sourceId, i),
        value: carried.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE),
      });
    }
    for (let i = chunks; i < (previous?.chunks ?? 0); i += 1)
      changes.push({ store, key: chunkKey(sourceId, i), value: null });
  }
  const header: SourceState = { ...next, count, chunks };
  changes.push({ store, key: sourceId, value: header });
  return changes;
}
