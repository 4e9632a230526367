import type { ConfigCurrent, ConfigSighting } from '../../generated/events.ts';
import { isWithTopLevelName, withTopLevelName } from './config-json.ts';

/**
 * The merger's state of one fingerprint: what its configs.current event carries beyond what every
 * observation repeats (protocol, server, port, policy) and the derived times, so the state
 * restores from that topic (createMerger's `restoreFromCurrent`) and one small object per
 * fingerprint holds it.
 *
 * `config` is the merged config: the representative source's variant. Each sighting's `variant`
 * is null when the source published the merged config with its own top-level name put in (the
 * common case: the same config under another name), so most sightings hold no config text.
 */
export interface MergedState {
  readonly config: string;
  /** Every source carrying the config, sorted by source id. */
  readonly sources: readonly ConfigSighting[];
}

/** A sighting of a state being built: a null variant is relative to the state it came from. */
export type DraftSighting = ConfigSighting;

/** The config a source published, rebuilt from the merged config when the sighting holds none. */
export function variantOf(sighting: Pick<ConfigSighting, 'name' | 'variant'>, merged: string): string {
  return sighting.variant ?? withTopLevelName(merged, sighting.name);
}

/**
 * The sighting whose variant the merged config carries: the longest-standing one, ties broken by
 * source id. A function of the set alone, never of arrival order, so every run over the same
 * observations (whatever the interleaving of sources) agrees on it.
 */
export function representative<S extends Pick<ConfigSighting, 'sourceId' | 'firstSeen'>>(
  sightings: readonly S[],
): S | undefined {
  let best: S | undefined;
  for (const s of sightings) {
    if (best === undefined || s.firstSeen < best.firstSeen) best = s;
    else if (s.firstSeen === best.firstSeen && s.sourceId < best.sourceId) best = s;
  }
  return best;
}

/**
 * The state holding `sightings` (sorted by source id, null variants relative to `previous`, the
 * merged config of the state they came from); undefined when none is left. Variants are stored
 * relative to the new merged config; when that did not change, only the non-null ones are looked at.
 */
export function settle(
  previous: string | undefined,
  sightings: readonly DraftSighting[],
): MergedState | undefined {
  const best = representative(sightings);
  if (best === undefined) return undefined;
  const config = best.variant ?? withTopLevelName(previous ?? '', best.name);
  const same = config === previous;
  const sources = sightings.map((s): ConfigSighting => {
    if (same && s.variant === null) return s;
    const variant = s.variant ?? withTopLevelName(previous ?? '', s.name);
    return {
      sourceId: s.sourceId,
      firstSeen: s.firstSeen,
      lastSeen: s.lastSeen,
      name: s.name,
      variant: isWithTopLevelName(variant, config, s.name) ? null : variant,
    };
  });
  return { config, sources };
}

/** The state a configs.current event stands for (the merger's restore from that topic). */
export function stateOfCurrent(current: ConfigCurrent): MergedState {
  return {
    config: current.config,
    // Events written before sightings carried variants restore as if each source had the merged one.
    sources: current.sources.map((s) => ({
      sourceId: s.sourceId,
      firstSeen: s.firstSeen,
      lastSeen: s.lastSeen,
      name: s.name,
      variant: s.variant ?? null,
    })),
  };
}
