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

/**
 * An RFC 9562 version 8 (custom) UUID from SHA-256 of `name`: stable, well-formed, collision-safe.
 * The first 16 bytes of the digest with the version nibble set to 8 and the variant bits to 10.
 */
export function nameBasedUuid(name: string): string {
  // One-shot hash straight to hex, version and variant set on the text: derived ids are computed
  // per output event, and a Buffer plus a second hex pass cost as much as the hash itself.
  const hex = hash('sha256', name, 'hex');
  const variant = VARIANT_DIGITS[parseInt(hex.charAt(16), 16)] ?? '8';
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Hex digit d of byte 8 becomes (d & 0b0011) | 0b1000: the RFC 9562 variant. */
const VARIANT_DIGITS = '89ab89ab89ab89ab';
