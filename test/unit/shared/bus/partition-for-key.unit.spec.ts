import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../../services/shared/bus/partition-for-key.ts';

describe('partitionForKey', () => {
  const kafkajsPartition = (key: string, partitions: number): number =>
    Partitioners.DefaultPartitioner()({
      topic: 't',
      partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        replicas: [0],
        isr: [0],
        partitionErrorCode: 0,
      })),
      message: { key, value: null },
    });

  it('places every key on the partition Kafka’s default partitioner chooses', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 64 }),
        fc.integer({ min: 1, max: 64 }),
        (key, partitions) => {
          expect(partitionForKey(key, partitions)).toBe(kafkajsPartition(key, partitions));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('agrees on the lengths murmur2 treats specially (tails of 0 to 3 bytes)', () => {
    for (const key of ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'sha256:0f1e', 'é', '日本語']) {
      expect(partitionForKey(key, 12)).toBe(kafkajsPartition(key, 12));
    }
  });
});
