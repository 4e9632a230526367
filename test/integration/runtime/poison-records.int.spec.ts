import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceCatalogEntry } from '../../../services/generated/events.ts';
import { ok } from '../../../services/core/processing/outcome.ts';
import { changelogTopic, dlqTopic } from '../../../services/core/processing/processor.ts';
import type { Processor } from '../../../services/core/processing/processor.ts';
import { TOPICS, valueSubject, withPrefix } from '../../../services/shared/events/topic-catalog.ts';
import { createAvroValueCodec } from '../../../services/shared/kafka/avro-value-codec.ts';
import { createKafkaEventLog } from '../../../services/shared/kafka/kafka-event-log.ts';
import {
  createEventCodec,
  createSchemaRegistryClient,
  registerEventSchemas,
} from '../../../services/shared/kafka/schema-registry.ts';
import { defaultCodec } from '../../../services/shared/kafka/value-codec.ts';
import type { ValueCodec } from '../../../services/shared/kafka/value-codec.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { createProcessorMetrics } from '../../../services/shared/metrics/processor-metrics.ts';
import { DLQ_CODES, DLQ_HEADERS } from '../../../services/shared/runtime/dlq-headers.ts';
import type { EventLog } from '../../../services/shared/runtime/event-log.ts';
import { runProcessor } from '../../../services/shared/runtime/run-processor.ts';
import { readAll, uniqueSuffix, waitForCommittedToEnd } from '../../contract/event-log-fixture.ts';
import { COUNTS_STORE, runningCountProcessor } from '../../contract/running-count.ts';
import type { CountOutput } from '../../contract/running-count.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { deleteSubject } from '../../helpers/kafka.ts';
import { kafkaFixture, TEST_CONSUMER_TUNING } from './kafka-fixture.ts';
import type { KafkaFixture } from './kafka-fixture.ts';

const silent = createLogger({ service: 'test', level: 'silent' });

async function runToEnd(log: EventLog, processor: Processor, group: string): Promise<void> {
  const run = await runProcessor(processor, {
    log,
    group,
    transactionalId: `${group}-0`,
    logger: silent,
    metrics: createProcessorMetrics(new Registry(), processor.name),
  });
  try {
    for (const topic of processor.inputTopics) await waitForCommittedToEnd(log, group, topic);
  } finally {
    await run.stop();
  }
  await run.done;
}

function catalogEntry(id: string): SourceCatalogEntry {
  return {
    metadata: {
      eventId: randomUUID(),
      eventTime: Date.now(),
      producer: 'test/poison',
      correlationId: id,
      causationId: null,
    },
    id,
    urls: [`https://example.invalid/${id}.txt`],
    tier: 'bulk',
    format: 'auto',
    intervalSeconds: 1800,
    tags: [],
    enabled: true,
    allowPrivateAddresses: false,
  };
}

