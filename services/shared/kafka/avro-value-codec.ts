import type { EventTopic } from '../../generated/events.ts';
import type { TopicSpec } from '../events/topic-catalog.ts';
import type { EventCodec } from './schema-registry.ts';
import type { ValueCodec } from './value-codec.ts';

/**
 * Adapts the registry codec (schemas registered under `<topic>-value`, Confluent wire format)
 * to the event log's per-topic codec: topics whose spec names an Avro contract use it, every
 * other topic (changelogs, DLQs, unknown) uses `fallback`. Specs carry the real topic names, so
 * prefixed topic sets (tests, replays into new topics) resolve to the same schemas.
 */
export function createAvroValueCodec({
  eventCodec,
  specs,
  fallback,
}: {
  readonly eventCodec: EventCodec;
  readonly specs: readonly TopicSpec[];
  readonly fallback: ValueCodec;
}): ValueCodec {
  const schemaOf = new Map<string, EventTopic>();
  for (const spec of specs) if (spec.schema !== null) schemaOf.set(spec.name, spec.schema);
  return {
    encode(topic, value) {
      const schema = schemaOf.get(topic);
      // The event log port carries values untyped; the registry codec validates them against the schema.
      return schema === undefined
        ? fallback.encode(topic, value)
        : eventCodec.encode(schema, value as Parameters<EventCodec['encode']>[1]);
    },
    decode(topic, bytes) {
      const schema = schemaOf.get(topic);
      return schema === undefined ? fallback.decode(topic, bytes) : eventCodec.decode(schema, bytes);
    },
  };
}
