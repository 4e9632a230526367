/**
 * What the scorer knows of a source, from sources.health.v1: how reliable it is, whether it is
 * demoted, and whether it mirrors another source.
 */
export interface SourceStanding {
  /** In [0, 1]; null while the detector has no verdict. */
  readonly reliability: number | null;
  readonly demoted: boolean;
  readonly mirrorOf: string | null;
}

export type StandingLookup = (sourceId: string) => SourceStanding | undefined;

/** Follows mirror links to the source a mirror copies; bounded, so a cycle cannot hang. */
export function originOf(sourceId: string, standing: StandingLookup): string {
  let id = sourceId;
  const seen = new Set<string>([id]);
  for (let hops = 0; hops < 8; hops++) {
    const next = standing(id)?.mirrorOf ?? null;
    if (next === null || seen.has(next)) break;
    seen.add(next);
    id = next;
  }
  return id;
}

export interface SourceCredit {
  /** Distinct origins among the carrying sources that are not demoted. */
  readonly independent: number;
  /** The best reliability among those sources (unknown ones count as `unknownReliability`). */
  readonly bestReliability: number;
  readonly demoted: number;
  readonly mirrors: number;
}

export function creditSources(
  sourceIds: readonly string[],
  standing: StandingLookup,
  unknownReliability: number,
): SourceCredit {
  const origins = new Set<string>();
  let best = 0;
  let demoted = 0;
  let mirrors = 0;
  for (const id of sourceIds) {
    const s = standing(id);
    if (s?.demoted === true) {
      demoted += 1;
      continue;
    }
    const origin = originOf(id, standing);
    if (origin !== id) mirrors += 1;
    origins.add(origin);
    best = Math.max(best, s?.reliability ?? unknownReliability);
  }
  return { independent: origins.size, bestReliability: best, demoted, mirrors };
}
