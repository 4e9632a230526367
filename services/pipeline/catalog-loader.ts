import { randomUUID } from 'node:crypto';
import { diffCatalog } from '../core/catalog/catalog-changes.ts';
import type { CatalogChanges, CatalogEntryPayload } from '../core/catalog/catalog-changes.ts';
import type { SourcesCatalog } from '../core/catalog/parse-catalog.ts';
import { catalogRecords } from '../core/processors/catalog-publisher.ts';
import type { SourceCatalogEntry } from '../generated/events.ts';
import type { MetadataDeps } from '../shared/events/event-metadata.ts';
import type { EventLog } from '../shared/runtime/event-log.ts';

export interface CatalogLoadOptions {
  readonly log: EventLog;
  /** The compacted sources.catalog.v1 (possibly prefixed). */
  readonly topic: string;
  readonly producer: string;
  /** Compute the changes without publishing them. */
  readonly dryRun?: boolean;
  readonly deps?: MetadataDeps;
}

export interface CatalogLoadResult {
  readonly changes: CatalogChanges;
  /** Entries already on the topic exactly as the file has them. */
  readonly unchanged: number;
  readonly published: number;
}

/**
 * Loads a parsed catalog into the event-sourced catalog topic: reads what the compacted topic
 * holds, publishes an entry per new or edited source and a tombstone per removed one. Reloading
 * an unchanged file publishes nothing, so it is safe to run on every deploy.
 */
export async function loadCatalog(
  catalog: SourcesCatalog,
  options: CatalogLoadOptions,
): Promise<CatalogLoadResult> {
  const { log, topic, producer, dryRun = false, deps = { now: Date.now, newId: randomUUID } } = options;
  const held = new Map<string, CatalogEntryPayload>();
  await log.readToEnd(topic, {
    onRecords: (records) => {
      for (const r of records) {
        if (r.key === null || r.decodeFailure !== null) continue;
        if (r.value === null) {
          held.delete(r.key);
          continue;
        }
        const { metadata: _metadata, ...payload } = r.value as SourceCatalogEntry;
        held.set(r.key, payload);
      }
    },
  });
  const changes = diffCatalog(held, catalog);
  const records = catalogRecords(changes, { topic, producer }, deps);
  if (!dryRun && records.length > 0) {
    await log.append(records.map((r) => ({ topic: r.topic, key: r.key, value: r.value })));
  }
  const touched = new Set(changes.upserts.map((u) => u.id));
  return {
    changes,
    unchanged: catalog.sources.filter((s) => !touched.has(s.id)).length,
    published: dryRun ? 0 : records.length,
  };
}
