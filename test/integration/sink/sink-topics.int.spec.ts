import kafkajs from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../../services/shared/events/topic-catalog.ts';
import { sinkDlqSpec, sinkRoutes, sinkTopicSpecs } from '../../../services/sink/sink-routes.ts';
import { ensureSinkTopics } from '../../../services/sink/sink-topics.ts';
import { uniqueName } from '../../helpers/kafka.ts';
import { createSinkFixture, waitFor } from './sink-fixture.ts';
import type { SinkFixture } from './sink-fixture.ts';
import { startSink } from './sink-harness.ts';

const { ConfigResourceTypes } = kafkajs;
const DAY = 86_400_000;

describe("the sink's topics on the real broker", () => {
  let fx: SinkFixture;

  beforeAll(async () => {
    fx = await createSinkFixture('sinktopics');
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  it('creates its DLQ with the catalogue settings before consuming, and parks poison records in it', async () => {
    const group = `${fx.prefix}${uniqueName('sink')}`;
    const dlq = sinkDlqSpec(group);
    expect(dlq.name).toBe(`dlq.${group}.v1`);
    await ensureSinkTopics({
      brokers: fx.brokers,
      specs: sinkTopicSpecs(sinkRoutes({ prefix: fx.prefix }), group),
      clientId: 'submerge-test-sink',
      logger: pino({ level: 'silent' }),
    });

    const [meta] = (await fx.kit.admin.fetchTopicMetadata({ topics: [dlq.name] })).topics;
    expect(meta?.partitions).toHaveLength(TOPICS.dlqSink.partitions);
    const described = await fx.kit.admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: dlq.name }],
      includeSynonyms: false,
    });
    const config = Object.fromEntries(
      (described.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
    );
    expect(config).toMatchObject({
      'cleanup.policy': 'delete',
      'retention.ms': String(14 * DAY),
      'max.message.bytes': TOPICS.dlqSink.config['max.message.bytes'],
    });

    // The sink itself finds its DLQ in place and writes to it.
    const sink = await startSink(fx, { group });
    try {
      await fx.produceRaw('sources.fetched.v1', [{ key: 'src-x', value: Buffer.from('not avro') }]);
      await waitFor('the poison record in the DLQ', async () => {
        const offsets = await fx.kit.admin.fetchTopicOffsets(dlq.name);
        return offsets.reduce((sum, p) => sum + Number(p.high), 0) >= 1;
      });
    } finally {
      await sink.stop();
    }
    const after = (await fx.kit.admin.fetchTopicMetadata({ topics: [dlq.name] })).topics[0];
    expect(after?.partitions).toHaveLength(TOPICS.dlqSink.partitions);
  });
});
