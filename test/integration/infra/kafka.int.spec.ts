import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Consumer, EachMessagePayload } from 'kafkajs';
import { componentEndpoints } from '../../helpers/components.ts';
import { createKafkaTestKit, uniqueName } from '../../helpers/kafka.ts';
import type { KafkaTestKit } from '../../helpers/kafka.ts';

// Proves that kafkajs 2.2.4 works against the local Kafka 4.1 KRaft broker for everything the
// services rely on: groups, rebalances and exactly-once consume-transform-produce.

const WAIT = { timeout: 60_000, interval: 100 } as const;

interface Received {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: string;
}

function collectInto(sink: Received[]) {
  return ({ topic, partition, message }: EachMessagePayload): Promise<void> => {
    sink.push({
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? '',
      value: message.value?.toString() ?? '',
    });
    return Promise.resolve();
  };
}

async function committedOffsets(
  kit: KafkaTestKit,
  groupId: string,
  topic: string,
): Promise<Map<number, string>> {
  const [entry] = await kit.admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
}

/** Latest assignment each consumer received on joining its group: partitions of `topic`. */
function trackAssignment(consumer: Consumer, topic: string): { current(): readonly number[] } {
  let partitions: readonly number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    partitions = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
  });
  return { current: () => partitions };
}

describe('kafka broker (kafkajs against the local KRaft node)', () => {
  let kit: KafkaTestKit;

  beforeEach(async () => {
    kit = await createKafkaTestKit({ brokers: componentEndpoints().kafkaBrokers });
  });

  afterEach(async () => {
    await kit.cleanup();
  });

  it('answers metadata requests from a single broker that is also the controller', async () => {
    const cluster = await kit.admin.describeCluster();
    expect(cluster.brokers).toHaveLength(1);
    expect(cluster.controller).toBe(cluster.brokers[0]?.nodeId);
  });

  it('delivers produced records to a group member, commits its offsets, and a later member resumes after them', async () => {
    const topic = await kit.createTopic('produce-consume', { partitions: 2 });
    const groupId = kit.groupId('produce-consume');
    const producer = await kit.producer();
    const sent = Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    await producer.send({ topic, messages: sent });

    const first: Received[] = [];
    const consumer = await kit.consumer({ groupId });
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: collectInto(first) });
    await vi.waitFor(() => expect(first).toHaveLength(sent.length), WAIT);
    expect(first.map((r) => r.value).sort()).toEqual(sent.map((m) => m.value).sort());

    // Auto-commit resolves offsets after each batch; disconnecting flushes the last commit.
    await consumer.disconnect();
    const offsets = await committedOffsets(kit, groupId, topic);
    const total = [...offsets.values()].reduce((sum, o) => sum + Number(o), 0);
    expect(total).toBe(sent.length);

    await producer.send({ topic, messages: [{ key: 'k-late', value: 'v-late' }] });
    const second: Received[] = [];
    const next = await kit.consumer({ groupId });
    await next.subscribe({ topic, fromBeginning: true });
    await next.run({ eachMessage: collectInto(second) });
    await vi.waitFor(() => expect(second).toHaveLength(1), WAIT);
    expect(second[0]?.value).toBe('v-late');
  });

  it('rebalances partitions across two group members and keeps offsets committed before the rebalance', async () => {
    const partitions = 4;
    const topic = await kit.createTopic('rebalance', { partitions });
    const groupId = kit.groupId('rebalance');
    const producer = await kit.producer();
    const round = (name: string) =>
      Array.from({ length: partitions }, (_, partition) => ({
        partition,
        key: `${name}-${partition}`,
        value: `${name}-${partition}`,
      }));

    await producer.send({ topic, messages: round('before') });
    const seenByA: Received[] = [];
    const a = await kit.consumer({ groupId });
    const assignedA = trackAssignment(a, topic);
    await a.subscribe({ topic, fromBeginning: true });
    await a.run({ eachMessage: collectInto(seenByA) });
    await vi.waitFor(() => expect(seenByA).toHaveLength(partitions), WAIT);
    expect(assignedA.current()).toEqual([0, 1, 2, 3]);
    await vi.waitFor(async () => {
      const offsets = await committedOffsets(kit, groupId, topic);
      expect([...offsets.values()]).toEqual(Array.from({ length: partitions }, () => '1'));
    }, WAIT);

    const seenByB: Received[] = [];
    const b = await kit.consumer({ groupId });
    const assignedB = trackAssignment(b, topic);
    await b.subscribe({ topic, fromBeginning: true });
    await b.run({ eachMessage: collectInto(seenByB) });
    await vi.waitFor(() => {
      expect(assignedA.current().length).toBeGreaterThan(0);
      expect(assignedB.current().length).toBeGreaterThan(0);
      expect([...assignedA.current(), ...assignedB.current()].sort()).toEqual([0, 1, 2, 3]);
    }, WAIT);

    await producer.send({ topic, messages: round('after') });
    await vi.waitFor(() => expect(seenByA.length + seenByB.length).toBe(2 * partitions), WAIT);

    // B starts from the committed offsets: nothing produced before the rebalance is seen twice,
    // and each member received exactly the partitions it was assigned.
    expect(seenByB.every((r) => r.value.startsWith('after-'))).toBe(true);
    const afterA = seenByA
      .filter((r) => r.value.startsWith('after-'))
      .map((r) => r.partition)
      .sort();
    const afterB = seenByB.map((r) => r.partition).sort();
    expect(afterA).toEqual(assignedA.current());
    expect(afterB).toEqual(assignedB.current());
  });

  it('commits transformed records and consumed offsets atomically, and hides aborted records from read_committed readers', async () => {
    const input = await kit.createTopic('ctp-in', { partitions: 2 });
    const output = await kit.createTopic('ctp-out', { partitions: 2 });
    const groupId = kit.groupId('ctp');
    const plain = await kit.producer();
    const inputs = Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `in-${i}` }));
    await plain.send({ topic: input, messages: inputs });

    const txProducer = await kit.producer({
      transactionalId: uniqueName('ctp-tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    const processor = await kit.consumer({ groupId });
    let transformed = 0;
    await processor.subscribe({ topic: input, fromBeginning: true });
    await processor.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const tx = await txProducer.transaction();
        try {
          await tx.send({
            topic: output,
            messages: [{ key: message.key, value: `out-${message.value?.toString() ?? ''}` }],
          });
          await tx.sendOffsets({
            consumerGroupId: groupId,
            topics: [
              { topic, partitions: [{ partition, offset: (BigInt(message.offset) + 1n).toString() }] },
            ],
          });
          await tx.commit();
          transformed += 1;
        } catch (err) {
          await tx.abort();
          throw err;
        }
      },
    });
    await vi.waitFor(() => expect(transformed).toBe(inputs.length), WAIT);
    await processor.stop();

    // Offsets sent inside the transactions are the group's committed offsets.
    const offsets = await committedOffsets(kit, groupId, input);
    expect([...offsets.values()].reduce((sum, o) => sum + Number(o), 0)).toBe(inputs.length);

    // An aborted transaction writes its record to the log, then a committed one follows it.
    const aborted = await txProducer.transaction();
    await aborted.send({ topic: output, messages: [{ key: 'k0', value: 'aborted' }] });
    await aborted.abort();
    const marker = await txProducer.transaction();
    await marker.send({ topic: output, messages: [{ key: 'k0', value: 'marker' }] });
    await marker.commit();

    const committedView: Received[] = [];
    const committedReader = await kit.consumer({ readUncommitted: false });
    await committedReader.subscribe({ topic: output, fromBeginning: true });
    await committedReader.run({ eachMessage: collectInto(committedView) });

    const uncommittedView: Received[] = [];
    const uncommittedReader = await kit.consumer({ readUncommitted: true });
    await uncommittedReader.subscribe({ topic: output, fromBeginning: true });
    await uncommittedReader.run({ eachMessage: collectInto(uncommittedView) });

    await vi.waitFor(() => expect(committedView.some((r) => r.value === 'marker')).toBe(true), WAIT);
    await vi.waitFor(() => expect(uncommittedView.some((r) => r.value === 'marker')).toBe(true), WAIT);
    expect(committedView.map((r) => r.value).sort()).toEqual(
      [...inputs.map((m) => `out-${m.value}`), 'marker'].sort(),
    );
    expect(uncommittedView.map((r) => r.value)).toContain('aborted');
  });
});
