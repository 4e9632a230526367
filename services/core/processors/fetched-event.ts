import type { SourceFetched } from '../../generated/events.ts';

/**
 * A structural check of a `sources.fetched.v1` value: on Kafka the Avro codec already
 * guarantees the shape, but the in-process log carries values as they were appended, and a
 * processor must park a malformed record rather than crash on it.
 */
export function isSourceFetched(value: unknown): value is SourceFetched {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const metadata = v['metadata'] as Record<string, unknown> | null | undefined;
  if (metadata === null || typeof metadata !== 'object') return false;
  if (typeof metadata['eventId'] !== 'string' || typeof metadata['eventTime'] !== 'number') return false;
  if (typeof metadata['correlationId'] !== 'string') return false;
  if (typeof v['sourceId'] !== 'string' || typeof v['outcome'] !== 'string') return false;
  if (v['httpStatus'] !== null && typeof v['httpStatus'] !== 'number') return false;
  const sizes = v['sizes'] as Record<string, unknown> | null | undefined;
  if (sizes === null || typeof sizes !== 'object' || typeof sizes['truncated'] !== 'boolean') return false;
  const body = v['body'] as Record<string, unknown> | null | undefined;
  if (body === undefined) return false;
  if (body !== null) {
    if (
      typeof body !== 'object' ||
      typeof body['compression'] !== 'string' ||
      typeof body['sha256'] !== 'string'
    )
      return false;
    if (!(body['data'] instanceof Uint8Array)) return false;
  }
  return true;
}
