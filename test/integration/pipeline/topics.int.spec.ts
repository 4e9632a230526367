import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import avro from 'avsc';
import { ConfigResourceTypes } from 'kafkajs';
import type { KafkaMessage } from 'kafkajs';
import { componentEndpoints } from '../../helpers/components.ts';
import { createKafkaTestKit, deleteSubject, uniqueName } from '../../helpers/kafka.ts';
import type { KafkaTestKit } from '../../helpers/kafka.ts';
import { EVENT_SCHEMAS } from '../../../services/generated/schemas.ts';
import type { SourceCatalogEntry, SourceFetched } from '../../../services/generated/events.ts';
import {
  topicSpecs,
  TOPICS,
  valueSubject,
  withPrefix,
} from '../../../services/shared/events/topic-catalog.ts';
import type { TopicSpec } from '../../../services/shared/events/topic-catalog.ts';
import { ensureTopics, waitForTopics } from '../../../services/shared/kafka/topics.ts';
import {
  createEventCodec,
  createSchemaRegistryClient,
  registerEventSchemas,
} from '../../../services/shared/kafka/schema-registry.ts';
import type { RegisteredSchemas } from '../../../services/shared/kafka/schema-registry.ts';

// The topic catalogue and the schema contracts against the real broker and registry. Every
// run works under a unique topic prefix (so subjects are unique too) and removes what it made.

const WAIT = { timeout: 60_000, interval: 100 } as const;

