import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changelogTopic, dlqTopic } from '../../../services/core/processing/processor.ts';
import { startHealthServer } from '../../../services/shared/health/health-server.ts';
import type { HealthServer } from '../../../services/shared/health/health-server.ts';
import { runKafkaProcessor } from '../../../services/shared/kafka/run-loop.ts';
import { defaultCodec } from '../../../services/shared/kafka/value-codec.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { createMetricsRegistry } from '../../../services/shared/metrics/metrics-registry.ts';
import { PROCESSOR_METRIC_NAMES } from '../../../services/shared/metrics/processor-metrics.ts';
import type { ProcessorRun } from '../../../services/shared/runtime/run-processor.ts';
import { uniqueSuffix, waitForCommittedToEnd } from '../../contract/event-log-fixture.ts';
import { COUNTS_STORE, runningCountProcessor } from '../../contract/running-count.ts';
import { kafkaFixture, TEST_CONSUMER_TUNING } from './kafka-fixture.ts';
import type { KafkaFixture } from './kafka-fixture.ts';

describe('health and metrics of a Kafka processor service', () => {
  let fx: KafkaFixture;
  let server: HealthServer | null = null;
  let run: ProcessorRun | null = null;

  beforeEach(async () => {
    fx = await kafkaFixture();
  });

  afterEach(async () => {
    await run?.stop();
    await server?.close();
    await fx.cleanup();
  });

  it('answers /live, /ready and /metrics on loopback, with the run loop’s records, lag and batch latency', async () => {
    const name = `count-${uniqueSuffix()}`;
    const input = await fx.topic('health-in', 2);
    const output = await fx.topic('health-out', 2);
    await fx.namedTopic(changelogTopic(name, COUNTS_STORE), 2, { compacted: true });
    await fx.namedTopic(dlqTopic(name), 2);
    const registry = createMetricsRegistry({ service: 'count' });
    server = await startHealthServer({
      registry,
      checks: { ready: () => run?.state() === 'running' },
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${server.url}/live`)).status).toBe(200);
    expect((await fetch(`${server.url}/ready`)).status).toBe(503);

    await fx.log.append(
      Array.from({ length: 20 }, (_, i) => ({ topic: input, key: `k${i % 4}`, value: { n: i } })),
    );
    const group = fx.group(name);
    run = await runKafkaProcessor(runningCountProcessor({ name, input, output }), {
      brokers: fx.brokers,
      codec: defaultCodec,
      instanceId: '0',
      group,
      logger: createLogger({ service: 'count', level: 'silent' }),
      registry,
      consumer: TEST_CONSUMER_TUNING,
    });
    await waitForCommittedToEnd(fx.log, group, input);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);

    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toContain(
      `${PROCESSOR_METRIC_NAMES.recordsIn}{processor="${name}",topic="${input}",service="count"} 20`,
    );
    expect(text).toContain(
      `${PROCESSOR_METRIC_NAMES.recordsOut}{processor="${name}",topic="${output}",service="count"} 20`,
    );
    expect(text).toMatch(
      new RegExp(
        `${PROCESSOR_METRIC_NAMES.lag}\\{processor="${name}",topic="${input}",partition="\\d",service="count"\\} 0`,
      ),
    );
    expect(text).toMatch(
      new RegExp(`${PROCESSOR_METRIC_NAMES.batchSeconds}_count\\{[^}]*processor="${name}"[^}]*\\} [1-9]`),
    );

    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/live`, { method: 'POST' })).status).toBe(405);

    await run.stop();
    expect(run.state()).toBe('stopped');
    expect((await fetch(`${server.url}/ready`)).status).toBe(503);
  });
});
