import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { ApiKey } from '../../../services/generated/events.ts';
import type { Analytics } from '../../../services/shared/analytics/analytics-service.ts';
import { formatKey, secretHash } from '../../../services/core/read-model/api-keys.ts';
import type { Role } from '../../../services/core/read-model/api-keys.ts';
import { createReadState } from '../../../services/core/read-model/read-state.ts';
import type { ReadState } from '../../../services/core/read-model/read-state.ts';
import { readApiTopics } from '../../../services/core/read-model/read-topics.ts';
import type { ReadApiTopics } from '../../../services/core/read-model/read-topics.ts';
import { createMetricsRegistry } from '../../../services/shared/metrics/metrics-registry.ts';
import type { EventLog } from '../../../services/shared/runtime/event-log.ts';
import { fastifyOptions, readApiApp } from '../../../services/read-api/app.ts';
import { createMaterializer } from '../../../services/read-api/materializer.ts';
import type { Materializer } from '../../../services/read-api/materializer.ts';
import { createPublisher } from '../../../services/read-api/publisher.ts';
import { createReadApiMetrics } from '../../../services/read-api/read-api-metrics.ts';
import { DEFAULT_READ_API_SETTINGS } from '../../../services/read-api/settings.ts';
import type { ReadApiSettings } from '../../../services/read-api/settings.ts';

/** A key with a known secret: `text` is what a client sends. */
export interface TestKey {
  readonly text: string;
  readonly key: ApiKey;
}

export function testKey(id: string, role: Role, secret = 'x'.repeat(43)): TestKey {
  const key: ApiKey = {
    metadata: {
      eventId: `bootstrap-${id}`,
      eventTime: 0,
      producer: 'test',
      correlationId: `bootstrap-${id}`,
      causationId: null,
    },
    id,
    role,
    secretSha256: secretHash(secret),
    label: `test ${role}`,
    createdAt: 0,
    revokedAt: null,
  };
  return { text: formatKey(id, secret), key };
}

export const ADMIN = testKey('a000000000000001', 'admin', 'A'.repeat(43));
export const READER = testKey('b000000000000002', 'reader', 'B'.repeat(43));

/** Every topic the read API reads or writes, as the event log port creates them. */
export { readApiLogTopics } from '../../../services/read-api/kafka-read-api-log.ts';

export interface ReadApiHarness {
  readonly app: FastifyInstance;
  readonly state: ReadState;
  readonly materializer: Materializer;
  readonly topics: ReadApiTopics;
  readonly settings: ReadApiSettings;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly log: EventLog;
  readonly prefix?: string;
  readonly settings?: Partial<ReadApiSettings>;
  readonly now?: () => number;
  readonly instanceId?: string;
  /** Wait for the catch-up before returning (default true). */
  readonly waitReady?: boolean;
  readonly analytics?: Analytics;
}

/** The read API app over an event log, as server.ts wires it, without listening. */
export async function startReadApi({
  log,
  prefix = '',
  settings: overrides = {},
  now,
  instanceId = 'test-instance',
  waitReady = true,
  analytics,
}: HarnessOptions): Promise<ReadApiHarness> {
  const topics = readApiTopics({ prefix });
  const settings: ReadApiSettings = {
    ...DEFAULT_READ_API_SETTINGS,
    bootstrapKeys: [ADMIN.key, READER.key],
    instanceId,
    // Tests look at state changes at once; coalescing has its own test.
    renderCoalesceMs: 0,
    ...overrides,
  };
  const registry = createMetricsRegistry({ service: 'read-api', collectProcessMetrics: false });
  const metrics = createReadApiMetrics(registry);
  const logger = pino({ level: 'silent' });
  const state = createReadState();
  const materializer = createMaterializer({ log, topics, state, logger, metrics });
  const publisher = createPublisher({ log, topics, state, producer: `read-api/${instanceId}` });
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({ ...fastifyOptions(settings), loggerInstance });
  await app.register(readApiApp, {
    state,
    materializer,
    publisher,
    settings,
    registry,
    metrics,
    ...(now ? { now } : {}),
    ...(analytics ? { analytics } : {}),
  });
  await app.ready();
  materializer.start();
  if (waitReady) await materializer.caughtUp;
  return {
    app,
    state,
    materializer,
    topics,
    settings,
    async close() {
      await materializer.stop();
      await app.close();
    },
  };
}
