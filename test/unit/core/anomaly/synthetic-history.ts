import type { SourceAnomaly, SourceHealth, SourceSnapshot } from '../../../../services/generated/events.ts';
import { createDetector } from '../../../../services/core/anomaly/detector.ts';
import type { DetectorOptions } from '../../../../services/core/anomaly/detector.ts';
import type {
  Overlap,
  SourceTableView,
  SourceTally,
} from '../../../../services/core/health/config-membership.ts';
import { intelTopics } from '../../../../services/core/scoring/intel-topics.ts';
import { nameBasedUuid } from '../../../../services/shared/events/event-metadata.ts';
import { createDriver } from '../processors/process-driver.ts';

export const T0 = Date.UTC(2026, 0, 1);
export const HOUR = 3_600_000;
export const SOURCE = 'src-a';
export const topics = intelTopics();

/** One fetch of a synthetic history; everything defaults to a steady uri-list of 500 configs. */
export interface FetchSpec {
  readonly outcome?: string;
  readonly container?: string | null;
  readonly configs?: number;
  readonly bytes?: number;
  readonly diagnostics?: number;
  /** Body digest; default a new one per fetch (content changes every time). */
  readonly sha?: string | null;
  readonly fetchMs?: number | null;
  /** The source's configs in the scored table at the time; undefined = no table facts. */
  readonly table?: TableSpec;
}

export interface TableSpec {
  readonly carried: number;
  readonly probed?: number;
  readonly working?: number;
  readonly exclusive?: number;
  readonly exclusiveWorking?: number;
  readonly topNetwork?: string;
  readonly topShare?: number;
  readonly closest?: Overlap;
}

export const steady = (n: number, spec: FetchSpec = {}): FetchSpec[] => Array.from({ length: n }, () => spec);

const FAILED = new Set(['timeout', 'http-error', 'connect-error', 'dns-error', 'tls-error', 'rate-limited']);

export function snapshotOf(spec: FetchSpec, i: number, sourceId = SOURCE): SourceSnapshot {
  const at = T0 + i * HOUR;
  const failed = FAILED.has(spec.outcome ?? 'ok');
  const configs = failed ? 0 : (spec.configs ?? 500);
  const container = failed ? null : spec.container === undefined ? 'uri-list' : spec.container;
  const eventId = nameBasedUuid(`snapshot:${sourceId}:${i}`);
  return {
    metadata: { eventId, eventTime: at, producer: 'parser', correlationId: eventId, causationId: null },
    sourceId,
    fetchEventId: nameBasedUuid(`fetch:${sourceId}:${i}`),
    fetchedAt: at,
    outcome: spec.outcome ?? 'ok',
    httpStatus: failed ? null : 200,
    container,
    bytes: failed ? 0 : (spec.bytes ?? configs * 120),
    bodySha256: failed
      ? null
      : spec.sha === undefined
        ? `${i.toString(16).padStart(4, '0')}${'0'.repeat(60)}`
        : spec.sha,
    unchanged: false,
    configs,
    uniqueConfigs: configs,
    duplicates: 0,
    added: 0,
    removed: 0,
    protocols: {},
    diagnostics: spec.diagnostics === undefined ? {} : { INVALID_LINK: spec.diagnostics },
    retained: failed,
  };
}

/** A table whose answers the test sets before each fetch. */
export function stubTable(): SourceTableView & { set(spec: TableSpec | undefined): void } {
  let current: TableSpec | undefined;
  return {
    set(spec) {
      current = spec;
    },
    tally(): SourceTally | undefined {
      if (current === undefined) return undefined;
      return {
        carried: current.carried,
        probed: current.probed ?? 0,
        working: current.working ?? 0,
        exclusive: current.exclusive ?? 0,
        exclusiveWorking: current.exclusiveWorking ?? 0,
      };
    },
    topNetwork() {
      if (current?.topShare === undefined) return undefined;
      return {
        network: current.topNetwork ?? '203.0.113.0/24',
        count: Math.round(current.topShare * current.carried),
      };
    },
    closestSource: () => current?.closest,
  };
}

export interface HistoryRun {
  readonly anomalies: SourceAnomaly[];
  readonly health: SourceHealth[];
  /** Anomaly events as `state kind severity`, for compact assertions. */
  readonly transitions: string[];
}

/** Runs a history through the detector processor, fetch events (latency) before their snapshots. */
export function runHistory(specs: readonly FetchSpec[], options: Partial<DetectorOptions> = {}): HistoryRun {
  const table = stubTable();
  const detector = createDetector({ topics, table, liveWindowMs: Number.POSITIVE_INFINITY, ...options });
  const driver = createDriver(detector, T0 + specs.length * HOUR);
  specs.forEach((spec, i) => {
    const snapshot = snapshotOf(spec, i);
    if (spec.fetchMs !== undefined && spec.fetchMs !== null) {
      driver.push(
        SOURCE,
        {
          metadata: { eventId: snapshot.fetchEventId, eventTime: snapshot.fetchedAt },
          sourceId: SOURCE,
          outcome: snapshot.outcome,
          timings: { startedAt: snapshot.fetchedAt, totalMs: spec.fetchMs },
        },
        topics.fetched,
      );
    }
    table.set(spec.table);
    const outcome = driver.push(SOURCE, snapshot, topics.snapshots);
    if (outcome.kind !== 'ok') throw new Error(`fetch ${i}: ${JSON.stringify(outcome)}`);
  });
  const anomalies = driver.outputs
    .filter((o) => o.topic === topics.anomalies)
    .map((o) => o.value as SourceAnomaly);
  const health = driver.outputs.filter((o) => o.topic === topics.health).map((o) => o.value as SourceHealth);
  return { anomalies, health, transitions: anomalies.map((a) => `${a.state} ${a.kind} ${a.severity}`) };
}
