import type { SourceCatalogEntry } from '../../generated/events.ts';

/**
 * A structural check of the part of a `sources.catalog.v1` value the parser reads (identity,
 * time and `enabled`): the in-process log carries values as they were appended, and a malformed
 * record must be parked, not crash the processor.
 */
export function isCatalogEntry(value: unknown): value is SourceCatalogEntry {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const metadata = v['metadata'] as Record<string, unknown> | null | undefined;
  if (metadata === null || typeof metadata !== 'object') return false;
  if (typeof metadata['eventId'] !== 'string' || typeof metadata['eventTime'] !== 'number') return false;
  if (typeof metadata['correlationId'] !== 'string') return false;
  return typeof v['id'] === 'string' && typeof v['enabled'] === 'boolean';
}
