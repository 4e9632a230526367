import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';

export class PendingProbeError extends Error {
  readonly code = 'PENDING_PROBE_TIMEOUT';
  readonly retriable = true;
}

/**
 * How many committed records of `topic` a consumer group has not consumed yet. Offsets alone
 * cannot tell on a topic written in transactions: commit markers and aborted records take
 * offsets no consumer ever sees, so a group that is done still sits short of the end offset.
 * This reads the gap between the group's committed offsets and the end offsets (read_committed,
 * with a throwaway group) and counts what is really there. Cheap when the group is caught up:
 * only the markers are read.
 */
export async function countPendingRecords(
  kafka: Kafka,
  topic: string,
  group: string,
  {
    timeoutMs = 30_000,
    limit = Number.POSITIVE_INFINITY,
  }: {
    readonly timeoutMs?: number;
    /** Stop counting at this many: `limit: 1` answers "is anything pending?" after one batch. */
    readonly limit?: number;
  } = {},
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const probe = `submerge.pending.${randomBytes(6).toString('hex')}`;
  try {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: group, topics: [topic] }),
    ]);
    const committedOf = new Map(
      (committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)] as const),
    );
    const from = new Map<number, bigint>();
    const to = new Map<number, bigint>();
    for (const o of ends) {
      const low = BigInt(o.low);
      const at = committedOf.get(o.partition) ?? -1n;
      const start = at < low ? low : at;
      from.set(o.partition, start);
      to.set(o.partition, BigInt(o.high));
    }
    const pending = [...from].filter(([p, start]) => start < (to.get(p) ?? 0n)).map(([p]) => p);
    if (pending.length === 0) return 0;

    await commitOffsets(
      kafka,
      probe,
      topic,
      [...from].map(([partition, start]) => ({
        partition,
        offset: (pending.includes(partition) ? start : (to.get(partition) ?? start)).toString(),
      })),
    );
    return await readGap(kafka, topic, probe, pending, to, timeoutMs, limit);
  } finally {
    await admin.deleteGroups([probe]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function readGap(
  kafka: Kafka,
  topic: string,
  probe: string,
  pending: readonly number[],
  to: ReadonlyMap<number, bigint>,
  timeoutMs: number,
  limit: number,
): Promise<number> {
  const consumer = kafka.consumer({
    groupId: probe,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
    retry: { retries: 3, restartOnFailure: () => Promise.resolve(false) },
  });
  const open = new Set(pending);
  let count = 0;
  let finish: { resolve(): void; reject(error: unknown): void } = { resolve: () => {}, reject: () => {} };
  const finished = new Promise<void>((resolve, reject) => {
    finish = { resolve, reject };
  });
  const reached = (partition: number, lastOffset: string): void => {
    const end = to.get(partition);
    if (end !== undefined && BigInt(lastOffset) >= end - 1n && open.delete(partition)) {
      consumer.pause([{ topic, partitions: [partition] }]);
    }
    if (open.size === 0) finish.resolve();
  };
  // Batches holding only markers or aborted records never reach eachBatch; this event still ends them.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic === topic) reached(payload.partition, payload.lastOffset);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => finish.reject(payload.error));
  const timer = setTimeout(
    () => finish.reject(new PendingProbeError(`reading ${topic} to its end took over ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: ({ batch }) => {
        const end = to.get(batch.partition);
        if (end === undefined || !open.has(batch.partition)) {
          consumer.pause([{ topic, partitions: [batch.partition] }]);
          return Promise.resolve();
        }
        for (const m of batch.messages) if (BigInt(m.offset) < end) count += 1;
        if (count >= limit) {
          finish.resolve();
          return Promise.resolve();
        }
        const last = batch.messages.at(-1);
        if (last !== undefined) reached(batch.partition, last.offset);
        return Promise.resolve();
      },
    });
    await finished;
    return count;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}

/**
 * Commits a group's offsets inside a transaction of a throwaway transactional producer. kafkajs'
 * admin.setOffsets joins the group and waits out a whole fetch long-poll (seconds); a
 * transactional offset commit needs no membership and takes milliseconds.
 */
async function commitOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
  partitions: readonly { readonly partition: number; readonly offset: string }[],
): Promise<void> {
  const producer = kafka.producer({
    transactionalId: `${groupId}.offsets`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    const tx = await producer.transaction();
    try {
      await tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [...partitions] }] });
      await tx.commit();
    } catch (error) {
      await tx.abort().catch(() => undefined);
      throw error;
    }
  } finally {
    await producer.disconnect();
  }
}
