import type { Registry } from 'prom-client';
import type { ConfigProbed } from '../generated/events.ts';
import { counterIn, gaugeIn, histogramIn } from '../shared/metrics/metrics-registry.ts';
import type { RoundReport } from './probe-round.ts';

export const PROBER_METRIC_NAMES = {
  probes: 'submerge_prober_probes_total',
  latency: 'submerge_prober_latency_seconds',
  owned: 'submerge_prober_configs',
  rounds: 'submerge_prober_runs_total',
  roundDuration: 'submerge_prober_run_duration_seconds',
  deferred: 'submerge_prober_deferred_total',
  bytes: 'submerge_prober_traffic_bytes_total',
  coreProcesses: 'submerge_prober_core_processes_total',
  corePeakRss: 'submerge_prober_core_peak_rss_bytes',
  coreCpu: 'submerge_prober_core_cpu_seconds_total',
} as const;

export interface ProberMetrics {
  probe(event: ConfigProbed): void;
  round(report: RoundReport): void;
  owned(count: number): void;
}

/** Probe outcomes by stage and code (bounded sets), run figures and the cost of the cores. */
export function createProberMetrics(registry: Registry): ProberMetrics {
  const probes = counterIn(registry, {
    name: PROBER_METRIC_NAMES.probes,
    help: 'Probes by the stage they ended at, outcome and error code.',
    labelNames: ['stage', 'outcome', 'code'],
  });
  const latency = histogramIn(registry, {
    name: PROBER_METRIC_NAMES.latency,
    help: 'Latency of successful probes through the proxy core.',
    buckets: [0.05, 0.1, 0.2, 0.4, 0.8, 1.5, 3, 6, 12],
  });
  const owned = gaugeIn(registry, { name: PROBER_METRIC_NAMES.owned, help: 'Configs this instance owns.' });
  const rounds = counterIn(registry, {
    name: PROBER_METRIC_NAMES.rounds,
    help: 'Probe runs, by the budget limit that ended them early (none when all due configs ran).',
    labelNames: ['exhausted'],
  });
  const roundDuration = histogramIn(registry, {
    name: PROBER_METRIC_NAMES.roundDuration,
    help: 'Duration of probe runs.',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600],
  });
  const deferred = counterIn(registry, {
    name: PROBER_METRIC_NAMES.deferred,
    help: 'Due configs a run left for the next one.',
  });
  const bytes = counterIn(registry, {
    name: PROBER_METRIC_NAMES.bytes,
    help: 'Traffic of probes (cheap stage and proxied requests).',
  });
  const coreProcesses = counterIn(registry, {
    name: PROBER_METRIC_NAMES.coreProcesses,
    help: 'sing-box processes started (restarts included).',
  });
  const corePeakRss = gaugeIn(registry, {
    name: PROBER_METRIC_NAMES.corePeakRss,
    help: 'Peak RSS of a sing-box process in the latest run.',
  });
  const coreCpu = counterIn(registry, {
    name: PROBER_METRIC_NAMES.coreCpu,
    help: 'CPU time of sing-box processes.',
  });
  return {
    probe(event) {
      probes.inc({ stage: event.stage, outcome: event.outcome, code: event.errorCode ?? '' });
      if (event.outcome === 'ok' && event.latencyMs !== null) latency.observe(event.latencyMs / 1000);
    },
    round(report) {
      rounds.inc({ exhausted: report.exhausted ?? 'none' });
      roundDuration.observe(report.durationMs / 1000);
      deferred.inc(report.deferred);
      bytes.inc(report.bytes);
      coreProcesses.inc(report.coreProcesses);
      corePeakRss.set(report.corePeakRssBytes);
      coreCpu.inc(report.coreCpuSeconds);
    },
    owned: (count) => owned.set(count),
  };
}