describe('pipeline topics and schemas on the real broker and registry', () => {
  const { kafkaBrokers, schemaRegistryUrl } = componentEndpoints();
  const prefix = `${uniqueName('it-topics')}.`;
  const specs = topicSpecs({ prefix });
  const extraTopics: string[] = [];
  const extraSubjects: string[] = [];
  let kit: KafkaTestKit;
  let registered: RegisteredSchemas;

  beforeAll(async () => {
    kit = await createKafkaTestKit({ brokers: kafkaBrokers });
  });

  afterAll(async () => {
    const subjects = [
      ...specs.filter((s) => s.schema !== null).map((s) => valueSubject(s.name)),
      ...extraSubjects,
    ];
    await Promise.allSettled(subjects.map((s) => deleteSubject(schemaRegistryUrl, s)));
    const existing = new Set(await kit.admin.listTopics());
    const ours = [...specs.map((s) => s.name), ...extraTopics].filter((t) => existing.has(t));
    if (ours.length > 0) await kit.admin.deleteTopics({ topics: ours });
    await kit.cleanup();
  });

  it('creates every catalogue topic with its partitions and configs', async () => {
    const result = await ensureTopics(kit.admin, specs);
    expect([...result.created].sort()).toEqual(specs.map((s) => s.name).sort());
    expect(result.existing).toEqual([]);
    expect(result.drift).toEqual([]);

    // Read back independently of ensureTopics' own drift check.
    const metadata = await kit.admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
    const partitions = Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]));
    for (const spec of specs) expect(partitions[spec.name], spec.name).toBe(spec.partitions);

    const described = await kit.admin.describeConfigs({
      includeSynonyms: false,
      resources: specs.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.name })),
    });
    const configOf = (topic: string, name: string) =>
      described.resources
        .find((r) => r.resourceName === topic)
        ?.configEntries.find((e) => e.configName === name)?.configValue;
    expect(configOf(`${prefix}configs.current.v1`, 'cleanup.policy')).toBe('compact');
    expect(configOf(`${prefix}configs.current.v1`, 'min.compaction.lag.ms')).toBe('3600000');
    expect(configOf(`${prefix}sources.catalog.v1`, 'cleanup.policy')).toBe('compact');
    expect(configOf(`${prefix}sources.fetched.v1`, 'cleanup.policy')).toBe('delete');
    expect(configOf(`${prefix}sources.fetched.v1`, 'retention.ms')).toBe(String(30 * 24 * 3600 * 1000));
    expect(configOf(`${prefix}sources.fetched.v1`, 'max.message.bytes')).toBe(String(16 * 1024 * 1024));
    expect(configOf(`${prefix}dlq.parser.v1`, 'cleanup.policy')).toBe('delete');
  });

  it('treats a second creation as a no-op that finds nothing drifted', async () => {
    const result = await ensureTopics(kit.admin, specs);
    expect(result.created).toEqual([]);
    expect([...result.existing].sort()).toEqual(specs.map((s) => s.name).sort());
    expect(result.drift).toEqual([]);
  });

  it('creates each topic once when two services start at the same time', async () => {
    const racePrefix = `${uniqueName('it-race')}.`;
    const raceSpecs = [TOPICS.sourcesFetched, TOPICS.configsCurrent, TOPICS.dlqParser].map((s) =>
      withPrefix(s, racePrefix),
    );
    extraTopics.push(...raceSpecs.map((s) => s.name));
    const other = await createKafkaTestKit({ brokers: kafkaBrokers });
    try {
      const [a, b] = await Promise.all([
        ensureTopics(kit.admin, raceSpecs),
        ensureTopics(other.admin, raceSpecs),
      ]);
      expect([...a.created, ...b.created].sort()).toEqual(raceSpecs.map((s) => s.name).sort());
      expect(a.drift).toEqual([]);
      expect(b.drift).toEqual([]);
    } finally {
      await other.cleanup();
    }
  });

  it('reports drift of an existing topic and leaves the topic as it is', async () => {
    const drifted: TopicSpec = withPrefix(TOPICS.sourcesCatalog, `${uniqueName('it-drift')}.`);
    extraTopics.push(drifted.name);
    await kit.admin.createTopics({
      topics: [
        {
          topic: drifted.name,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [{ name: 'cleanup.policy', value: 'delete' }],
        },
      ],
      waitForLeaders: false,
    });
    await waitForTopics(kit.admin, [drifted.name]);

    const result = await ensureTopics(kit.admin, [drifted]);
    expect(result.created).toEqual([]);
    expect(result.existing).toEqual([drifted.name]);
    expect(result.drift).toEqual(
      expect.arrayContaining([
        { topic: drifted.name, setting: 'partitions', expected: String(drifted.partitions), actual: '1' },
        { topic: drifted.name, setting: 'cleanup.policy', expected: 'compact', actual: 'delete' },
      ]),
    );
    const metadata = await kit.admin.fetchTopicMetadata({ topics: [drifted.name] });
    expect(metadata.topics[0]?.partitions).toHaveLength(1);
  });

  it('registers every schema under <topic>-value with BACKWARD compatibility on the subject', async () => {
    const registry = createSchemaRegistryClient({ url: schemaRegistryUrl });
    registered = await registerEventSchemas(registry, specs);
    const withSchema = specs.filter((s) => s.schema !== null);
    expect([...registered.values()].map((r) => r.subject).sort()).toEqual(
      withSchema.map((s) => `${s.name}-value`).sort(),
    );

    for (const entry of registered.values()) {
      const config = await fetch(`${schemaRegistryUrl}/config/${encodeURIComponent(entry.subject)}`);
      expect(config.status, entry.subject).toBe(200);
      expect(await config.json()).toMatchObject({ compatibilityLevel: 'BACKWARD' });

      const latest = await fetch(
        `${schemaRegistryUrl}/subjects/${encodeURIComponent(entry.subject)}/versions/latest`,
      );
      const body = (await latest.json()) as { id: number; schema: string };
      expect(body.id).toBe(entry.id);
      expect(
        avro.Type.forSchema(JSON.parse(body.schema) as avro.Schema).equals(
          avro.Type.forSchema(EVENT_SCHEMAS[entry.schema] as avro.Schema),
        ),
      ).toBe(true);
    }

    // Registering again (every service start) finds the same versions.
    const again = await registerEventSchemas(createSchemaRegistryClient({ url: schemaRegistryUrl }), specs);
    expect([...again.values()].map((r) => r.id)).toEqual([...registered.values()].map((r) => r.id));
  });

  it('has the registry refuse an incompatible change and accept a compatible one on a registered subject', async () => {
    const subject = valueSubject(`${prefix}sources.fetched.v1`);
    const current = EVENT_SCHEMAS['sources.fetched.v1'];
    const post = (schema: object) =>
      fetch(`${schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ schema: JSON.stringify(schema) }),
      });
    const incompatible = { ...current, fields: [...current.fields, { name: 'region', type: 'string' }] };
    expect((await post(incompatible)).status).toBe(409);
    const compatible = {
      ...current,
      fields: [...current.fields, { name: 'region', type: ['null', 'string'], default: null }],
    };
    expect((await post(compatible)).status).toBe(200);
  });

  it('round-trips events through Kafka in the registry wire format, tombstones included', async () => {
    const producerCodec = createEventCodec({
      registry: createSchemaRegistryClient({ url: schemaRegistryUrl }),
      registered,
    });
    const fetched: SourceFetched = {
      metadata: {
        eventId: '5b0c7f7e-1d2a-4c1e-9b7a-2f7d1c9e0a11',
        eventTime: 1_764_000_000_000,
        producer: 'fetcher/int-test',
        correlationId: '5b0c7f7e-1d2a-4c1e-9b7a-2f7d1c9e0a11',
        causationId: null,
      },
      sourceId: 'local-a',
      url: 'http://127.0.0.1:1/sub.txt',
      urlIndex: 0,
      finalUrl: 'http://127.0.0.1:1/sub.txt',
      redirects: 0,
      attempt: 1,
      remoteAddress: '127.0.0.1',
      outcome: 'ok',
      httpStatus: 200,
      errorCode: null,
      errorMessage: null,
      timings: { startedAt: 1_764_000_000_000, dnsMs: null, connectMs: 1, ttfbMs: 2, totalMs: 3 },
      sizes: { wireBytes: 10, decodedBytes: 10, truncated: false },
      headers: {
        etag: 'W/"1"',
        lastModified: null,
        contentType: 'text/plain',
        contentEncoding: null,
        contentLength: 10,
        subscriptionUserinfo: 'upload=1; download=2; total=3; expire=4',
        profileUpdateInterval: '6',
        profileTitle: null,
        retryAfter: null,
      },
      requestEtag: null,
      requestLastModified: null,
      body: { compression: 'identity', data: Buffer.from('vless://x\n'), sha256: 'b'.repeat(64) },
    };
    const entry: SourceCatalogEntry = {
      metadata: { ...fetched.metadata, eventId: '7d1f4a8e-3b2c-4d5e-8f6a-9b0c1d2e3f40', producer: 'catalog' },
      id: 'local-a',
      urls: ['http://127.0.0.1:1/sub.txt', 'http://127.0.0.1:2/sub.txt'],
      tier: 'reliable',
      format: 'auto',
      intervalSeconds: 1800,
      tags: ['local'],
      enabled: true,
      allowPrivateAddresses: true,
    };

    const fetchedTopic = `${prefix}sources.fetched.v1`;
    const catalogTopic = `${prefix}sources.catalog.v1`;
    const producer = await kit.producer({ idempotent: true });
    await producer.send({
      topic: fetchedTopic,
      messages: [{ key: fetched.sourceId, value: producerCodec.encode('sources.fetched.v1', fetched) }],
    });
    await producer.send({
      topic: catalogTopic,
      messages: [
        { key: entry.id, value: producerCodec.encode('sources.catalog.v1', entry) },
        { key: entry.id, value: null },
      ],
    });

    // A separate client with empty caches: it must fetch the writer schemas by id.
    const consumerCodec = createEventCodec({
      registry: createSchemaRegistryClient({ url: schemaRegistryUrl }),
      registered,
    });
    const received: { topic: string; message: KafkaMessage }[] = [];
    const consumer = await kit.consumer();
    await consumer.subscribe({ topics: [fetchedTopic, catalogTopic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        received.push({ topic, message });
        await Promise.resolve();
      },
    });
    await vi.waitFor(() => expect(received).toHaveLength(3), WAIT);

    const fetchedMessage = received.find((r) => r.topic === fetchedTopic)?.message;
    expect(fetchedMessage?.key?.toString()).toBe('local-a');
    const decoded = await consumerCodec.decode('sources.fetched.v1', fetchedMessage?.value ?? null);
    expect({ ...decoded }).toEqual(fetched);
    expect(fetchedMessage?.value?.readInt32BE(1)).toBe(registered.get('sources.fetched.v1')?.id);

    const catalogValues = await Promise.all(
      received
        .filter((r) => r.topic === catalogTopic)
        .sort((a, b) => Number(a.message.offset) - Number(b.message.offset))
        .map((r) => Promise.resolve(consumerCodec.decode('sources.catalog.v1', r.message.value))),
    );
    expect(catalogValues.map((v) => (v === null ? null : { ...v }))).toEqual([entry, null]);
  });

  it('reads records written with a newer compatible version, and rejects bytes that are not the wire format', async () => {
    const subject = valueSubject(`${prefix}sources.catalog.v1`);
    const current = EVENT_SCHEMAS['sources.catalog.v1'];
    const newer = {
      ...current,
      fields: [
        ...current.fields,
        { name: 'owner', type: ['null', 'string'], default: null, doc: 'who added it' },
      ],
    };
    const res = await fetch(`${schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(newer) }),
    });
    expect(res.status).toBe(200);
    const { id: newerId } = (await res.json()) as { id: number };

    const newerType = avro.Type.forSchema(newer as avro.Schema);
    const record = {
      metadata: {
        eventId: '1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b',
        eventTime: 1,
        producer: 'catalog/next',
        correlationId: 'c',
        causationId: null,
      },
      id: 'src',
      urls: ['https://example.test/a'],
      tier: 'bulk',
      format: 'auto',
      intervalSeconds: 3600,
      tags: [],
      enabled: false,
      allowPrivateAddresses: false,
      owner: 'ops',
    };
    const header = Buffer.alloc(5);
    header.writeInt32BE(newerId, 1);
    const codec = createEventCodec({
      registry: createSchemaRegistryClient({ url: schemaRegistryUrl }),
      registered,
    });
    const decoded = await codec.decode(
      'sources.catalog.v1',
      Buffer.concat([header, newerType.toBuffer(record)]),
    );
    const { owner: _owner, ...asV1 } = record;
    expect({ ...decoded }).toEqual(asV1);

    await expect(codec.decode('sources.catalog.v1', Buffer.from('not avro'))).rejects.toMatchObject({
      code: 'EVENT_UNDECODABLE',
      retriable: false,
    });
    const unknownId = Buffer.alloc(6);
    unknownId.writeInt32BE(2_000_000_000, 1);
    await expect(codec.decode('sources.catalog.v1', unknownId)).rejects.toMatchObject({
      code: 'SCHEMA_UNKNOWN',
    });
  });
});
