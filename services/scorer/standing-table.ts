import type { SourceHealth } from '../generated/events.ts';
import type { SourceStanding, StandingLookup } from '../core/scoring/source-standing.ts';
import type { LogRecord } from '../shared/runtime/event-log.ts';

export interface StandingTable {
  readonly lookup: StandingLookup;
  apply(records: readonly LogRecord[]): void;
  readonly size: number;
}

export interface StandingTableOptions {
  /** Called with the sources whose standing changed enough to re-score their configs. */
  readonly onChange: (sourceIds: readonly string[]) => void;
  /** A reliability move smaller than this is not worth re-scoring every config of the source. */
  readonly reliabilityDelta?: number;
}

/**
 * sources.health.v1 folded into what the scorer needs per source. Every record updates the
 * lookup at once (new scores use it); a re-score of the source's configs is asked for only when
 * demotion or mirroring changed or the reliability moved by `reliabilityDelta` since the last
 * time one was asked for.
 */
export function createStandingTable({
  onChange,
  reliabilityDelta = 0.05,
}: StandingTableOptions): StandingTable {
  const standings = new Map<string, SourceStanding>();
  const announced = new Map<string, SourceStanding>();

  const material = (before: SourceStanding | undefined, after: SourceStanding | undefined): boolean => {
    if (before === undefined || after === undefined) return before !== after;
    if (before.demoted !== after.demoted || before.mirrorOf !== after.mirrorOf) return true;
    return Math.abs((before.reliability ?? 0.5) - (after.reliability ?? 0.5)) >= reliabilityDelta;
  };

  return {
    lookup: (id) => standings.get(id),
    get size() {
      return standings.size;
    },
    apply(records) {
      const changed: string[] = [];
      for (const record of records) {
        if (record.key === null || record.decodeFailure !== null) continue;
        const health = record.value as SourceHealth | null;
        const next: SourceStanding | undefined =
          health === null
            ? undefined
            : {
                reliability: health.reliability ?? null,
                demoted: health.demoted === true,
                mirrorOf: health.mirrorOf ?? null,
              };
        if (next === undefined) standings.delete(record.key);
        else standings.set(record.key, next);
        if (material(announced.get(record.key), next)) {
          if (next === undefined) announced.delete(record.key);
          else announced.set(record.key, next);
          changed.push(record.key);
        }
      }
      if (changed.length > 0) onChange([...new Set(changed)]);
    },
  };
}
