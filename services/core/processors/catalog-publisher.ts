import type { SourceCatalogEntry } from '../../generated/events.ts';
import type { CatalogChanges } from '../catalog/catalog-changes.ts';
import { originMetadata } from '../../shared/events/event-metadata.ts';
import type { MetadataDeps } from '../../shared/events/event-metadata.ts';
import type { OutputRecord } from '../processing/record.ts';

export interface CatalogPublishOptions {
  /** The compacted catalog topic (sources.catalog.v1, possibly prefixed). */
  readonly topic: string;
  /** Service and instance, e.g. `catalog-loader/host-1`. */
  readonly producer: string;
}

/**
 * The records one catalog load publishes: an entry per new or changed source, a tombstone per
 * removed one. Every record of one load shares a correlation id (the load is one causal chain),
 * so the fetch events it leads to can be traced back to it.
 */
export function catalogRecords(
  changes: CatalogChanges,
  { topic, producer }: CatalogPublishOptions,
  deps: MetadataDeps,
): OutputRecord<SourceCatalogEntry>[] {
  const loadId = deps.newId();
  const records: OutputRecord<SourceCatalogEntry>[] = changes.upserts.map((entry) => ({
    topic,
    key: entry.id,
    value: { metadata: originMetadata({ producer, correlationId: loadId }, deps), ...entry },
  }));
  for (const id of changes.removals) records.push({ topic, key: id, value: null });
  return records;
}
