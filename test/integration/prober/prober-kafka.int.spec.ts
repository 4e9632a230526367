import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigCurrent, ConfigProbed } from '../../../services/generated/events.ts';
import { DEFAULT_RUN_BUDGET } from '../../../services/core/probing/budget.ts';
import { nonLoopbackTargets } from '../../../services/core/probing/loopback-scope.ts';
import { DEFAULT_SCHEDULE_POLICY } from '../../../services/core/probing/schedule.ts';
import { configJson } from '../../../services/core/processors/config-json.ts';
import type { ProxyConfig } from '../../../services/core/model/config.ts';
import { createCoreReaper } from '../../../services/prober/core-reaper.ts';
import type { CoreReaper } from '../../../services/prober/core-reaper.ts';
import { proberName, proberTopicSpecs } from '../../../services/prober/prober-topics.ts';
import { startProber } from '../../../services/prober/prober.ts';
import type { Prober, ProberSettings } from '../../../services/prober/prober.ts';
import { nameBasedUuid } from '../../../services/shared/events/event-metadata.ts';
import { valueSubject } from '../../../services/shared/events/topic-catalog.ts';
import type { TopicSpec } from '../../../services/shared/events/topic-catalog.ts';
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
import { startLoopbackLab } from './loopback-lab.ts';
import type { LabCase, LoopbackLab } from './loopback-lab.ts';

/**
 * The prober service on the real broker and registry with the real sing-box, all on loopback:
 * configs arrive on a (prefixed) configs.current.v1 in Avro, two vantages probe every one of them
 * and publish configs.probed.v1 keyed by fingerprint, a restarted prober restores its history
 * and does not probe everything again, and a new config is probed as soon as it appears.
 */

const { kafkaBrokers: brokers, schemaRegistryUrl: registryUrl, singBoxBin } = componentEndpoints();
const prefix = `${uniqueName('it-probe')}.`;
const VANTAGES = ['it-a', 'it-b'] as const;
const topicSets = VANTAGES.map((vantage) => proberTopicSpecs({ prefix, vantage }));
const topics = topicSets[0]?.topics ?? { current: '', probed: '', history: '' };
const allSpecs: TopicSpec[] = [
  ...new Map(topicSets.flatMap((t) => t.specs).map((s) => [s.name, s])).values(),
];
const eventSpecs = topicSets[0]?.eventSpecs ?? [];
const logger = createLogger({ service: 'prober-it', level: 'silent' });

let lab: LoopbackLab;
let codec: ValueCodec;
let log: EventLog;
const logs: EventLog[] = [];
const probers: Prober[] = [];
/** The running prober of each vantage (start order is not completion order). */
const running = new Map<string, Prober>();
const reapers: CoreReaper[] = [];
const coreConfigs: Readonly<Record<string, unknown>>[] = [];

const fingerprintOf = (name: string): string => nameBasedUuid(`fp:${name}`).replace(/-/g, '');

function current(name: string, config: ProxyConfig): ConfigCurrent {
  const eventId = nameBasedUuid(`current:${name}`);
  const at = Date.now();
  return {
    metadata: { eventId, eventTime: at, producer: 'merger/test', correlationId: eventId, causationId: null },
    fingerprint: fingerprintOf(name),
    fingerprintPolicy: 'credential',
    protocol: config.protocol,
    server: config.server,
    port: config.port,
    config: configJson(config),
    sources: [{ sourceId: 'lab', firstSeen: at, lastSeen: at, name }],
    firstSeen: at,
    lastSeen: at,
  };
}

function settings(vantage: string): ProberSettings {
  return {
    vantage,
    instanceId: `${vantage}-0`,
    budget: DEFAULT_RUN_BUDGET,
    schedule: DEFAULT_SCHEDULE_POLICY,
    scope: 'loopback',
    testUrl: lab.testUrl,
    acceptStatus: (status) => status >= 200 && status < 400,
    cheapTimeoutMs: 1_500,
    proxyTimeoutMs: 2_500,
    coreBin: singBoxBin,
    coreLimits: {},
    ca: [lab.cert],
    coreEnv: { SSL_CERT_FILE: lab.certFile },
    onCoreConfig: (config) => coreConfigs.push(config),
    runIntervalMs: 200,
    idleMs: 200,
  };
}

async function start(vantage: string): Promise<Prober> {
  const own = createKafkaEventLog({
    brokers,
    clientId: `prober-it.${vantage}`,
    codec,
    consumer: TEST_CONSUMER_TUNING,
  });
  logs.push(own);
  const reaper = createCoreReaper();
  reapers.push(reaper);
  const { topics: vantageTopics } = proberTopicSpecs({ prefix, vantage });
  const prober = await startProber({
    log: own,
    topics: vantageTopics,
    group: proberName(prefix, vantage),
    settings: settings(vantage),
    reaper,
    logger,
  });
  probers.push(prober);
  running.set(vantage, prober);
  return prober;
}

async function readProbed(): Promise<{ key: string | null; value: ConfigProbed }[]> {
  const out: { key: string | null; value: ConfigProbed }[] = [];
  await log.readToEnd(topics.probed, {
    onRecords(records) {
      for (const r of records) out.push({ key: r.key, value: r.value as ConfigProbed });
    },
  });
  return out;
}

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

