import type { ConfigSighting } from '../../generated/events.ts';

/** One source carrying a config: when, under which name, and the variant it published. */
export interface Sighting {
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly name: string;
  /** The source's variant, canonical JSON (with its name): folded configs stay explainable. */
  readonly config: string;
}

/** The merger's state of one fingerprint: every source carrying it now. */
export interface MergedState {
  readonly fingerprintPolicy: string;
  readonly protocol: string;
  readonly server: string;
  readonly port: number;
  /** By source id. */
  readonly sightings: Readonly<Record<string, Sighting>>;
}

/**
 * The sighting whose variant the merged config carries: the longest-standing one, ties broken by
 * source id. A function of the set alone, never of arrival order, so every run over the same
 * observations (whatever the interleaving of sources) agrees on it.
 */
export function representative(
  sightings: Readonly<Record<string, Sighting>>,
): [string, Sighting] | undefined {
  let best: [string, Sighting] | undefined;
  for (const entry of Object.entries(sightings)) {
    if (best === undefined) best = entry;
    else if (entry[1].firstSeen < best[1].firstSeen) best = entry;
    else if (entry[1].firstSeen === best[1].firstSeen && entry[0] < best[0]) best = entry;
  }
  return best;
}

/** The `sources` list of a current event: sorted by source id. */
export function sightingList(sightings: Readonly<Record<string, Sighting>>): ConfigSighting[] {
  return Object.keys(sightings)
    .sort()
    .map((sourceId) => {
      const s = sightings[sourceId] as Sighting;
      return { sourceId, firstSeen: s.firstSeen, lastSeen: s.lastSeen, name: s.name };
    });
}
