import type { SourceCatalogEntry } from '../../generated/events.ts';
import type { SourceEntry, SourcesCatalog } from './parse-catalog.ts';

/** A `sources.catalog.v1` value without its metadata: what the topic says about one source. */
export type CatalogEntryPayload = Omit<SourceCatalogEntry, 'metadata'>;

export function toCatalogPayload(entry: SourceEntry, allowPrivateAddresses: boolean): CatalogEntryPayload {
  return {
    id: entry.id,
    urls: entry.urls,
    tier: entry.tier,
    format: entry.format,
    intervalSeconds: entry.intervalSeconds,
    tags: entry.tags,
    enabled: entry.enabled,
    allowPrivateAddresses,
  };
}

export interface CatalogChanges {
  /** Entries that are new or differ from what the topic holds, in catalog order. */
  readonly upserts: readonly CatalogEntryPayload[];
  /** Ids the topic holds that the catalog no longer has: each becomes a tombstone. */
  readonly removals: readonly string[];
}

/**
 * What loading `next` must publish on the compacted catalog topic, given what the topic
 * already holds: only changes, so reloading an unchanged file publishes nothing.
 */
export function diffCatalog(
  current: ReadonlyMap<string, CatalogEntryPayload>,
  next: SourcesCatalog,
): CatalogChanges {
  const nextIds = new Set<string>();
  const upserts: CatalogEntryPayload[] = [];
  for (const entry of next.sources) {
    nextIds.add(entry.id);
    const payload = toCatalogPayload(entry, next.allowPrivateAddresses);
    const held = current.get(entry.id);
    if (held === undefined || !samePayload(held, payload)) upserts.push(payload);
  }
  const removals = [...current.keys()].filter((id) => !nextIds.has(id)).sort();
  return { upserts, removals };
}

function samePayload(a: CatalogEntryPayload, b: CatalogEntryPayload): boolean {
  return (
    a.id === b.id &&
    a.tier === b.tier &&
    a.format === b.format &&
    a.intervalSeconds === b.intervalSeconds &&
    a.enabled === b.enabled &&
    a.allowPrivateAddresses === b.allowPrivateAddresses &&
    sameList(a.urls, b.urls) &&
    // Tag order carries no meaning.
    sameList([...a.tags].sort(), [...b.tags].sort())
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
