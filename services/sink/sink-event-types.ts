import avro from 'avsc';
import type { EventTopic } from '../generated/events.ts';
import { EVENT_SCHEMAS } from '../generated/schemas.ts';
import { createEventTypes } from '../shared/events/event-types.ts';
import type { EventTypes } from '../shared/events/event-types.ts';

/**
 * Reader schemas for what the sink stores. Avro schema resolution skips writer fields the
 * reader lacks without materialising them, so the sink never allocates what it drops anyway:
 * the fetched bodies (up to 16 MiB each, on the raw topic only) and the config JSON of
 * observations and scores (kept once per merged change in config_current_changes). Every other
 * field is read (field-columns.ts says where each one goes).
 */
const DROPPED: Partial<Record<EventTopic, { readonly path: readonly string[]; readonly field: string }>> = {
  // body stays a record (its sha256 and compression are stored), without its bytes.
  'sources.fetched.v1': { path: ['body'], field: 'data' },
  'configs.observed.v1': { path: [], field: 'config' },
  'configs.scored.v1': { path: [], field: 'config' },
};

interface RecordSchema {
  readonly type: 'record';
  readonly fields: readonly { readonly name: string; readonly type: unknown }[];
}

const isRecord = (schema: unknown): schema is RecordSchema =>
  typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'record';

/** A copy of `schema` without `field` in the record at `path` (through nullable unions). */
function without(schema: unknown, path: readonly string[], field: string): unknown {
  if (Array.isArray(schema)) return schema.map((branch) => without(branch, path, field));
  if (!isRecord(schema)) return schema;
  const [head, ...rest] = path;
  if (head === undefined) return { ...schema, fields: schema.fields.filter((f) => f.name !== field) };
  return {
    ...schema,
    fields: schema.fields.map((f) => (f.name === head ? { ...f, type: without(f.type, rest, field) } : f)),
  };
}

export function sinkEventTypes(): EventTypes {
  const types: Record<EventTopic, avro.Type> = { ...createEventTypes() };
  for (const [topic, drop] of Object.entries(DROPPED) as [
    EventTopic,
    { path: readonly string[]; field: string },
  ][]) {
    types[topic] = avro.Type.forSchema(without(EVENT_SCHEMAS[topic], drop.path, drop.field) as avro.Schema);
  }
  return Object.freeze(types);
}
