import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { Kafka, logLevel } from 'kafkajs';
import {
  intelEventSpecs,
  intelTopics,
  intelTopicSpecs,
  INTEL_KINDS,
} from '../../../services/core/scoring/intel-topics.ts';
import type { IntelTopics } from '../../../services/core/scoring/intel-topics.ts';
import { startDetector } from '../../../services/detector/detector-service.ts';
import type { DetectorService, DetectorServiceOptions } from '../../../services/detector/detector-service.ts';
import { openIntelLog } from '../../../services/intel/prepare-intel.ts';
import { startScorer } from '../../../services/scorer/scorer-service.ts';
import type { ScorerService, ScorerServiceOptions } from '../../../services/scorer/scorer-service.ts';
import { valueSubject } from '../../../services/shared/events/topic-catalog.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import type { EventLog, LogRecord } from '../../../services/shared/runtime/event-log.ts';
import { latestByKey } from '../../contract/event-log-fixture.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { deleteSubject, uniqueName } from '../../helpers/kafka.ts';
import { TEST_CONSUMER_TUNING } from '../runtime/kafka-fixture.ts';

/**
 * The scorer and the detector on the local broker and registry, every topic under a unique
 * prefix (so groups, changelogs, DLQs and subjects are unique too), all removed on cleanup.
 */
export interface IntelFixture {
  readonly topics: IntelTopics;
  readonly log: EventLog;
  startScorer(options?: Partial<ScorerServiceOptions>): Promise<ScorerService>;
  startDetector(options?: Partial<DetectorServiceOptions>): Promise<DetectorService>;
  append(topic: string, values: readonly { key: string; value: unknown }[]): Promise<void>;
  readAll(topic: string): Promise<LogRecord[]>;
  latest<V>(topic: string): Promise<Map<string, V>>;
  cleanup(): Promise<void>;
}

export async function intelFixture(name = 'it-intel'): Promise<IntelFixture> {
  const { kafkaBrokers: brokers, schemaRegistryUrl: registryUrl } = componentEndpoints();
  const prefix = `${uniqueName(name)}.`;
  const topics = intelTopics({ prefix });
  const logger = createLogger({ service: 'test', level: 'silent' });
  const log = await openIntelLog({
    brokers,
    registryUrl,
    topics,
    ensure: [...intelTopicSpecs(INTEL_KINDS.scorer, topics), ...intelTopicSpecs(INTEL_KINDS.anomaly, topics)],
    clientId: 'submerge-test',
    logger,
    consumer: TEST_CONSUMER_TUNING,
  });
  const services: { stop(): Promise<void> }[] = [];

  const readAll = async (topic: string): Promise<LogRecord[]> => {
    const out: LogRecord[] = [];
    await log.readToEnd(topic, { onRecords: (records) => void out.push(...records) });
    return out;
  };

  return {
    topics,
    log,
    async startScorer(options = {}) {
      const s = await startScorer({
        log,
        topics,
        instance: '0',
        logger,
        registry: new Registry(),
        ...options,
      });
      services.push(s);
      return s;
    },
    async startDetector(options = {}) {
      const d = await startDetector({
        log,
        topics,
        instance: '0',
        logger,
        registry: new Registry(),
        ...options,
      });
      services.push(d);
      return d;
    },
    append: (topic, values) => log.append(values.map(({ key, value }) => ({ topic, key, value }))),
    readAll,
    latest: async <V>(topic: string) => latestByKey(await readAll(topic)) as Map<string, V>,
    async cleanup() {
      await Promise.allSettled(services.map((s) => s.stop()));
      await log.close().catch(() => undefined);
      const kafka = new Kafka({
        clientId: 'submerge-test',
        brokers: [...brokers],
        logLevel: logLevel.NOTHING,
      });
      const admin = kafka.admin();
      await admin.connect();
      try {
        const ours = (await admin.listTopics()).filter(
          (t) => t.startsWith(prefix) || t.startsWith(`dlq.${prefix}`),
        );
        if (ours.length > 0) await admin.deleteTopics({ topics: ours }).catch(() => undefined);
        const groups = (await admin.listGroups()).groups
          .map((g) => g.groupId)
          .filter((g) => g.startsWith(prefix));
        if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
      await Promise.allSettled(
        intelEventSpecs(topics).map((s) => deleteSubject(registryUrl, valueSubject(s.name))),
      );
    },
  };
}

/** A webhook receiver on 127.0.0.1 that records every JSON body posted to it. */
export interface WebhookReceiver {
  readonly url: string;
  /** Bodies of the requests answered 2xx. */
  readonly bodies: unknown[];
  /** Every request, with the status it got. */
  readonly requests: { readonly status: number; readonly body: unknown }[];
  close(): Promise<void>;
}

/** `status(n)` answers the n-th request (from 0): e.g. fail the first two, then accept. */
export async function webhookReceiver(status: (n: number) => number = () => 200): Promise<WebhookReceiver> {
  const bodies: unknown[] = [];
  const requests: { status: number; body: unknown }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const code = status(requests.length);
      requests.push({ status: code, body });
      if (code >= 200 && code < 300) bodies.push(body);
      res.writeHead(code).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
