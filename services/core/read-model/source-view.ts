import type { SourceCatalogEntry, SourceHealth, SourceSnapshot } from '../../generated/events.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export interface SourceFacts {
  readonly id: string;
  readonly catalog: SourceCatalogEntry | undefined;
  readonly health: SourceHealth | undefined;
  readonly snapshot: SourceSnapshot | undefined;
  /** Configs of the current set this source carries. */
  readonly configs: number;
}

/** One row of `GET /sources`. */
export function sourceSummary({ id, catalog, health, snapshot, configs }: SourceFacts) {
  return {
    id,
    inCatalog: catalog !== undefined,
    tier: catalog?.tier ?? null,
    enabled: catalog?.enabled ?? null,
    format: catalog?.format ?? null,
    intervalSeconds: catalog?.intervalSeconds ?? null,
    tags: catalog?.tags ?? [],
    status: health?.status ?? 'unknown',
    lastFetchAt: iso(health?.lastFetchAt ?? snapshot?.fetchedAt ?? null),
    lastOutcome: health?.lastOutcome ?? snapshot?.outcome ?? null,
    configs,
  };
}

/** `GET /sources/:id`: the catalog entry, health, and the statistics of the latest fetch. */
export function sourceDetail(facts: SourceFacts) {
  const { catalog, health, snapshot } = facts;
  return {
    ...sourceSummary(facts),
    urls: catalog?.urls ?? [],
    health:
      health === undefined
        ? null
        : {
            status: health.status,
            since: iso(health.since),
            lastFetchAt: iso(health.lastFetchAt),
            lastSuccessAt: iso(health.lastSuccessAt),
            lastOutcome: health.lastOutcome,
            consecutiveFailures: health.consecutiveFailures,
            configs: health.configs,
            baselineConfigs: health.baselineConfigs,
            activeAnomalies: health.activeAnomalies,
          },
    latestFetch:
      snapshot === undefined
        ? null
        : {
            fetchEventId: snapshot.fetchEventId,
            fetchedAt: iso(snapshot.fetchedAt),
            outcome: snapshot.outcome,
            httpStatus: snapshot.httpStatus,
            container: snapshot.container,
            bytes: snapshot.bytes,
            unchanged: snapshot.unchanged,
            retained: snapshot.retained,
            configs: snapshot.configs,
            uniqueConfigs: snapshot.uniqueConfigs,
            duplicates: snapshot.duplicates,
            added: snapshot.added,
            removed: snapshot.removed,
            protocols: snapshot.protocols,
            diagnostics: snapshot.diagnostics,
          },
  };
}
