import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceCatalogEntry, SourceCommand, SourceFetched } from '../../../services/generated/events.ts';
import { slotAtOrAfter } from '../../../services/core/fetching/schedule.ts';
import { startFetcher } from '../../../services/fetcher/fetcher.ts';
import type { Fetcher } from '../../../services/fetcher/fetcher.ts';
import { TOPICS, valueSubject, withPrefix } from '../../../services/shared/events/topic-catalog.ts';
import { createAvroValueCodec } from '../../../services/shared/kafka/avro-value-codec.ts';
import { createKafkaEventLog } from '../../../services/shared/kafka/kafka-event-log.ts';
import {
  createEventCodec,
  createSchemaRegistryClient,
  registerEventSchemas,
} from '../../../services/shared/kafka/schema-registry.ts';
import { ensureTopics } from '../../../services/shared/kafka/topics.ts';
import { defaultCodec } from '../../../services/shared/kafka/value-codec.ts';
import type { ValueCodec } from '../../../services/shared/kafka/value-codec.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import type { EventLog } from '../../../services/shared/runtime/event-log.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { deleteSubject, uniqueName } from '../../helpers/kafka.ts';
import { TEST_CONSUMER_TUNING } from '../runtime/kafka-fixture.ts';
import { startFixtureServer } from './fixture-server.ts';
import type { FixtureServer, Route } from './fixture-server.ts';

/**
 * Two fetcher instances on the real broker and registry: the catalog arrives through a compacted
 * Avro topic, every attempt lands on the raw topic in Avro, and the consumer group on the catalog
 * splits the sources between the instances. Everything is under a unique topic prefix.
 */

const INTERVAL_S = 10;
const { kafkaBrokers: brokers, schemaRegistryUrl: registryUrl } = componentEndpoints();
const prefix = `${uniqueName('it-fetch')}.`;
const specs = [
  withPrefix(TOPICS.sourcesCatalog, prefix),
  withPrefix(TOPICS.sourcesFetched, prefix),
  withPrefix(TOPICS.sourcesCommands, prefix),
];
const [catalogSpec, fetchedSpec, commandsSpec] = specs;
const catalogTopic = catalogSpec?.name ?? '';
const fetchedTopic = fetchedSpec?.name ?? '';
const commandsTopic = commandsSpec?.name ?? '';
const group = `${prefix}fetcher`;
const logger = createLogger({ service: 'fetcher-it', level: 'silent' });

let server: FixtureServer;
let codec: ValueCodec;
const logs: EventLog[] = [];
const fetchers: Fetcher[] = [];
let log: EventLog;

const openLog = (clientId: string): EventLog => {
  const opened = createKafkaEventLog({ brokers, clientId, codec, consumer: TEST_CONSUMER_TUNING });
  logs.push(opened);
  return opened;
};

const body = (id: string): string =>
  `vless://11111111-1111-4111-8111-111111111111@${id}.example.com:443#${id}\n`;
const ids = Array.from({ length: 12 }, (_, i) => `kafka-src-${i}`);
/** An hourly source whose next slot is far away: any fetch of it in this test is a fetch-now. */
const manual =
  Array.from({ length: 100 }, (_, i) => `kafka-manual-${i}`).find(
    (id) => slotAtOrAfter(id, 3_600_000, Date.now()) - Date.now() > 20 * 60_000,
  ) ?? 'kafka-manual-0';

const entry = (id: string, over: Partial<SourceCatalogEntry> = {}): SourceCatalogEntry => ({
  metadata: {
    eventId: '00000000-0000-4000-8000-000000000000',
    eventTime: Date.now(),
    producer: 'catalog/test',
    correlationId: '00000000-0000-4000-8000-000000000000',
    causationId: null,
  },
  id,
  urls: [server.url(`/s/${id}`, '127.0.0.1')],
  tier: 'reliable',
  format: 'auto',
  intervalSeconds: INTERVAL_S,
  tags: [],
  enabled: true,
  // A local test catalog: its fixture server is on loopback.
  allowPrivateAddresses: true,
  ...over,
});

