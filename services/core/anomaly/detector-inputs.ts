import type { SourceFetched, SourceSnapshot } from '../../generated/events.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';

function hasMetadata(v: Record<string, unknown>): boolean {
  const m = v['metadata'];
  return isRecord(m) && typeof m['eventId'] === 'string' && typeof m['eventTime'] === 'number';
}

export function isSourceSnapshot(value: unknown): value is SourceSnapshot {
  if (!isRecord(value) || !hasMetadata(value)) return false;
  return (
    typeof value['sourceId'] === 'string' &&
    typeof value['fetchEventId'] === 'string' &&
    typeof value['fetchedAt'] === 'number' &&
    typeof value['outcome'] === 'string' &&
    (value['container'] === null || typeof value['container'] === 'string') &&
    typeof value['bytes'] === 'number' &&
    typeof value['uniqueConfigs'] === 'number' &&
    typeof value['configs'] === 'number' &&
    isRecord(value['diagnostics']) &&
    (value['bodySha256'] === null || typeof value['bodySha256'] === 'string')
  );
}

/** The parts of a fetch event the detector reads (its timings); the body is not looked at. */
export function isFetchFacts(
  value: unknown,
): value is Pick<SourceFetched, 'metadata' | 'sourceId' | 'outcome' | 'timings'> {
  if (!isRecord(value) || !hasMetadata(value)) return false;
  const timings = value['timings'];
  return (
    typeof value['sourceId'] === 'string' &&
    typeof value['outcome'] === 'string' &&
    isRecord(timings) &&
    typeof timings['totalMs'] === 'number'
  );
}
