import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { componentEndpoints } from '../../helpers/components.ts';
import { createKafkaTestKit, deleteSubject, uniqueName } from '../../helpers/kafka.ts';
import type { KafkaTestKit } from '../../helpers/kafka.ts';

// Proves that @kafkajs/confluent-schema-registry works against the local registry's
// Confluent-compatible API the way the services use it: explicit `<topic>-value` subjects,
// the Confluent wire format, and BACKWARD compatibility enforced on every new version.

const WAIT = { timeout: 60_000, interval: 100 } as const;

const recordName = (): string => `SourceFetched${uniqueName('v').replace(/-/g, '_')}`;

function avroV1(name: string) {
  return {
    type: 'record',
    name,
    namespace: 'submerge.test',
    fields: [
      { name: 'sourceId', type: 'string' },
      { name: 'status', type: 'int' },
    ],
  } as const;
}

function avroWithField(name: string, field: Record<string, unknown>) {
  const v1 = avroV1(name);
  return { ...v1, fields: [...v1.fields, field] };
}

const asAvro = (schema: object) => ({ type: SchemaType.AVRO as const, schema: JSON.stringify(schema) });

describe('schema registry (Confluent API of the local registry)', () => {
  const { schemaRegistryUrl, kafkaBrokers } = componentEndpoints();
  const subjects: string[] = [];
  let kit: KafkaTestKit;

  const subjectFor = (topic: string): string => {
    const subject = `${topic}-value`;
    subjects.push(subject);
    return subject;
  };

  beforeEach(async () => {
    kit = await createKafkaTestKit({ brokers: kafkaBrokers });
  });

  afterEach(async () => {
    await Promise.all(subjects.splice(0).map((s) => deleteSubject(schemaRegistryUrl, s)));
    await kit.cleanup();
  });

  it('enforces BACKWARD compatibility globally, on subjects without their own setting', async () => {
    const config = await fetch(`${schemaRegistryUrl}/config`);
    expect(await config.json()).toMatchObject({ compatibilityLevel: 'BACKWARD' });

    // Raw API calls, no subject-level config is ever set: the client library would pin one on
    // first registration, which would hide whether the global level is enforced.
    const subject = subjectFor(uniqueName('registry-global'));
    const name = recordName();
    const post = (schema: object) =>
      fetch(`${schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ schema: JSON.stringify(schema) }),
      });
    expect((await post(avroV1(name))).status).toBe(200);
    expect((await post(avroWithField(name, { name: 'fetchedAt', type: 'long' }))).status).toBe(409);
  });

  it('registers an Avro schema under an explicit <topic>-value subject and round-trips a record in the wire format', async () => {
    const registry = new SchemaRegistry({ host: schemaRegistryUrl });
    const subject = subjectFor(uniqueName('registry-roundtrip'));
    const { id } = await registry.register(asAvro(avroV1(recordName())), { subject });

    expect(await registry.getLatestSchemaId(subject)).toBe(id);
    const record = { sourceId: 'src-1', status: 200 };
    const encoded = await registry.encode(id, record);
    // Confluent wire format: magic byte 0, then the schema id as a big-endian int32.
    expect(encoded.readUInt8(0)).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);

    // A fresh client has no cache: decoding must fetch the writer schema by id from the registry.
    const fresh = new SchemaRegistry({ host: schemaRegistryUrl });
    expect(await fresh.decode(encoded)).toEqual(record);
  });

  it('carries registry-encoded records through a Kafka topic', async () => {
    const topic = await kit.createTopic('registry-kafka');
    const registry = new SchemaRegistry({ host: schemaRegistryUrl });
    const { id } = await registry.register(asAvro(avroV1(recordName())), { subject: subjectFor(topic) });
    const records = [
      { sourceId: 'a', status: 200 },
      { sourceId: 'b', status: 404 },
    ];
    const producer = await kit.producer();
    await producer.send({
      topic,
      messages: await Promise.all(
        records.map(async (r) => ({ key: r.sourceId, value: await registry.encode(id, r) })),
      ),
    });

    const decoded: unknown[] = [];
    const consumer = await kit.consumer();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value) decoded.push(await registry.decode(message.value));
      },
    });
    await vi.waitFor(() => expect(decoded).toHaveLength(records.length), WAIT);
    expect(decoded).toEqual(records);
  });

  it('rejects a BACKWARD-incompatible version and accepts a compatible one', async () => {
    const registry = new SchemaRegistry({ host: schemaRegistryUrl });
    const subject = subjectFor(uniqueName('registry-compat'));
    const name = recordName();
    const v1 = await registry.register(asAvro(avroV1(name)), { subject });

    // A new field without a default cannot be read from records written with v1.
    const incompatible = avroWithField(name, { name: 'fetchedAt', type: 'long' });
    await expect(registry.register(asAvro(incompatible), { subject })).rejects.toMatchObject({ status: 409 });

    const compatible = avroWithField(name, { name: 'fetchedAt', type: ['null', 'long'], default: null });
    const v2 = await registry.register(asAvro(compatible), { subject });
    expect(v2.id).not.toBe(v1.id);

    const versions = await fetch(`${schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}/versions`);
    expect(await versions.json()).toEqual([1, 2]);

    // A v1 record decodes under v1 even after v2 became the latest version.
    const old = await registry.encode(v1.id, { sourceId: 's', status: 1 });
    expect(await registry.decode(old)).toEqual({ sourceId: 's', status: 1 });
    expect(await registry.getLatestSchemaId(subject)).toBe(v2.id);
  });
});