describe('poison records on Kafka', () => {
  let fx: KafkaFixture;
  const subjects: string[] = [];

  beforeEach(async () => {
    fx = await kafkaFixture();
  });

  afterEach(async () => {
    const { schemaRegistryUrl } = componentEndpoints();
    await Promise.allSettled(subjects.splice(0).map((s) => deleteSubject(schemaRegistryUrl, s)));
    await fx.cleanup();
  });

  it('parks bytes the codec cannot read in the DLQ untouched, with headers naming their origin, and the partition continues', async () => {
    const name = `count-${uniqueSuffix()}`;
    const input = await fx.topic('poison-in', 1);
    const output = await fx.topic('poison-out', 1);
    await fx.namedTopic(changelogTopic(name, COUNTS_STORE), 1, { compacted: true });
    await fx.namedTopic(dlqTopic(name), 1);
    const garbage = Buffer.from([0x7b, 0x22, 0xff, 0x00, 0x6e]);
    const producer = await fx.kit.producer();
    await producer.send({
      topic: input,
      messages: [
        { key: 'k', value: JSON.stringify({ n: 1 }) },
        { key: 'k', value: garbage, headers: { 'x-origin': 'hand-made' } },
        { key: 'k', value: JSON.stringify({ n: 2 }) },
      ],
    });

    await runToEnd(fx.log, runningCountProcessor({ name, input, output }), fx.group(name));

    expect((await readAll(fx.log, output)).map((r) => (r.value as CountOutput).count)).toEqual([1, 2]);
    const [parked, ...more] = await readAll(fx.log, dlqTopic(name));
    expect(more).toEqual([]);
    expect(parked?.key).toBe('k');
    expect(Buffer.compare(parked?.value as Buffer, garbage)).toBe(0);
    expect(parked?.headers).toMatchObject({
      'x-origin': 'hand-made',
      [DLQ_HEADERS.processor]: name,
      [DLQ_HEADERS.sourceTopic]: input,
      [DLQ_HEADERS.sourcePartition]: '0',
      [DLQ_HEADERS.sourceOffset]: '1',
      [DLQ_HEADERS.errorCode]: DLQ_CODES.undecodable,
    });
    expect(parked?.headers[DLQ_HEADERS.errorMessage]).toMatch(/^VALUE_NOT_JSON: /);
  });

  it('retries a decode that failed for a retriable reason (registry unreachable) instead of parking the record', async () => {
    const name = `count-${uniqueSuffix()}`;
    const input = await fx.topic('flaky-in', 1);
    const output = await fx.topic('flaky-out', 1);
    await fx.namedTopic(changelogTopic(name, COUNTS_STORE), 1, { compacted: true });
    await fx.namedTopic(dlqTopic(name), 1);
    let failures = 3;
    const flaky: ValueCodec = {
      encode: (topic, value) => defaultCodec.encode(topic, value),
      decode(topic, bytes) {
        if (topic === input && failures > 0) {
          failures -= 1;
          throw Object.assign(new Error('registry unreachable'), {
            code: 'REGISTRY_UNAVAILABLE',
            retriable: true,
          });
        }
        return defaultCodec.decode(topic, bytes);
      },
    };
    const log = createKafkaEventLog({
      brokers: fx.brokers,
      consumer: TEST_CONSUMER_TUNING,
      codec: flaky,
      decodeRetry: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 10 },
    });
    try {
      await log.append([1, 2].map((n) => ({ topic: input, key: 'k', value: { n } })));
      await runToEnd(log, runningCountProcessor({ name, input, output }), fx.group(name));
      expect((await readAll(log, output)).map((r) => (r.value as CountOutput).count)).toEqual([1, 2]);
      expect(await readAll(log, dlqTopic(name))).toEqual([]);
      expect(failures).toBe(0);
    } finally {
      await log.close();
    }
  });

  it('reads and writes Avro events through the schema registry, and parks a record not in the registry wire format', async () => {
    const { schemaRegistryUrl } = componentEndpoints();
    const spec = withPrefix(TOPICS.sourcesCatalog, `t-${uniqueSuffix()}.`);
    await fx.namedTopic(spec.name, 2, { compacted: true });
    subjects.push(valueSubject(spec.name));
    const registry = createSchemaRegistryClient({ url: schemaRegistryUrl });
    const eventCodec = createEventCodec({
      registry,
      registered: await registerEventSchemas(registry, [spec]),
    });
    const log = createKafkaEventLog({
      brokers: fx.brokers,
      consumer: TEST_CONSUMER_TUNING,
      codec: createAvroValueCodec({ eventCodec, specs: [spec], fallback: defaultCodec }),
    });
    const name = `ids-${uniqueSuffix()}`;
    const output = await fx.topic('ids-out', 2);
    await fx.namedTopic(dlqTopic(name), 2);
    const ids: Processor = {
      name,
      inputTopics: [spec.name],
      outputTopics: [output],
      stores: [],
      process: (record) => {
        const entry = record.value as SourceCatalogEntry;
        return ok([{ topic: output, key: entry.id, value: { id: entry.id, urls: entry.urls } }]);
      },
    };
    try {
      await log.append([
        { topic: spec.name, key: 'alpha', value: catalogEntry('alpha') },
        { topic: spec.name, key: 'beta', value: Buffer.from('{"id":"beta"}'), encoding: 'raw' },
        { topic: spec.name, key: 'gamma', value: catalogEntry('gamma') },
      ]);
      const stored = await readAll(log, spec.name);
      expect(stored.find((r) => r.key === 'alpha')?.value).toMatchObject({ id: 'alpha', tier: 'bulk' });

      await runToEnd(log, ids, fx.group(name));

      const outputs = await readAll(log, output);
      expect(outputs.map((r) => r.key).sort()).toEqual(['alpha', 'gamma']);
      const parked = await readAll(log, dlqTopic(name));
      expect(parked.map((r) => [r.key, r.headers[DLQ_HEADERS.errorCode]])).toEqual([
        ['beta', DLQ_CODES.undecodable],
      ]);
      expect(parked[0]?.headers[DLQ_HEADERS.errorMessage]).toMatch(/^EVENT_UNDECODABLE: /);
    } finally {
      await log.close();
    }
  });
});
