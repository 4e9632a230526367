import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from 'prom-client';

/**
 * One registry per process, made by the entry point and passed down: no global default
 * registry, so tests get a fresh one and the embedded mode's processors share one.
 */
export function createMetricsRegistry({
  service,
  collectProcessMetrics = true,
}: {
  readonly service: string;
  readonly collectProcessMetrics?: boolean;
}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (collectProcessMetrics) collectDefaultMetrics({ register: registry, prefix: 'submerge_' });
  return registry;
}

// Several processors in one process share a registry: the first one registers a metric, the
// others reuse it under their own label values.

export function counterIn<L extends string>(registry: Registry, config: CounterConfiguration<L>): Counter<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing instanceof Counter) return existing;
  return new Counter({ ...config, registers: [registry] });
}

export function gaugeIn<L extends string>(registry: Registry, config: GaugeConfiguration<L>): Gauge<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing instanceof Gauge) return existing;
  return new Gauge({ ...config, registers: [registry] });
}

export function histogramIn<L extends string>(
  registry: Registry,
  config: HistogramConfiguration<L>,
): Histogram<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing instanceof Histogram) return existing;
  return new Histogram({ ...config, registers: [registry] });
}
