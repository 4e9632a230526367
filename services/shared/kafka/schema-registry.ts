import type { Resolver, Type } from 'avsc';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { EventTopic, EventValueByTopic } from '../../generated/events.ts';
import { EVENT_SCHEMAS } from '../../generated/schemas.ts';
import { createEventTypes, InvalidEventError, invalidPaths } from '../events/event-types.ts';
import type { EventTypes } from '../events/event-types.ts';
import { valueSubject } from '../events/topic-catalog.ts';
import type { TopicSpec } from '../events/topic-catalog.ts';

export interface RegistryClientOptions {
  /** Base URL of the Confluent-compatible API (Apicurio: `.../apis/ccompat/v7`). */
  readonly url: string;
  readonly clientId?: string;
}

export function createSchemaRegistryClient({
  url,
  clientId = 'submerge',
}: RegistryClientOptions): SchemaRegistry {
  return new SchemaRegistry({ host: url, clientId, retry: { retries: 3 } });
}

/** Where each event type lives in the registry: `<topic>-value` and the id of our version. */
export interface RegisteredSchema {
  readonly topic: string;
  readonly schema: EventTopic;
  readonly subject: string;
  readonly id: number;
}

export type RegisteredSchemas = ReadonlyMap<EventTopic, RegisteredSchema>;

/**
 * Registers the value schema of every spec that has one under `<topic>-value`. The client
 * pins the subject's compatibility to BACKWARD on first registration and refuses to
 * register when the subject is configured otherwise; re-registering an identical schema
 * returns its existing id, so this runs on every start.
 */
export async function registerEventSchemas(
  registry: SchemaRegistry,
  specs: readonly TopicSpec[],
): Promise<RegisteredSchemas> {
  const registered = new Map<EventTopic, RegisteredSchema>();
  for (const spec of specs) {
    if (spec.schema === null) continue;
    const subject = valueSubject(spec.name);
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(EVENT_SCHEMAS[spec.schema]) },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    );
    registered.set(spec.schema, { topic: spec.name, schema: spec.schema, subject, id });
  }
  return registered;
}

/**
 * Finds the ids of our schema versions without registering anything: for services that
 * must not change the registry (registration belongs to a deploy step there).
 */
export async function lookupEventSchemas(
  registry: SchemaRegistry,
  specs: readonly TopicSpec[],
): Promise<RegisteredSchemas> {
  const found = new Map<EventTopic, RegisteredSchema>();
  for (const spec of specs) {
    if (spec.schema === null) continue;
    const subject = valueSubject(spec.name);
    const id = await registry.getRegistryIdBySchema(subject, {
      type: SchemaType.AVRO,
      schema: JSON.stringify(EVENT_SCHEMAS[spec.schema]),
    });
    found.set(spec.schema, { topic: spec.name, schema: spec.schema, subject, id });
  }
  return found;
}