async function readFetched(): Promise<SourceFetched[]> {
  const out: SourceFetched[] = [];
  await log.readToEnd(fetchedTopic, {
    onRecords: (records) => {
      for (const r of records) out.push(r.value as SourceFetched);
    },
  });
  return out;
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

beforeAll(async () => {
  const routes = Object.fromEntries(
    ids.map((id) => [`/s/${id}`, ((_req, res) => void res.end(body(id))) satisfies Route]),
  );
  server = await startFixtureServer(routes);
  const admin = new Kafka({
    clientId: 'fetcher-it',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await ensureTopics(admin, specs, { replicationFactor: 1 });
  } finally {
    await admin.disconnect();
  }
  const registry = createSchemaRegistryClient({ url: registryUrl, clientId: 'fetcher-it' });
  const registered = await registerEventSchemas(registry, specs);
  codec = createAvroValueCodec({
    eventCodec: createEventCodec({ registry, registered }),
    specs,
    fallback: defaultCodec,
  });
  log = openLog('fetcher-it');
  await log.append([
    ...ids.map((id) => ({ topic: catalogTopic, key: id, value: entry(id) })),
    {
      topic: catalogTopic,
      key: manual,
      value: {
        ...entry(manual),
        urls: [server.url(`/s/${ids[0] ?? ''}`, '127.0.0.1')],
        intervalSeconds: 3_600,
      },
    },
    // Same fixture server, but an Internet catalog entry: the guard must refuse loopback.
    {
      topic: catalogTopic,
      key: 'kafka-guarded',
      value: entry('kafka-guarded', { allowPrivateAddresses: false }),
    },
  ]);
});

afterAll(async () => {
  await Promise.allSettled(fetchers.map((f) => f.stop()));
  await Promise.allSettled(logs.map((l) => l.close()));
  await server.close();
  const admin = new Kafka({
    clientId: 'fetcher-it',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [catalogTopic, fetchedTopic, commandsTopic] }).catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
  await Promise.allSettled(specs.map((s) => deleteSubject(registryUrl, valueSubject(s.name))));
});

const start = async (instance: string): Promise<Fetcher> => {
  const fetcher = await startFetcher({
    log: openLog(`fetcher-it.${instance}`),
    topics: { catalog: catalogTopic, fetched: fetchedTopic, commands: commandsTopic },
    group,
    instanceId: instance,
    logger,
    politeness: { maxConcurrent: 4, minDelayMs: 0 },
  });
  fetchers.push(fetcher);
  return fetcher;
};

const owned = (f: Fetcher): Set<string> => new Set(f.scheduler.snapshot().map((s) => s.id));

describe('fetcher on Kafka', () => {
  it('splits the catalog between two instances and records every attempt in Avro on the raw topic', async () => {
    const a = await start('a');
    const b = await start('b');
    const all = [...ids, 'kafka-guarded', manual];
    await waitFor(
      () => {
        const [oa, ob] = [owned(a), owned(b)];
        return a.ready() && b.ready() && oa.size > 0 && ob.size > 0 && oa.size + ob.size === all.length;
      },
      60_000,
      'both instances to own their share of the catalog',
    );
    const split = Date.now();
    expect([...owned(a)].filter((id) => owned(b).has(id))).toEqual([]);
    await sleep(2.5 * INTERVAL_S * 1000);

    const events = await readFetched();
    const bySource = new Map<string, SourceFetched[]>();
    for (const e of events) bySource.set(e.sourceId, [...(bySource.get(e.sourceId) ?? []), e]);
    expect([...bySource.keys()].sort()).toEqual([...ids, 'kafka-guarded'].sort());

    for (const [id, list] of bySource) {
      list.sort((x, y) => x.timings.startedAt - y.timings.startedAt);
      // Never two scheduled fetches of one source within its interval, whichever instance made them.
      for (let i = 1; i < list.length; i += 1) {
        const gap = (list[i]?.timings.startedAt ?? 0) - (list[i - 1]?.timings.startedAt ?? 0);
        expect(gap, id).toBeGreaterThanOrEqual(INTERVAL_S * 1000 - 50);
      }
      // Once split, one instance owns the source.
      const producers = new Set(
        list.filter((e) => e.timings.startedAt > split).map((e) => e.metadata.producer),
      );
      expect(producers.size, id).toBeLessThanOrEqual(1);
    }

    for (const id of ids) {
      const last = bySource.get(id)?.at(-1);
      expect(last).toMatchObject({
        sourceId: id,
        outcome: 'ok',
        httpStatus: 200,
        remoteAddress: '127.0.0.1',
      });
      expect(gunzipSync(last?.body?.data ?? Buffer.alloc(0)).toString('utf8')).toBe(body(id));
    }
    const guarded = bySource.get('kafka-guarded') ?? [];
    expect(guarded.every((e) => e.outcome === 'address-blocked' && e.body === null)).toBe(true);
  });

  it('hands a stopped instance’s sources to the remaining one', async () => {
    const [a, b] = fetchers;
    if (a === undefined || b === undefined) throw new Error('the previous test starts both instances');
    const fromB = owned(b);
    await b.stop();
    fetchers.splice(1, 1);
    const handover = Date.now();
    await waitFor(
      () => [...fromB].every((id) => owned(a).has(id)),
      60_000,
      'the remaining instance to take over',
    );
    await sleep(1.5 * INTERVAL_S * 1000);

    const after = (await readFetched()).filter((e) => e.timings.startedAt > handover);
    for (const id of fromB)
      expect(
        after.some((e) => e.sourceId === id && e.metadata.producer === 'fetcher/a'),
        id,
      ).toBe(true);
    expect(after.every((e) => e.metadata.producer === 'fetcher/a')).toBe(true);
  });

  it('fetches a source at once when an operator asks through sources.commands.v1', async () => {
    const asked = Date.now();
    const command: SourceCommand = {
      metadata: {
        eventId: '00000000-0000-4000-8000-000000000001',
        eventTime: asked,
        producer: 'read-api/test',
        correlationId: '00000000-0000-4000-8000-000000000001',
        causationId: null,
      },
      command: 'fetch',
      sourceId: manual,
      fromTime: null,
      requestedBy: 'key-test',
    };
    await log.append([{ topic: commandsTopic, key: manual, value: command }]);
    let events: SourceFetched[] = [];
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      events = (await readFetched()).filter((e) => e.sourceId === manual);
      if (events.length > 0) break;
      await sleep(250);
    }
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'ok', metadata: { producer: 'fetcher/a' } });
    expect(events[0]?.timings.startedAt).toBeGreaterThanOrEqual(asked);
  });
});
