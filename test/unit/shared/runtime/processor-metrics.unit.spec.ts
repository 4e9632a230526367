import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  createProcessorMetrics,
  PROCESSOR_METRIC_NAMES,
} from '../../../../services/shared/metrics/processor-metrics.ts';
import { createMetricsRegistry } from '../../../../services/shared/metrics/metrics-registry.ts';

describe('processor metrics', () => {
  it('lets several processors share one registry, each under its own label', async () => {
    const registry = new Registry();
    const parser = createProcessorMetrics(registry, 'parser');
    const merger = createProcessorMetrics(registry, 'merger');
    parser.recordsIn('sources.fetched.v1', 3);
    merger.recordsIn('configs.observed.v1', 5);
    const text = await registry.metrics();
    expect(text).toContain(
      `${PROCESSOR_METRIC_NAMES.recordsIn}{processor="parser",topic="sources.fetched.v1"} 3`,
    );
    expect(text).toContain(
      `${PROCESSOR_METRIC_NAMES.recordsIn}{processor="merger",topic="configs.observed.v1"} 5`,
    );
  });

  it('forgets the lag of partitions no longer owned', async () => {
    const registry = new Registry();
    const metrics = createProcessorMetrics(registry, 'merger');
    metrics.lag('t', 0, 7);
    metrics.lag('t', 1, 2);
    metrics.clearLag();
    metrics.lag('t', 1, 1);
    const values = (await registry.getSingleMetric(PROCESSOR_METRIC_NAMES.lag)?.get())?.values ?? [];
    expect(values.map((v) => [v.labels['partition'], v.value])).toEqual([['1', 1]]);
  });

  it('labels every series of a service registry with the service, process metrics included', async () => {
    const registry = createMetricsRegistry({ service: 'parser' });
    createProcessorMetrics(registry, 'parser').dlq('BAD', 1);
    const text = await registry.metrics();
    expect(text).toContain(`${PROCESSOR_METRIC_NAMES.dlq}{processor="parser",code="BAD",service="parser"} 1`);
    expect(text).toMatch(/submerge_process_cpu_seconds_total\{service="parser"\}/);
  });
});
