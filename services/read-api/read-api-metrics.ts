import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { counterIn, gaugeIn, histogramIn } from '../shared/metrics/metrics-registry.ts';

export interface ReadApiMetrics {
  readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  readonly cacheLookups: Counter<'cache' | 'result'>;
  readonly cacheBytes: Gauge<'cache'>;
  readonly stateLag: Gauge<'topic'>;
  readonly stateSize: Gauge<'kind'>;
  readonly stateGeneration: Gauge;
  readonly stateReady: Gauge;
  readonly recordsApplied: Counter<'topic' | 'outcome'>;
  readonly renderSeconds: Histogram<'format'>;
  readonly auditEvents: Counter<'action' | 'outcome'>;
}

/** The read API's Prometheus metrics, registered in the process registry the entry point made. */
export function createReadApiMetrics(registry: Registry): ReadApiMetrics {
  return {
    requestSeconds: histogramIn(registry, {
      name: 'submerge_http_request_duration_seconds',
      help: 'HTTP request latency by route (the route pattern, not the raw URL) and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    cacheLookups: counterIn(registry, {
      name: 'submerge_read_api_cache_lookups_total',
      help: 'Render and selection cache lookups by result (hit, miss)',
      labelNames: ['cache', 'result'],
    }),
    cacheBytes: gaugeIn(registry, {
      name: 'submerge_read_api_cache_bytes',
      help: 'Bytes held by each cache',
      labelNames: ['cache'],
    }),
    stateLag: gaugeIn(registry, {
      name: 'submerge_read_api_state_lag_records',
      help: 'Records the materialized state is behind each topic (high watermark minus position)',
      labelNames: ['topic'],
    }),
    stateSize: gaugeIn(registry, {
      name: 'submerge_read_api_state_entries',
      help: 'Entries of the materialized state by kind (configs, sources, presets, keys)',
      labelNames: ['kind'],
    }),
    stateGeneration: gaugeIn(registry, {
      name: 'submerge_read_api_state_generation',
      help: 'Render generation of the materialized state (bumps on every change that can alter a subscription)',
    }),
    stateReady: gaugeIn(registry, {
      name: 'submerge_read_api_ready',
      help: '1 once the materialized state caught up with the high watermarks seen at start',
    }),
    recordsApplied: counterIn(registry, {
      name: 'submerge_read_api_records_applied_total',
      help: 'Records folded into the materialized state by topic and outcome (changed, unchanged, rejected, undecodable)',
      labelNames: ['topic', 'outcome'],
    }),
    renderSeconds: histogramIn(registry, {
      name: 'submerge_read_api_render_duration_seconds',
      help: 'Time to select and emit one subscription on a cache miss',
      labelNames: ['format'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    auditEvents: counterIn(registry, {
      name: 'submerge_read_api_admin_actions_total',
      help: 'Admin actions by action and outcome',
      labelNames: ['action', 'outcome'],
    }),
  };
}
