import { networkOf } from './network-key.ts';

/** What one scored config contributes to the statistics of the sources carrying it. */
export interface MembershipFacts {
  readonly sourceIds: readonly string[];
  /** working, failing or unprobed (configs.scored.v1 `verdict`). */
  readonly verdict: string;
  readonly server: string;
}

/** Per-source counts over the current scored configs. */
export interface SourceTally {
  readonly carried: number;
  /** Configs with a probe verdict (working or failing). */
  readonly probed: number;
  readonly working: number;
  /** Configs no other source carries. */
  readonly exclusive: number;
  readonly exclusiveWorking: number;
}

export interface Overlap {
  readonly sourceId: string;
  /** Configs both sources carry. */
  readonly shared: number;
  /** shared / |A ∪ B|. */
  readonly jaccard: number;
  /** Configs the other source carries. */
  readonly otherCarried: number;
}

/** The read side the detector uses. */
export interface SourceTableView {
  tally(sourceId: string): SourceTally | undefined;
  /** The network most of the source's configs point at, and how many do. */
  topNetwork(sourceId: string): { readonly network: string; readonly count: number } | undefined;
  /** The other source whose config set is closest to this one's (highest Jaccard). */
  closestSource(sourceId: string): Overlap | undefined;
}

export interface ConfigMembership extends SourceTableView {
  /** Upserts (or, with null, removes) one config; idempotent, so re-reading a compacted topic is safe. */
  apply(fingerprint: string, facts: MembershipFacts | null): void;
  readonly size: number;
}

interface MutableTally {
  carried: number;
  probed: number;
  working: number;
  exclusive: number;
  exclusiveWorking: number;
}

interface Held {
  readonly sourceIds: readonly string[];
  readonly probed: boolean;
  readonly working: boolean;
  readonly network: string;
}

/**
 * Per-source statistics folded from configs.scored.v1, a table keyed by fingerprint that the
 * detector materializes whole: counts, pairwise overlaps between sources (for mirrors and the
 * duplicate ratio) and server networks (for concentration). Each upsert first takes back what
 * the config's previous value contributed, so the counts are always a function of the table's
 * current content, however often a record is read.
 */
export function createConfigMembership(): ConfigMembership {
  const configs = new Map<string, Held>();
  const tallies = new Map<string, MutableTally>();
  const overlaps = new Map<string, Map<string, number>>();
  const networks = new Map<string, Map<string, number>>();

  const tallyOf = (id: string): MutableTally => {
    let t = tallies.get(id);
    if (t === undefined) {
      t = { carried: 0, probed: 0, working: 0, exclusive: 0, exclusiveWorking: 0 };
      tallies.set(id, t);
    }
    return t;
  };
  const bump = (maps: Map<string, Map<string, number>>, a: string, b: string, by: number): void => {
    let m = maps.get(a);
    if (m === undefined) {
      m = new Map();
      maps.set(a, m);
    }
    const next = (m.get(b) ?? 0) + by;
    if (next === 0) m.delete(b);
    else m.set(b, next);
    if (m.size === 0) maps.delete(a);
  };

  const contribute = (held: Held, sign: 1 | -1): void => {
    const exclusive = held.sourceIds.length === 1;
    for (const a of held.sourceIds) {
      const t = tallyOf(a);
      t.carried += sign;
      if (held.probed) t.probed += sign;
      if (held.working) t.working += sign;
      if (exclusive) {
        t.exclusive += sign;
        if (held.working) t.exclusiveWorking += sign;
      }
      if (t.carried === 0) tallies.delete(a);
      bump(networks, a, held.network, sign);
      for (const b of held.sourceIds) if (b !== a) bump(overlaps, a, b, sign);
    }
  };

  return {
    apply(fingerprint, facts) {
      const before = configs.get(fingerprint);
      if (before !== undefined) {
        contribute(before, -1);
        configs.delete(fingerprint);
      }
      if (facts === null) return;
      const held: Held = {
        sourceIds: [...new Set(facts.sourceIds)],
        probed: facts.verdict === 'working' || facts.verdict === 'failing',
        working: facts.verdict === 'working',
        network: networkOf(facts.server),
      };
      configs.set(fingerprint, held);
      contribute(held, 1);
    },
    get size() {
      return configs.size;
    },
    tally: (id) => {
      const t = tallies.get(id);
      return t === undefined ? undefined : { ...t };
    },
    topNetwork(id) {
      let best: { network: string; count: number } | undefined;
      for (const [network, count] of networks.get(id) ?? []) {
        if (best === undefined || count > best.count || (count === best.count && network < best.network)) {
          best = { network, count };
        }
      }
      return best;
    },
    closestSource(id) {
      const mine = tallies.get(id)?.carried ?? 0;
      let best: Overlap | undefined;
      for (const [other, shared] of overlaps.get(id) ?? []) {
        const otherCarried = tallies.get(other)?.carried ?? 0;
        const union = mine + otherCarried - shared;
        const jaccard = union > 0 ? shared / union : 0;
        if (
          best === undefined ||
          jaccard > best.jaccard ||
          (jaccard === best.jaccard && other < best.sourceId)
        ) {
          best = { sourceId: other, shared, jaccard, otherCarried };
        }
      }
      return best;
    },
  };
}
