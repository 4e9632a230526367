import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPartitionLog } from '../../../services/shared/bus/partition-log.ts';
import type { StoredRecord } from '../../../services/shared/bus/partition-log.ts';

/** The partition as a plain list of everything appended, filtered on read: the reference. */
function model(compacted: boolean, retain: number) {
  const all: StoredRecord[] = [];
  let first = 0;
  let end = 0;
  const live = (): StoredRecord[] => {
    const last = new Map<string, number>();
    for (const r of all) if (r.key !== null) last.set(r.key, r.offset);
    return all.filter(
      (r) => r.offset >= first && (!compacted || r.key === null || last.get(r.key) === r.offset),
    );
  };
  return {
    append(key: string | null, offset: number, timestamp: number) {
      all.push({ offset, key, value: offset, timestamp, headers: {} });
      end = offset + 1;
      first = Math.max(first, Math.min(end, end - retain));
    },
    skipTo(offset: number) {
      end = Math.max(end, offset);
    },
    dropBefore(offset: number) {
      first = Math.max(first, Math.min(offset, end));
    },
    end: () => end,
    first: () => first,
    read: (from: number, max: number) =>
      live()
        .filter((r) => r.offset >= from)
        .slice(0, max),
    offsetForTimestamp: (t: number) => live().find((r) => r.timestamp >= t)?.offset ?? end,
  };
}

const ops = fc.array(
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('append' as const),
        key: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: null }),
        gap: fc.nat(3),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('skip' as const), by: fc.nat(5) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), back: fc.nat(10) }) },
  ),
  { maxLength: 6000, size: 'max' },
);

describe('partition log of the in-process bus', () => {
  it('reads, ends and finds timestamps like a plain list of every record, compacted or not, with retention, gaps and drops', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
        ops,
        (compacted, retain, list) => {
          const log = createPartitionLog({
            compacted,
            ...(retain === undefined ? {} : { retainRecords: retain }),
          });
          const ref = model(compacted, retain ?? Infinity);
          let t = 0;
          for (const op of list) {
            if (op.kind === 'append') {
              const offset = log.endOffset() + op.gap;
              t += 1;
              log.append({ key: op.key, value: offset, timestamp: t, headers: {} }, offset);
              ref.append(op.key, offset, t);
            } else if (op.kind === 'skip') {
              log.skipTo(log.endOffset() + op.by);
              ref.skipTo(ref.end() + op.by);
            } else {
              log.dropBefore(log.endOffset() - op.back);
              ref.dropBefore(ref.end() - op.back);
            }
          }
          expect(log.endOffset()).toBe(ref.end());
          expect(log.startOffset()).toBe(ref.first());
          for (const from of [0, ref.first(), Math.floor(ref.end() / 2), ref.end()]) {
            expect(log.read(from, 1_000_000).map((r) => r.offset)).toEqual(
              ref.read(from, 1_000_000).map((r) => r.offset),
            );
            expect(log.read(from, 7).map((r) => r.offset)).toEqual(ref.read(from, 7).map((r) => r.offset));
          }
          for (const ts of [0, Math.floor(t / 2), t + 1])
            expect(log.offsetForTimestamp(ts)).toBe(ref.offsetForTimestamp(ts));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps a compacted partition rewritten a million times as small as its live keys', () => {
    const log = createPartitionLog({ compacted: true });
    for (let i = 0; i < 1_000_000; i += 1)
      log.append({ key: `k${i % 100}`, value: i, timestamp: i, headers: {} });
    for (let i = 0; i < 1_000_000; i += 1)
      log.append({ key: `k${i % 100}`, value: i, timestamp: i, headers: {} });
    expect(log.read(0, 1_000).map((r) => r.value)).toEqual(
      Array.from({ length: 100 }, (_, k) => 999_900 + k),
    );
    expect(log.endOffset()).toBe(2_000_000);
    // A slot per offset ever used would be a million; emptied slots are squeezed out instead.
    expect(log.slots()).toBeLessThanOrEqual(100 + 1025 + 100);
  });
});
