import type { Registry } from 'prom-client';
import type { SourceFetched } from '../generated/events.ts';
import { counterIn, gaugeIn, histogramIn } from '../shared/metrics/metrics-registry.ts';

export const FETCH_METRIC_NAMES = {
  attempts: 'submerge_fetch_attempts_total',
  duration: 'submerge_fetch_duration_seconds',
  bodyBytes: 'submerge_fetch_body_bytes_total',
  sources: 'submerge_fetcher_sources',
  inFlight: 'submerge_fetcher_fetches_in_flight',
  roundErrors: 'submerge_fetcher_round_errors_total',
} as const;

export interface FetchMetrics {
  attempt(event: SourceFetched): void;
  roundError(): void;
  owned(sources: number, inFlight: number): void;
}

/** Fetch outcomes per source (a catalog of hundreds of sources keeps the series bounded), timings and bytes. */
export function createFetchMetrics(registry: Registry): FetchMetrics {
  const attempts = counterIn(registry, {
    name: FETCH_METRIC_NAMES.attempts,
    help: 'Fetch attempts, per source and outcome.',
    labelNames: ['source', 'outcome'],
  });
  const duration = histogramIn(registry, {
    name: FETCH_METRIC_NAMES.duration,
    help: 'Duration of fetch attempts, per outcome.',
    labelNames: ['outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  });
  const bodyBytes = counterIn(registry, {
    name: FETCH_METRIC_NAMES.bodyBytes,
    help: 'Body bytes read, on the wire and after content-decoding.',
    labelNames: ['stage'],
  });
  const sources = gaugeIn(registry, {
    name: FETCH_METRIC_NAMES.sources,
    help: 'Sources this instance owns.',
  });
  const inFlight = gaugeIn(registry, {
    name: FETCH_METRIC_NAMES.inFlight,
    help: 'Scheduled fetches running now.',
  });
  const roundErrors = counterIn(registry, {
    name: FETCH_METRIC_NAMES.roundErrors,
    help: 'Scheduled fetches that ended in an exception (publishing failed, a bug), not an outcome.',
  });
  return {
    attempt(event) {
      attempts.inc({ source: event.sourceId, outcome: event.outcome });
      duration.observe({ outcome: event.outcome }, event.timings.totalMs / 1000);
      bodyBytes.inc({ stage: 'wire' }, event.sizes.wireBytes);
      bodyBytes.inc({ stage: 'decoded' }, event.sizes.decodedBytes);
    },
    roundError: () => roundErrors.inc(),
    owned(count, running) {
      sources.set(count);
      inFlight.set(running);
    },
  };
}
