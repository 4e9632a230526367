import type { ClickHouseClient } from '@clickhouse/client';
import {
  anomalyRow,
  createTimeFormatter,
  currentChangeRow,
  fetchEventRow,
  healthRow,
  observationRow,
  probeRow,
  snapshotRow,
} from '../../../services/sink/event-rows.ts';
import type { RecordPosition, Row, RowResult } from '../../../services/sink/event-rows.ts';
import { anomaly, current, fetched, fp, health, observed, probed, snapshot } from '../sink/event-builders.ts';

/**
 * A small history whose every analytics answer is worked out by hand below (EXPECTED). Times
 * are relative to D0, midnight UTC three days ago (recent enough for every table's TTL).
 *
 * Sources: src-a (reliable, 4 configs of which 2 only it carries), src-b (a mirror of part of
 * src-a: F1, F2), src-c (only failures).
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const D0 = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
export const RANGE = { from: D0, to: D0 + 2 * DAY };
export const F1 = fp('F1');
export const F2 = fp('F2');
export const F3 = fp('F3');
export const F4 = fp('F4');
const protocolOf: Record<string, string> = { [F1]: 'vless', [F2]: 'vless', [F3]: 'trojan', [F4]: 'ss' };

const at = (hours: number, minutes = 0): number => D0 + hours * HOUR + minutes * 60_000;

export const FETCHES = [
  // src-a: hour 0 two ok (100, 200 ms); hour 1 one ok (300) and a timeout; day 2 one ok (400).
  fetched('a-f1', 'src-a', at(0, 0), { totalMs: 100 }),
  fetched('a-f2', 'src-a', at(0, 30), { totalMs: 200 }),
  fetched('a-f3', 'src-a', at(1, 0), { totalMs: 300 }),
  fetched('a-f4', 'src-a', at(1, 30), { outcome: 'timeout', totalMs: 5000 }),
  fetched('a-f5', 'src-a', at(24, 0), { totalMs: 400 }),
  // src-b: hour 0 one ok (50) and a 304 (20, counts as a success); day 2 an http-error.
  fetched('b-f1', 'src-b', at(0, 0), { totalMs: 50 }),
  fetched('b-f2', 'src-b', at(0, 40), { outcome: 'not-modified', totalMs: 20, httpStatus: 304 }),
  fetched('b-f3', 'src-b', at(25, 0), { outcome: 'http-error', totalMs: 70, httpStatus: 500 }),
  // src-c: two timeouts in hour 2.
  fetched('c-f1', 'src-c', at(2, 0), { outcome: 'timeout', totalMs: 9000 }),
  fetched('c-f2', 'src-c', at(2, 30), { outcome: 'timeout', totalMs: 9000 }),
];

export const SNAPSHOTS = [
  snapshot('a-s1', 'src-a', at(0, 0), { uniqueConfigs: 3, added: 3, diagnostics: { INVALID_PORT: 2 } }),
  snapshot('a-s2', 'src-a', at(0, 30), {
    uniqueConfigs: 4,
    added: 1,
    diagnostics: { INVALID_PORT: 1, UNKNOWN_SCHEME: 3 },
  }),
  snapshot('a-s3', 'src-a', at(24, 0), { uniqueConfigs: 2, removed: 2 }),
  snapshot('b-s1', 'src-b', at(0, 0), { uniqueConfigs: 2, added: 2 }),
];

const obs = (name: string, f: string, source: string, time: number, presence = 'present') =>
  observed(name, f, source, time, { presence, protocol: protocolOf[f] ?? 'vless' });

export const OBSERVATIONS = [
  obs('a-o1', F1, 'src-a', at(0, 0)),
  obs('a-o2', F2, 'src-a', at(0, 0)),
  obs('a-o3', F3, 'src-a', at(0, 0)),
  obs('a-o4', F1, 'src-a', at(0, 30)),
  obs('a-o5', F2, 'src-a', at(0, 30)),
  obs('a-o6', F3, 'src-a', at(0, 30)),
  obs('a-o7', F4, 'src-a', at(0, 30)),
  obs('a-o8', F1, 'src-a', at(24, 0)),
  obs('a-o9', F2, 'src-a', at(24, 0)),
  obs('a-o10', F3, 'src-a', at(24, 0), 'absent'),
  obs('a-o11', F4, 'src-a', at(24, 0), 'absent'),
  obs('b-o1', F1, 'src-b', at(0, 0)),
  obs('b-o2', F2, 'src-b', at(0, 0)),
];

// F1 from two vantages: eu-1 (40 ms, a timeout, 80 ms a day later) and us-1 (60 ms, then its
// own core failing: no evidence about F1).
export const PROBES = [
  probed('p1', F1, at(1, 0), { latencyMs: 40, vantage: 'eu-1', connectMs: 10 }),
  probed('p2', F1, at(1, 10), { latencyMs: 60, vantage: 'us-1', connectMs: 30 }),
  probed('p3', F1, at(1, 20), { outcome: 'timeout', vantage: 'eu-1' }),
  probed('p4', F1, at(24, 10), { latencyMs: 80, vantage: 'eu-1', connectMs: 20 }),
  probed('p5', F1, at(1, 30), { outcome: 'core-error', vantage: 'us-1' }),
];

// src-a's health: degraded after the timeout, demoted as a mirror of src-b a quarter later,
// healthy again the next day; a count collapse opened at the timeout and resolved then.
export const HEALTH = [
  health('a-h1', 'src-a', at(0, 0), { reliability: 0.9 }),
  health('a-h2', 'src-a', at(1, 30), { status: 'degraded', reliability: 0.7 }),
  health('a-h3', 'src-a', at(1, 45), {
    status: 'degraded',
    reliability: 0.6,
    demoted: true,
    mirrorOf: 'src-b',
  }),
  health('a-h4', 'src-a', at(24, 0), { reliability: 0.8 }),
  health('b-h1', 'src-b', at(0, 0), { reliability: 0.5 }),
  health('c-h1', 'src-c', at(2, 30), { status: 'failing', reliability: 0.2, consecutiveFailures: 2 }),
];

export const ANOMALIES = [
  anomaly('a-an1', 'src-a', at(1, 30), { observed: 2, expected: 4, evidence: { median: '4' } }),
  anomaly('a-an2', 'src-a', at(24, 0), {
    state: 'resolved',
    observed: 4,
    expected: 4,
    message: 'resolved: test anomaly',
    openedAt: at(1, 30),
  }),
];

export const CURRENT = [
  { key: F1, value: current('cur-f1-1', F1, ['src-a', 'src-b'], at(0, 0)) },
  { key: F1, value: current('cur-f1-2', F1, ['src-a'], at(24, 0)) },
  { key: F3, value: current('cur-f3-1', F3, ['src-a'], at(0, 0)) },
  // Tombstone: F3 left the merged set.
  { key: F3, value: null, timestamp: at(24, 0) },
];

/** Inserts the history through the sink's own row mapping (the rows the sink would write). */
export async function insertHistory(ch: ClickHouseClient): Promise<void> {
  const time = createTimeFormatter();
  let offset = 0;
  const position = (key: string | null, timestamp = 0): RecordPosition => ({
    topic: 'fixture',
    partition: 0,
    offset: String((offset += 1)),
    timestamp,
    key,
  });
  const rows = (results: readonly RowResult[]): Row[] =>
    results.map((r) => {
      if (r.kind !== 'row') throw new Error(`fixture event not mapped: ${JSON.stringify(r)}`);
      return r.row;
    });
  await ch.insert({
    table: 'fetch_events',
    format: 'JSONEachRow',
    values: rows(FETCHES.map((v) => fetchEventRow(v, position(v.sourceId), time))),
  });
  await ch.insert({
    table: 'source_snapshots',
    format: 'JSONEachRow',
    values: rows(SNAPSHOTS.map((v) => snapshotRow(v, position(v.sourceId), time))),
  });
  await ch.insert({
    table: 'config_observations',
    format: 'JSONEachRow',
    values: rows(OBSERVATIONS.map((v) => observationRow(v, position(v.fingerprint), time))),
  });
  await ch.insert({
    table: 'config_probes',
    format: 'JSONEachRow',
    values: rows(PROBES.map((v) => probeRow(v, position(v.fingerprint), time))),
  });
  await ch.insert({
    table: 'source_health',
    format: 'JSONEachRow',
    values: rows(HEALTH.map((v) => healthRow(v, position(v.sourceId), time))),
  });
  await ch.insert({
    table: 'source_anomalies',
    format: 'JSONEachRow',
    values: rows(ANOMALIES.map((v) => anomalyRow(v, position(v.sourceId), time))),
  });
  offset = 100;
  await ch.insert({
    table: 'config_current_changes',
    format: 'JSONEachRow',
    values: rows(CURRENT.map((c) => currentChangeRow(c.value, position(c.key, c.timestamp ?? 0), time))),
  });
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Every number below is worked out by hand from the events above. */
export const EXPECTED = {
  sourceA: {
    totals: {
      fetches: 5,
      failures: 1,
      notModified: 0,
      successRate: 0.8,
      // ok latencies 100, 200, 300, 400: linear interpolation: p50 = 250,
      // p95 at rank 0.95 * 3 = 2.85 -> 300 + 0.85 * 100, p99 at 2.97 -> 300 + 0.97 * 100.
      latencyMs: { p50: 250, p95: 385, p99: 397 },
      snapshots: 3,
      configs: { last: 2, min: 2, max: 4 },
      added: 4,
      removed: 2,
    },
    dailySeries: [
      {
        t: iso(D0),
        fetches: 4,
        failures: 1,
        notModified: 0,
        successRate: 0.75,
        // 100, 200, 300: p50 200, p95 at 1.9 -> 200 + 0.9 * 100, p99 at 1.98 -> 298.
        latencyMs: { p50: 200, p95: 290, p99: 298 },
        snapshots: 2,
        configs: { last: 4, min: 3, max: 4 },
        added: 4,
        removed: 0,
      },
      {
        t: iso(D0 + DAY),
        fetches: 1,
        failures: 0,
        notModified: 0,
        successRate: 1,
        latencyMs: { p50: 400, p95: 400, p99: 400 },
        snapshots: 1,
        configs: { last: 2, min: 2, max: 2 },
        added: 0,
        removed: 2,
      },
    ],
    hourlyTimes: [iso(D0), iso(D0 + HOUR), iso(D0 + DAY)],
    outcomes: [
      { outcome: 'ok', count: 4 },
      { outcome: 'timeout', count: 1 },
    ],
    diagnostics: [
      { code: 'INVALID_PORT', count: 3 },
      { code: 'UNKNOWN_SCHEME', count: 3 },
    ],
    // Per day, the state at the day's last change: day 1 ends with a-h3, day 2 has a-h4.
    dailyHealth: [
      {
        t: iso(D0),
        status: 'degraded',
        reliability: 0.6,
        demoted: true,
        mirrorOf: 'src-b',
        deleted: false,
        changes: 3,
      },
      {
        t: iso(D0 + DAY),
        status: 'healthy',
        reliability: 0.8,
        demoted: false,
        mirrorOf: null,
        deleted: false,
        changes: 1,
      },
    ],
    anomalies: [
      {
        detectedAt: iso(D0 + HOUR + 30 * 60_000),
        kind: 'count-collapse',
        state: 'opened',
        severity: 'warning',
        observed: 2,
        expected: 4,
        message: 'test anomaly',
        evidence: { median: '4' },
        relatedSourceId: null,
        openedAt: null,
      },
      {
        detectedAt: iso(D0 + DAY),
        kind: 'count-collapse',
        state: 'resolved',
        severity: 'warning',
        observed: 4,
        expected: 4,
        message: 'resolved: test anomaly',
        evidence: {},
        relatedSourceId: null,
        openedAt: iso(D0 + HOUR + 30 * 60_000),
      },
    ],
  },
  sourceB: {
    totals: {
      fetches: 3,
      failures: 1,
      notModified: 1,
      successRate: 2 / 3,
      latencyMs: { p50: 35, p95: 48.5, p99: 49.7 },
    },
  },
  configF1: {
    firstSeen: iso(D0),
    lastSeen: iso(D0 + DAY),
    protocol: 'vless',
    port: 443,
    current: { inMergedSet: true, sources: ['src-a'], since: iso(D0 + DAY) },
    // Probes 40, 60, timeout, 80 and a core-error: uptime 3 ok of 4 decisive; latencies 40, 60,
    // 80: p95 at index 1.9 -> 78, p99 at 1.98 -> 79.6.
    totals: {
      sources: 2,
      probes: 5,
      probesOk: 3,
      inconclusive: 1,
      uptime: 0.75,
      latencyMs: { p50: 60, p95: 78, p99: 79.6 },
    },
    hourlySeries: [
      { t: iso(D0), sources: 2, probes: 0, probesOk: 0, inconclusive: 0, uptime: null, latencyMs: null },
      {
        t: iso(D0 + HOUR),
        sources: 0,
        probes: 4,
        probesOk: 2,
        inconclusive: 1,
        uptime: 2 / 3,
        latencyMs: { p50: 50, p95: 59, p99: 59.8 },
      },
      {
        t: iso(D0 + DAY),
        sources: 1,
        probes: 1,
        probesOk: 1,
        inconclusive: 0,
        uptime: 1,
        latencyMs: { p50: 80, p95: 80, p99: 80 },
      },
    ],
    vantages: [
      {
        // p1 (40 ms, connect 10), p3 (timeout), p4 (80 ms, connect 20): 2 of 3; latencies 40, 80:
        // p50 60, p95 40 + 0.95 x 40 = 78, p99 79.6; connects 10, 20: 15, 19.5, 19.9.
        vantage: 'eu-1',
        lastOutcome: 'ok',
        lastProbedAt: iso(D0 + DAY + 10 * 60_000),
        totals: {
          probes: 3,
          probesOk: 2,
          inconclusive: 0,
          uptime: 2 / 3,
          latencyMs: { p50: 60, p95: 78, p99: 79.6 },
          connectMs: { p50: 15, p95: 19.5, p99: 19.9 },
        },
        series: [
          {
            t: iso(D0 + HOUR),
            probes: 2,
            probesOk: 1,
            inconclusive: 0,
            uptime: 0.5,
            latencyMs: { p50: 40, p95: 40, p99: 40 },
            connectMs: { p50: 10, p95: 10, p99: 10 },
          },
          {
            t: iso(D0 + DAY),
            probes: 1,
            probesOk: 1,
            inconclusive: 0,
            uptime: 1,
            latencyMs: { p50: 80, p95: 80, p99: 80 },
            connectMs: { p50: 20, p95: 20, p99: 20 },
          },
        ],
      },
      {
        // p2 (60 ms, connect 30) and p5 (core-error, no evidence): 1 of 1 decisive.
        vantage: 'us-1',
        lastOutcome: 'core-error',
        lastProbedAt: iso(D0 + HOUR + 30 * 60_000),
        totals: {
          probes: 2,
          probesOk: 1,
          inconclusive: 1,
          uptime: 1,
          latencyMs: { p50: 60, p95: 60, p99: 60 },
          connectMs: { p50: 30, p95: 30, p99: 30 },
        },
        series: [
          {
            t: iso(D0 + HOUR),
            probes: 2,
            probesOk: 1,
            inconclusive: 1,
            uptime: 1,
            latencyMs: { p50: 60, p95: 60, p99: 60 },
            connectMs: { p50: 30, p95: 30, p99: 30 },
          },
        ],
      },
    ],
    sources: [
      { sourceId: 'src-a', firstSeen: iso(D0), lastSeen: iso(D0 + DAY), fetches: 3 },
      { sourceId: 'src-b', firstSeen: iso(D0), lastSeen: iso(D0), fetches: 1 },
    ],
  },
  configF3: {
    current: { inMergedSet: false, sources: [], since: iso(D0 + DAY) },
    lastSeen: iso(D0 + 30 * 60_000),
  },
  overview: {
    totals: {
      sources: 3,
      fetches: 10,
      failures: 4,
      successRate: 0.6,
      snapshots: 4,
      configs: 4,
      carried: 6,
      duplicateRatio: 1 / 3,
    },
    protocolMix: [
      { t: iso(D0), configs: 4, protocols: { vless: 2, trojan: 1, ss: 1 } },
      { t: iso(D0 + DAY), configs: 2, protocols: { vless: 2 } },
    ],
    reliabilityTop: ['src-a', 'src-b', 'src-c'],
    reliabilityBottom: ['src-c', 'src-b', 'src-a'],
    uniqueTop: [
      { sourceId: 'src-a', configs: 4, uniqueConfigs: 2, duplicateRatio: 0.5 },
      { sourceId: 'src-b', configs: 2, uniqueConfigs: 0, duplicateRatio: 1 },
    ],
    // Each source's last health change in the range: src-a a-h4, src-b b-h1, src-c c-h1.
    reliabilityScoreTop: [
      { sourceId: 'src-a', reliability: 0.8, status: 'healthy', demoted: false, mirrorOf: null },
      { sourceId: 'src-b', reliability: 0.5, status: 'healthy', demoted: false, mirrorOf: null },
      { sourceId: 'src-c', reliability: 0.2, status: 'failing', demoted: false, mirrorOf: null },
    ],
    mirrors: [
      { sourceId: 'src-b', otherId: 'src-a', shared: 2, configs: 2, ratio: 1 },
      { sourceId: 'src-a', otherId: 'src-b', shared: 2, configs: 4, ratio: 0.5 },
    ],
  },
} as const;
