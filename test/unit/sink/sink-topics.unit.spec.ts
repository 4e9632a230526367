import { describe, expect, it } from 'vitest';
import { dlqTopic } from '../../../services/core/processing/processor.ts';
import { TOPICS } from '../../../services/shared/events/topic-catalog.ts';
import { SINK_NAME } from '../../../services/sink/run-sink.ts';
import { sinkDlqSpec, sinkGroup, sinkRoutes, sinkTopicSpecs } from '../../../services/sink/sink-routes.ts';

describe("the sink's topics", () => {
  it('declares its DLQ in the catalogue under the name the processor contract gives it', () => {
    expect(TOPICS.dlqSink.name).toBe(dlqTopic(SINK_NAME));
    expect(sinkDlqSpec(SINK_NAME)).toEqual(TOPICS.dlqSink);
  });

  it("names a deployment's DLQ after its group and keeps the catalogue's settings", () => {
    const options = { prefix: 'run-7.', version: 'v2' };
    const group = sinkGroup(SINK_NAME, options);
    const spec = sinkDlqSpec(group);
    expect(spec.name).toBe(dlqTopic(group));
    expect(spec.name).toBe('dlq.run-7.clickhouse-sink-v2.v1');
    expect({ ...spec, name: TOPICS.dlqSink.name }).toEqual(TOPICS.dlqSink);
  });

  it('creates every topic it reads with its catalogue settings, and its DLQ, once each', () => {
    const routes = sinkRoutes({ prefix: 'p.' });
    const specs = sinkTopicSpecs(routes, 'p.clickhouse-sink');
    expect(specs.map((s) => s.name)).toEqual([...routes.map((r) => r.topic), 'dlq.p.clickhouse-sink.v1']);
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
    for (const route of routes) {
      const catalogued = Object.values(TOPICS).find((t) => t.schema === route.spec.schema);
      expect(specs.find((s) => s.name === route.topic)).toEqual({ ...catalogued, name: route.topic });
    }
  });
});
