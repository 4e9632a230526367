import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignCoPartitioned } from '../../../../services/shared/runtime/co-partitioned-assignment.ts';

describe('assignCoPartitioned', () => {
  const members = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 });
  const topics = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 });

  it('assigns every partition of every topic exactly once, partition p of all topics to one member, balanced', () => {
    fc.assert(
      fc.property(members, topics, fc.integer({ min: 1, max: 24 }), (ids, names, partitions) => {
        const plan = assignCoPartitioned(ids, new Map(names.map((t) => [t, partitions])));
        const ownerOf = new Map<string, string>();
        for (const [member, byTopic] of plan) {
          for (const [topic, list] of byTopic) {
            for (const p of list) {
              expect(ownerOf.has(`${topic}:${p}`)).toBe(false);
              ownerOf.set(`${topic}:${p}`, member);
            }
          }
        }
        expect(ownerOf.size).toBe(names.length * partitions);
        for (let p = 0; p < partitions; p += 1) {
          expect(new Set(names.map((t) => ownerOf.get(`${t}:${p}`))).size).toBe(1);
        }
        const loads = [...plan.values()].map((byTopic) => byTopic.get(names[0] ?? '')?.length ?? 0);
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('gives the same answer whatever order the members are listed in', () => {
    fc.assert(
      fc.property(members, (ids) => {
        const topicsOf = new Map([['t', 7]]);
        const a = assignCoPartitioned(ids, topicsOf);
        const b = assignCoPartitioned([...ids].reverse(), topicsOf);
        expect([...a].sort()).toEqual([...b].sort());
      }),
    );
  });

  it('assigns nothing when the group has no members', () => {
    expect(assignCoPartitioned([], new Map([['t', 3]])).size).toBe(0);
  });
});
