import { assignCoPartitioned } from '../runtime/co-partitioned-assignment.ts';
import type { Assignment } from '../runtime/event-log.ts';

/**
 * A consumer group of the in-process bus: committed offsets plus the membership protocol.
 * It follows Kafka's eager rebalance: when a member joins or leaves, the group waits until
 * every member has finished its batch in flight (a busy member learns of the rebalance from
 * heartbeat/isActive and stops early), then hands out a new co-partitioned assignment under a
 * new generation. No partition is ever worked on by two members at once.
 */
export interface ConsumerGroup {
  readonly id: string;
  /** topic → partition → next offset to read. */
  readonly committed: Map<string, Map<number, number>>;
  join(memberId: string, topics: readonly string[]): void;
  leave(memberId: string): void;
  hasMembers(): boolean;
  generation(): number;
  rebalancePending(): boolean;
  assignmentOf(memberId: string): Assignment;
  /** A member marks the span of one batch; the rebalance completes when no member is busy. */
  setBusy(memberId: string, busy: boolean): void;
}

export function createConsumerGroup(
  id: string,
  { partitionCount, onChange }: { partitionCount: (topic: string) => number; onChange: () => void },
): ConsumerGroup {
  const committed = new Map<string, Map<number, number>>();
  const members = new Map<string, { topics: readonly string[]; busy: boolean }>();
  let generation = 0;
  let pending = false;
  let assignment = new Map<string, Map<string, number[]>>();

  const tryRebalance = (): void => {
    if (!pending || [...members.values()].some((m) => m.busy)) return;
    const topics = new Map<string, number>();
    for (const member of members.values())
      for (const topic of member.topics) topics.set(topic, partitionCount(topic));
    assignment = assignCoPartitioned([...members.keys()], topics);
    generation += 1;
    pending = false;
    onChange();
  };

  const requestRebalance = (): void => {
    pending = true;
    tryRebalance();
    onChange();
  };

  return {
    id,
    committed,
    join(memberId, topics) {
      members.set(memberId, { topics, busy: false });
      requestRebalance();
    },
    leave(memberId) {
      if (members.delete(memberId)) requestRebalance();
    },
    hasMembers: () => members.size > 0,
    generation: () => generation,
    rebalancePending: () => pending,
    assignmentOf(memberId) {
      const topics = assignment.get(memberId) ?? new Map<string, number[]>();
      const own = members.get(memberId)?.topics ?? [];
      return new Map([...topics].filter(([topic]) => own.includes(topic)));
    },
    setBusy(memberId, busy) {
      const member = members.get(memberId);
      if (member === undefined) return;
      member.busy = busy;
      if (!busy) tryRebalance();
    },
  };
}
