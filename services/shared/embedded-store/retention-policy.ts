import type { GroupOffset } from '../bus/in-process-event-log.ts';

/**
 * What the in-memory log must hold of a topic, given who consumes it. The store keeps every
 * committed record (for its retention); memory keeps what a running consumer may still need.
 */
export interface TopicRetention {
  /**
   * Consumer groups that commit offsets on the topic and must see every record (processors,
   * the sink). Memory holds a partition's records from the lowest offset they committed; a
   * declared group without a commit yet holds everything.
   */
  readonly durableGroups: readonly string[];
  /** Also hold the newest record of each key (the read model's latest fetch statistics per source). */
  readonly latestPerKey?: boolean;
  /** Hold everything the store has (a replay reprocesses the raw topic from its beginning). */
  readonly everything?: boolean;
}

export type RetentionPolicy = (topic: string) => TopicRetention;

export const NO_CONSUMERS: TopicRetention = { durableGroups: [] };

/** Committed offsets as the embedded log tracks them: topic -> partition -> group -> next offset. */
export type CommittedOffsets = Map<string, Map<number, Map<string, number>>>;

export function trackOffsets(into: CommittedOffsets, offsets: readonly GroupOffset[]): void {
  for (const o of offsets) {
    const byPartition = into.get(o.topic) ?? new Map<number, Map<string, number>>();
    const byGroup = byPartition.get(o.partition) ?? new Map<string, number>();
    byGroup.set(o.group, Number(o.offset));
    byPartition.set(o.partition, byGroup);
    into.set(o.topic, byPartition);
  }
}

/**
 * The lowest offset of a partition memory must hold for the topic's durable consumers: the
 * lowest offset they committed, 0 when one of them has not committed yet, and `end` (nothing)
 * when the topic has no durable consumer. A full-history topic holds everything (0).
 */
export function retentionFloor(
  retention: TopicRetention,
  committed: ReadonlyMap<string, number> | undefined,
  end: number,
): number {
  if (retention.everything === true) return 0;
  if (retention.durableGroups.length === 0) return end;
  let floor = end;
  for (const group of retention.durableGroups) {
    const at = committed?.get(group);
    if (at === undefined) return 0;
    floor = Math.min(floor, at);
  }
  return floor;
}
