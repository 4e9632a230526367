import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConfigMembership } from '../../../../services/core/health/config-membership.ts';
import type { MembershipFacts } from '../../../../services/core/health/config-membership.ts';
import { networkOf } from '../../../../services/core/health/network-key.ts';

const facts = (sourceIds: string[], verdict = 'unprobed', server = 'h.example.com'): MembershipFacts => ({
  sourceIds,
  verdict,
  server,
});

describe('config membership', () => {
  it('counts carried, probed, working and exclusive configs per source', () => {
    const m = createConfigMembership();
    m.apply('f1', facts(['a'], 'working'));
    m.apply('f2', facts(['a', 'b'], 'failing'));
    m.apply('f3', facts(['a', 'b'], 'unprobed'));
    expect(m.tally('a')).toEqual({ carried: 3, probed: 2, working: 1, exclusive: 1, exclusiveWorking: 1 });
    expect(m.tally('b')).toEqual({ carried: 2, probed: 1, working: 0, exclusive: 0, exclusiveWorking: 0 });
  });

  it('finds the most similar source by Jaccard similarity', () => {
    const m = createConfigMembership();
    for (let i = 0; i < 10; i++) m.apply(`f${i}`, facts(i < 9 ? ['a', 'b'] : ['a']));
    m.apply('g', facts(['a', 'c']));
    expect(m.closestSource('b')).toMatchObject({ sourceId: 'a', shared: 9, otherCarried: 11 });
    expect(m.closestSource('a')?.sourceId).toBe('b');
    expect(m.closestSource('a')?.jaccard).toBeCloseTo(9 / 11);
  });

  it('reports the network most configs point at', () => {
    const m = createConfigMembership();
    m.apply('1', facts(['a'], 'unprobed', '203.0.113.7'));
    m.apply('2', facts(['a'], 'unprobed', '203.0.113.200'));
    m.apply('3', facts(['a'], 'unprobed', 'other.example'));
    expect(m.topNetwork('a')).toEqual({ network: '203.0.113.0/24', count: 2 });
  });

  it('holds counts that depend only on the latest value per config, however often records repeat', () => {
    const arbFacts = fc.record({
      sourceIds: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 4 }),
      verdict: fc.constantFrom('working', 'failing', 'unprobed'),
      server: fc.constantFrom('1.2.3.4', 'x.example', '2001:db8::1'),
    });
    const arbOps = fc.array(
      fc.tuple(fc.constantFrom('f1', 'f2', 'f3', 'f4'), fc.option(arbFacts, { nil: null })),
      {
        maxLength: 40,
      },
    );
    fc.assert(
      fc.property(arbOps, (ops) => {
        const folded = createConfigMembership();
        const latest = new Map<string, MembershipFacts | null>();
        for (const [fp, f] of ops) {
          folded.apply(fp, f);
          latest.set(fp, f);
        }
        const fresh = createConfigMembership();
        for (const [fp, f] of latest) fresh.apply(fp, f);
        for (const id of ['a', 'b', 'c', 'd']) {
          expect(folded.tally(id)).toEqual(fresh.tally(id));
          expect(folded.topNetwork(id)).toEqual(fresh.topNetwork(id));
          expect(folded.closestSource(id)).toEqual(fresh.closestSource(id));
        }
        expect(folded.size).toBe([...latest.values()].filter((f) => f !== null).length);
      }),
    );
  });
});

describe('networkOf', () => {
  it('groups IPv4 by /24, IPv6 by /48 and domains by name', () => {
    expect(networkOf('198.51.100.23')).toBe('198.51.100.0/24');
    expect(networkOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(networkOf('[2001:DB8::1]')).toBe('2001:db8:0::/48');
    expect(networkOf('::ffff:198.51.100.1')).toBe('0:0:0::/48');
    expect(networkOf('Node.Example.COM')).toBe('node.example.com');
  });
});