export class EventDecodeError extends Error {
  readonly code: 'EVENT_UNDECODABLE' | 'SCHEMA_UNKNOWN' | 'REGISTRY_UNAVAILABLE';
  readonly retriable: boolean;
  constructor(code: EventDecodeError['code'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    // A record we cannot read is a poison message for the DLQ; an unreachable registry is not.
    this.retriable = code === 'REGISTRY_UNAVAILABLE';
  }
}

export class SchemaNotRegisteredError extends Error {
  readonly code = 'SCHEMA_NOT_REGISTERED';
  readonly retriable = false;
}

/** Encodes and decodes topic values in the Confluent wire format (magic 0, int32 schema id, Avro). */
export interface EventCodec {
  /** Synchronous: the schema id is known from registration, the type is compiled locally. */
  encode<T extends EventTopic>(schema: T, value: EventValueByTopic[T]): Buffer;
  /** Reads any registered version of the topic's schema into the current one; null stays null (tombstone). */
  decode<T extends EventTopic>(
    schema: T,
    buffer: Buffer | null,
  ): EventValueByTopic[T] | null | Promise<EventValueByTopic[T] | null>;
}

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/**
 * The codec the pipeline uses on Kafka. It does the Avro work itself and asks the registry
 * only for writer schemas by id (cached by the client): the client's own decode with a
 * reader schema recompiles that schema for every record, far too slow for replays.
 */
export function createEventCodec({
  registry,
  registered,
  types = createEventTypes(),
}: {
  readonly registry: SchemaRegistry;
  readonly registered: RegisteredSchemas;
  readonly types?: EventTypes;
}): EventCodec {
  const resolvers = new Map<string, Resolver | null>();
  let scratch = Buffer.allocUnsafe(64 * 1024);
  // One lookup per writer id at a time: a consumer decodes a whole batch concurrently, and
  // without this every record of the first batch fetched and compiled the writer schema itself.
  const loading = new Map<string, Promise<Resolver | null>>();

  const resolverFor = (schema: EventTopic, writerId: number): Promise<Resolver | null> => {
    const cacheKey = `${schema}:${writerId}`;
    const cached = resolvers.get(cacheKey);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = loading.get(cacheKey);
    if (pending === undefined) {
      pending = loadResolver(schema, writerId, cacheKey).finally(() => loading.delete(cacheKey));
      loading.set(cacheKey, pending);
    }
    return pending;
  };

  const loadResolver = async (
    schema: EventTopic,
    writerId: number,
    cacheKey: string,
  ): Promise<Resolver | null> => {
    let writer: Type;
    try {
      writer = (await registry.getSchema(writerId)) as unknown as Type;
    } catch (cause) {
      const status = (cause as { status?: number } | null)?.status;
      if (status === 404)
        throw new EventDecodeError('SCHEMA_UNKNOWN', `schema id ${writerId} is not registered`, { cause });
      throw new EventDecodeError('REGISTRY_UNAVAILABLE', `fetching schema id ${writerId} failed`, { cause });
    }
    const reader = types[schema];
    let resolver: Resolver | null;
    try {
      // Same schema: read directly; an older or newer version: resolve into ours.
      resolver = reader.equals(writer) ? null : reader.createResolver(writer);
    } catch (cause) {
      throw new EventDecodeError('EVENT_UNDECODABLE', `schema id ${writerId} cannot be read as ${schema}`, {
        cause,
      });
    }
    resolvers.set(cacheKey, resolver);
    return resolver;
  };

  return {
    encode(schema, value) {
      const entry = registered.get(schema);
      if (!entry) throw new SchemaNotRegisteredError(`no registered schema for ${schema}`);
      // Header and body written once into a scratch buffer, then copied out: avsc's toBuffer
      // encodes anything over its 1 KiB buffer twice, and most events with a config are over it.
      let end: number;
      try {
        for (;;) {
          scratch.writeUInt8(MAGIC_BYTE, 0);
          scratch.writeInt32BE(entry.id, 1);
          end = types[schema].encode(value, scratch, HEADER_BYTES);
          if (end >= 0) break;
          scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
        }
      } catch (cause) {
        throw new InvalidEventError(schema, invalidPaths(types, schema, value), { cause });
      }
      return Buffer.from(scratch.subarray(0, end));
    },

    // The value itself once the writer schema is known (no promise per record on the hot path);
    // a promise while it is being fetched, and a rejected one for any failure.
    decode(schema, buffer) {
      if (buffer === null) return null;
      if (buffer.length < HEADER_BYTES || buffer.readUInt8(0) !== MAGIC_BYTE) {
        return Promise.reject(
          new EventDecodeError('EVENT_UNDECODABLE', `${schema}: not in the registry wire format`),
        );
      }
      const writerId = buffer.readInt32BE(1);
      const known = resolvers.get(`${schema}:${writerId}`);
      if (known === undefined)
        return resolverFor(schema, writerId).then((resolver) => read(schema, writerId, buffer, resolver));
      try {
        return read(schema, writerId, buffer, known);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };

  function read<T extends EventTopic>(
    schema: T,
    writerId: number,
    buffer: Buffer,
    resolver: Resolver | null,
  ): EventValueByTopic[T] {
    try {
      const payload = buffer.subarray(HEADER_BYTES);
      return (
        resolver === null ? types[schema].fromBuffer(payload) : types[schema].fromBuffer(payload, resolver)
      ) as EventValueByTopic[typeof schema];
    } catch (cause) {
      throw new EventDecodeError(
        'EVENT_UNDECODABLE',
        `${schema}: Avro payload does not match schema id ${writerId}`,
        { cause },
      );
    }
  }
}
