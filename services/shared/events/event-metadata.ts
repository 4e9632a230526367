import { hash } from 'node:crypto';
import type { EventMetadata } from '../../generated/events.ts';

/** Clock and id source, injected so producers and processors stay deterministic in tests. */
export interface MetadataDeps {
  readonly now: () => number;
  readonly newId: () => string;
}

export interface OriginOptions {
  /** Service and instance, e.g. `fetcher/host-1`. */
  readonly producer: string;
  /** Joins an existing chain (e.g. a catalog reload started by an admin request); default: a new chain. */
  readonly correlationId?: string;
  /** When the fact happened, if not now (e.g. the start of a fetch attempt). */
  readonly eventTime?: number;
}

/** Metadata of an event that starts a causal chain (a fetch attempt, a catalog load). */
export function originMetadata(options: OriginOptions, deps: MetadataDeps): EventMetadata {
  const eventId = deps.newId();
  return {
    eventId,
    eventTime: options.eventTime ?? deps.now(),
    producer: options.producer,
    correlationId: options.correlationId ?? eventId,
    causationId: null,
  };
}

export interface DerivedOptions {
  readonly producer: string;
  /**
   * Distinguishes the events one cause yields (e.g. the output topic and key). The event id
   * is derived from the cause's id and this discriminator, so reprocessing the same input
   * (after a crash, or a replay) yields the same ids and idempotent sinks fold the repeats.
   */
  readonly discriminator: string;
  /** When the derived fact happened; default: the cause's time, so a replay reproduces it. */
  readonly eventTime?: number;
}

/** Metadata of an event derived from `cause`: same chain, caused by it, deterministic id. */
export function derivedMetadata(cause: EventMetadata, options: DerivedOptions): EventMetadata {
  return {
    eventId: nameBasedUuid(`${cause.eventId}\u0000${options.producer}\u0000${options.discriminator}`),
    eventTime: options.eventTime ?? cause.eventTime,
    producer: options.producer,
    correlationId: cause.correlationId,
    causationId: cause.eventId,
  };
}

/** An RFC 9562 version 8 (custom) UUID from SHA-256 of `name`: stable, well-formed, collision-safe. */
export function nameBasedUuid(name: string): string {
  // One-shot hash: derived ids are computed per output event, so the streaming API's overhead shows.
  const bytes = hash('sha256', name, 'buffer').subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
