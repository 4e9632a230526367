import { pino } from 'pino';
import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { readApiTopics } from '../../../services/core/read-model/read-topics.ts';
import type { ReadApiTopics } from '../../../services/core/read-model/read-topics.ts';
import { valueSubject } from '../../../services/shared/events/topic-catalog.ts';
import type { EventLog, LogRecord } from '../../../services/shared/runtime/event-log.ts';
import { openKafkaReadApiLog, readApiTopicSpecs } from '../../../services/read-api/kafka-read-api-log.ts';
import { startReadApiServer } from '../../../services/read-api/server.ts';
import type { ReadApiServer } from '../../../services/read-api/server.ts';
import { DEFAULT_READ_API_SETTINGS } from '../../../services/read-api/settings.ts';
import type { ReadApiSettings } from '../../../services/read-api/settings.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { createKafkaTestKit, deleteSubject, uniqueName } from '../../helpers/kafka.ts';
import { TEST_CONSUMER_TUNING } from '../runtime/kafka-fixture.ts';
import { ADMIN, READER } from '../../unit/read-api/read-api-harness.ts';

/**
 * The read API on the real broker and registry, over real HTTP: a unique topic prefix per run
 * (so subjects are unique too), servers listening on 127.0.0.1:0, and cleanup of topics and
 * subjects afterwards.
 */
export interface KafkaReadApi {
  readonly log: EventLog;
  readonly topics: ReadApiTopics;
  start(overrides?: Partial<ReadApiSettings>): Promise<ReadApiServer>;
  /** Every record currently on a topic (read from the beginning). */
  readAll(topic: string): Promise<LogRecord[]>;
  cleanup(): Promise<void>;
}

export async function kafkaReadApi(): Promise<KafkaReadApi> {
  const { kafkaBrokers, schemaRegistryUrl } = componentEndpoints();
  const prefix = `${uniqueName('it-read-api')}.`;
  const topics = readApiTopics({ prefix });
  const logger = pino({ level: 'silent' });
  const logs: EventLog[] = [];
  const open = async (): Promise<EventLog> => {
    const log = await openKafkaReadApiLog({
      brokers: kafkaBrokers,
      registryUrl: schemaRegistryUrl,
      topics,
      clientId: uniqueName('read-api-test'),
      logger,
      consumer: TEST_CONSUMER_TUNING,
    });
    logs.push(log);
    return log;
  };
  const log = await open();
  const servers: ReadApiServer[] = [];
  let replica = 0;
  return {
    log,
    topics,
    async start(overrides = {}) {
      replica += 1;
      // Each replica has its own event log client, as separate processes would.
      const server = await startReadApiServer({
        log: await open(),
        settings: {
          ...DEFAULT_READ_API_SETTINGS,
          instanceId: `it-${replica}`,
          bootstrapKeys: [ADMIN.key, READER.key],
          rateLimit: { windowMs: 60_000, anonymous: 100_000, perKey: 100_000 },
          ...overrides,
        },
        logger,
        host: '127.0.0.1',
        port: 0,
        topicPrefix: prefix,
      });
      servers.push(server);
      return server;
    },
    async readAll(topic) {
      const out: LogRecord[] = [];
      await log.readToEnd(topic, { onRecords: (records) => void out.push(...records) });
      return out;
    },
    async cleanup() {
      await Promise.allSettled(servers.map((s) => s.stop()));
      await Promise.allSettled(logs.map((l) => l.close()));
      const specs = readApiTopicSpecs(topics);
      const kit = await createKafkaTestKit({ brokers: kafkaBrokers });
      try {
        const existing = new Set(await kit.admin.listTopics());
        const ours = specs.map((s) => s.name).filter((t) => existing.has(t));
        if (ours.length > 0) await kit.admin.deleteTopics({ topics: ours });
      } finally {
        await kit.cleanup();
      }
      await Promise.allSettled(specs.map((s) => deleteSubject(schemaRegistryUrl, valueSubject(s.name))));
    },
  };
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  text(): string;
  json(): unknown;
}

/** One real HTTP request (undici, no automatic decompression). */
export async function http(
  base: string,
  path: string,
  {
    method = 'GET',
    headers = {},
    body,
  }: { method?: Dispatcher.HttpMethod; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  const response = await request(`${base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    status: response.statusCode,
    headers: flat,
    body: bytes,
    text: () => bytes.toString('utf8'),
    json: () => JSON.parse(bytes.toString('utf8')) as unknown,
  };
}

/** Polls until `check` passes (the consumer of another replica catching up); bounded. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