beforeAll(async () => {
  lab = await startLoopbackLab(singBoxBin);
  const admin = new Kafka({
    clientId: 'prober-it',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await ensureTopics(admin, allSpecs, { replicationFactor: 1 });
  } finally {
    await admin.disconnect();
  }
  const registry = createSchemaRegistryClient({ url: registryUrl, clientId: 'prober-it' });
  const registered = await registerEventSchemas(registry, eventSpecs);
  codec = createAvroValueCodec({
    eventCodec: createEventCodec({ registry, registered }),
    specs: eventSpecs,
    fallback: defaultCodec,
  });
  log = createKafkaEventLog({ brokers, clientId: 'prober-it', codec, consumer: TEST_CONSUMER_TUNING });
  logs.push(log);
  await log.append(
    lab.cases.map((c) => ({
      topic: topics.current,
      key: fingerprintOf(c.name),
      value: current(c.name, c.config),
    })),
  );
});

afterAll(async () => {
  await Promise.allSettled(probers.map((p) => p.stop()));
  for (const reaper of reapers) {
    const leaked = reaper.live();
    reaper.killAll();
    reaper.dispose();
    expect(leaked).toEqual([]);
  }
  await Promise.allSettled(logs.map((l) => l.close()));
  await lab.stop();
  const admin = new Kafka({
    clientId: 'prober-it',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: allSpecs.map((s) => s.name) }).catch(() => undefined);
    await admin.deleteGroups(VANTAGES.map((v) => proberName(prefix, v))).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
  await Promise.allSettled(eventSpecs.map((s) => deleteSubject(registryUrl, valueSubject(s.name))));
});

const expectation = (c: LabCase) => ({
  stage: c.expect.stage,
  outcome: c.expect.outcome,
  errorCode: c.expect.code,
});

describe('prober service on Kafka', () => {
  it('probes every current config from two vantages and publishes one Avro event per config and vantage', async () => {
    await Promise.all(VANTAGES.map((v) => start(v)));
    const events = await waitFor(
      readProbed,
      (list) => VANTAGES.every((v) => list.filter((e) => e.value.vantage === v).length >= lab.cases.length),
      90_000,
      'a probe of every config from both vantages',
    );
    for (const vantage of VANTAGES) {
      const mine = events.filter((e) => e.value.vantage === vantage);
      expect(mine).toHaveLength(lab.cases.length);
      for (const c of lab.cases) {
        const fingerprint = fingerprintOf(c.name);
        const event = mine.find((e) => e.key === fingerprint)?.value;
        expect({ name: c.name, ...pick(event) }).toEqual({ name: c.name, ...expectation(c) });
        expect(event).toMatchObject({
          fingerprint,
          prober: `${vantage}-0`,
          metadata: { producer: `prober/${vantage}-0`, causationId: nameBasedUuid(`current:${c.name}`) },
        });
        if (c.expect.outcome === 'ok') expect(event?.latencyMs).toBeGreaterThan(0);
        else expect(event?.errorDetail).toBeTruthy();
      }
    }
    for (const config of coreConfigs) expect(nonLoopbackTargets(config)).toEqual([]);
  });

  it('restores its history after a restart and does not probe the same configs again at once', async () => {
    const a = running.get('it-a');
    if (a === undefined) throw new Error('the previous test starts the probers');
    await a.stop();
    const before = (await readProbed()).filter((e) => e.value.vantage === 'it-a').length;
    const restartedAt = Date.now();
    const restarted = await start('it-a');
    await waitFor(
      () => Promise.resolve(restarted.ready()),
      Boolean,
      60_000,
      'the restarted prober to load its share',
    );
    const working = lab.working[0];
    if (working === undefined) throw new Error('lab without working configs');
    expect(restarted.history(fingerprintOf(working.name))).toMatchObject({ last: 'pass', streak: 1 });
    await sleep(2_000);
    expect((await readProbed()).filter((e) => e.value.vantage === 'it-a')).toHaveLength(before);

    // A config that appears now is new: probed at once, and only it.
    await log.append([
      {
        topic: topics.current,
        key: fingerprintOf('late vmess'),
        value: current('late vmess', working.config),
      },
    ]);
    const after = await waitFor(
      readProbed,
      (list) => list.some((e) => e.key === fingerprintOf('late vmess') && e.value.vantage === 'it-a'),
      30_000,
      'the new config to be probed',
    );
    const newOnes = after.filter((e) => e.value.vantage === 'it-a' && e.value.probedAt >= restartedAt);
    expect(newOnes.map((e) => e.key)).toEqual([fingerprintOf('late vmess')]);
    expect(newOnes[0]?.value).toMatchObject({ stage: 'proxy', outcome: 'ok' });
  });

  it('forgets a config and its history when configs.current tombstones it', async () => {
    const prober = running.get('it-a');
    const fingerprint = fingerprintOf('late vmess');
    await log.append([{ topic: topics.current, key: fingerprint, value: null }]);
    await waitFor(
      () => Promise.resolve(prober?.history(fingerprint)),
      (h) => h === undefined,
      30_000,
      'the history to be dropped',
    );
    expect(prober?.owned()).toBe(lab.cases.length);
  });
});

function pick(event: ConfigProbed | undefined): {
  stage?: string;
  outcome?: string;
  errorCode?: string | null;
} {
  return event === undefined
    ? {}
    : { stage: event.stage, outcome: event.outcome, errorCode: event.errorCode };
}
