import avro from 'avsc';
import { EVENT_SCHEMAS } from '../../generated/schemas.ts';
import { EVENT_TOPICS } from '../../generated/events.ts';
import type { EventTopic, EventValueByTopic } from '../../generated/events.ts';

/** The compiled avsc type of every topic's value, compiled once per process. */
export type EventTypes = Readonly<Record<EventTopic, avro.Type>>;

export function createEventTypes(): EventTypes {
  const entries = EVENT_TOPICS.map((topic) => [
    topic,
    avro.Type.forSchema(EVENT_SCHEMAS[topic] as avro.Schema),
  ]);
  return Object.freeze(Object.fromEntries(entries) as Record<EventTopic, avro.Type>);
}

export class InvalidEventError extends Error {
  readonly code = 'EVENT_INVALID';
  readonly retriable = false;
  constructor(
    readonly topic: EventTopic,
    /** Dotted paths of the offending fields, e.g. `timings.totalMs`. */
    readonly paths: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`invalid ${topic} event: ${paths.length > 0 ? paths.join(', ') : 'not a record'}`, options);
  }
}

/** Dotted paths of every field of `value` the topic's schema rejects (empty when valid). */
export function invalidPaths<T extends EventTopic>(
  types: EventTypes,
  topic: T,
  value: EventValueByTopic[T],
): string[] {
  const paths: string[] = [];
  types[topic].isValid(value, {
    errorHook: (path) => paths.push(path.join('.') || '(root)'),
  });
  return paths;
}

/**
 * Plain Avro binary (no registry header) of one event: the embedded runner's event log and
 * unit tests use it; Kafka uses the registry wire format (services/shared/kafka/schema-registry.ts).
 */
export function encodeEvent<T extends EventTopic>(
  types: EventTypes,
  topic: T,
  value: EventValueByTopic[T],
): Buffer {
  try {
    return types[topic].toBuffer(value);
  } catch (cause) {
    // The happy path skips validation; only a failure pays for finding the offending fields.
    throw new InvalidEventError(topic, invalidPaths(types, topic, value), { cause });
  }
}

export function decodeEvent<T extends EventTopic>(
  types: EventTypes,
  topic: T,
  buffer: Buffer,
): EventValueByTopic[T] {
  return types[topic].fromBuffer(buffer) as EventValueByTopic[T];
}
