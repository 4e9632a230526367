import type { ConfigCurrent, ConfigProbed } from '../../generated/events.ts';

/**
 * Structural checks of the scorer's inputs. On Kafka the Avro codec guarantees the shape; the
 * in-process log carries values as appended, and a malformed record must be parked, not crash
 * the processor.
 */
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';

function hasMetadata(v: Record<string, unknown>): boolean {
  const m = v['metadata'];
  return (
    isRecord(m) &&
    typeof m['eventId'] === 'string' &&
    typeof m['eventTime'] === 'number' &&
    typeof m['correlationId'] === 'string'
  );
}

export function isConfigCurrent(value: unknown): value is ConfigCurrent {
  if (!isRecord(value) || !hasMetadata(value)) return false;
  const sources = value['sources'];
  return (
    typeof value['fingerprint'] === 'string' &&
    typeof value['protocol'] === 'string' &&
    typeof value['server'] === 'string' &&
    typeof value['port'] === 'number' &&
    typeof value['config'] === 'string' &&
    typeof value['firstSeen'] === 'number' &&
    typeof value['lastSeen'] === 'number' &&
    Array.isArray(sources) &&
    sources.every((s) => isRecord(s) && typeof s['sourceId'] === 'string')
  );
}

export function isConfigProbed(value: unknown): value is ConfigProbed {
  if (!isRecord(value) || !hasMetadata(value)) return false;
  const latency = value['latencyMs'];
  const vantage = value['vantage'];
  return (
    typeof value['fingerprint'] === 'string' &&
    typeof value['stage'] === 'string' &&
    typeof value['outcome'] === 'string' &&
    typeof value['probedAt'] === 'number' &&
    (latency === null || latency === undefined || typeof latency === 'number') &&
    (vantage === undefined || typeof vantage === 'string')
  );
}

/** A request to score a config again as of `at` (the scorer's rescore topic, JSON). */
export interface RescoreRequest {
  readonly at: number;
  /** Why: `source-health` (a carrying source's standing changed) or `decay` (time passed). */
  readonly reason: string;
}

export const RESCORE_REASONS = { sourceHealth: 'source-health', decay: 'decay' } as const;

export function isRescoreRequest(value: unknown): value is RescoreRequest {
  return isRecord(value) && typeof value['at'] === 'number' && typeof value['reason'] === 'string';
}
