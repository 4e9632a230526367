import type {
  ConfigCurrent,
  ConfigObserved,
  ConfigProbed,
  ConfigScored,
  EventMetadata,
  SourceAnomaly,
  SourceFetched,
  SourceHealth,
  SourceSnapshot,
} from '../../../services/generated/events.ts';
import { nameBasedUuid } from '../../../services/shared/events/event-metadata.ts';

/** Events with deterministic ids (from a name), so a test can predict every row they become. */

export function metadata(name: string, eventTime: number, producer = 'test/1'): EventMetadata {
  const eventId = nameBasedUuid(name);
  return { eventId, eventTime, producer, correlationId: eventId, causationId: null };
}

export function fetched(
  name: string,
  sourceId: string,
  at: number,
  {
    outcome = 'ok',
    totalMs = 100,
    httpStatus = outcome === 'ok' ? 200 : null,
  }: { outcome?: string; totalMs?: number; httpStatus?: number | null } = {},
): SourceFetched {
  return {
    metadata: metadata(name, at, 'fetcher/test'),
    sourceId,
    url: `https://example.test/${sourceId}`,
    urlIndex: 0,
    finalUrl: outcome === 'ok' ? `https://example.test/${sourceId}` : null,
    redirects: 0,
    attempt: 1,
    remoteAddress: null,
    outcome,
    httpStatus,
    errorCode: outcome === 'ok' || outcome === 'not-modified' ? null : 'E_TEST',
    errorMessage: null,
    timings: { startedAt: at, dnsMs: null, connectMs: 5, ttfbMs: 20, totalMs },
    sizes: { wireBytes: 1000, decodedBytes: 2000, truncated: false },
    headers: {
      etag: null,
      lastModified: null,
      contentType: 'text/plain',
      contentEncoding: null,
      contentLength: null,
      subscriptionUserinfo: null,
      profileUpdateInterval: null,
      profileTitle: null,
      retryAfter: null,
    },
    requestEtag: null,
    requestLastModified: null,
    // A body is on the raw topic and must not reach ClickHouse.
    body:
      outcome === 'ok'
        ? { compression: 'identity', data: Buffer.from('vless://body'), sha256: 'ab'.repeat(32) }
        : null,
  };
}

export function snapshot(
  name: string,
  sourceId: string,
  at: number,
  {
    uniqueConfigs = 0,
    added = 0,
    removed = 0,
    diagnostics = {},
    protocols = {},
    outcome = 'ok',
  }: {
    uniqueConfigs?: number;
    added?: number;
    removed?: number;
    diagnostics?: Record<string, number>;
    protocols?: Record<string, number>;
    outcome?: string;
  } = {},
): SourceSnapshot {
  return {
    metadata: metadata(name, at, 'parser/test'),
    sourceId,
    fetchEventId: nameBasedUuid(`fetch:${name}`),
    fetchedAt: at,
    outcome,
    httpStatus: 200,
    container: 'uri-list',
    bytes: 2000,
    bodySha256: 'ab'.repeat(32),
    unchanged: false,
    configs: uniqueConfigs,
    uniqueConfigs,
    duplicates: 0,
    added,
    removed,
    protocols,
    diagnostics,
    retained: false,
  };
}

export function observed(
  name: string,
  fingerprint: string,
  sourceId: string,
  at: number,
  { presence = 'present', protocol = 'vless' }: { presence?: string; protocol?: string } = {},
): ConfigObserved {
  return {
    metadata: metadata(name, at, 'parser/test'),
    fingerprint,
    fingerprintPolicy: 'endpoint',
    sourceId,
    presence,
    protocol,
    server: `${fingerprint.slice(0, 8)}.example.test`,
    port: 443,
    config: presence === 'present' ? JSON.stringify({ protocol, server: 'x' }) : null,
    originLine: 1,
    originFrom: protocol,
    fetchEventId: nameBasedUuid(`fetch:${name}`),
    fetchedAt: at,
  };
}

export function current(
  name: string,
  fingerprint: string,
  sources: readonly string[],
  at: number,
): ConfigCurrent {
  return {
    metadata: metadata(name, at, 'merger/test'),
    fingerprint,
    fingerprintPolicy: 'endpoint',
    protocol: 'vless',
    server: 'x.example.test',
    port: 443,
    config: '{"protocol":"vless"}',
    sources: sources.map((sourceId) => ({ sourceId, firstSeen: at, lastSeen: at, name: '' })),
    firstSeen: at,
    lastSeen: at,
  };
}

export function probed(
  name: string,
  fingerprint: string,
  at: number,
  {
    outcome = 'ok',
    latencyMs = outcome === 'ok' ? 50 : null,
    ...rest
  }: { outcome?: string; latencyMs?: number | null } & Partial<
    Omit<ConfigProbed, 'outcome' | 'latencyMs'>
  > = {},
): ConfigProbed {
  return {
    metadata: metadata(name, at, 'prober/test'),
    fingerprint,
    stage: 'proxy',
    outcome,
    latencyMs,
    errorCode: outcome === 'ok' ? null : 'E_PROBE',
    target: 'https://probe.test/',
    prober: 'prober/test',
    probedAt: at,
    vantage: 'test',
    connectMs: null,
    tlsHandshakeMs: null,
    errorDetail: null,
    trafficBytes: 0,
    ...rest,
  };
}

export function scored(
  name: string,
  fingerprint: string,
  at: number,
  fields: Partial<Omit<ConfigScored, 'metadata' | 'fingerprint'>> = {},
): ConfigScored {
  return {
    metadata: metadata(name, at, 'scorer/test'),
    fingerprint,
    protocol: 'vless',
    server: 'x.example.test',
    port: 443,
    config: '{"protocol":"vless"}',
    sourceIds: ['src-a'],
    score: 0.5,
    components: { reachability: 0.5 },
    lastProbeOutcome: null,
    lastProbeLatencyMs: null,
    lastProbedAt: null,
    firstSeen: at,
    lastSeen: at,
    verdict: 'unprobed',
    weights: { reachability: 1 },
    vantages: [],
    notes: [],
    scoreModel: 'score-test',
    points: {},
    scoredAt: at,
    ...fields,
  };
}

export function health(
  name: string,
  sourceId: string,
  at: number,
  fields: Partial<Omit<SourceHealth, 'metadata' | 'sourceId'>> = {},
): SourceHealth {
  return {
    metadata: metadata(name, at, 'detector/test'),
    sourceId,
    status: 'healthy',
    since: at,
    lastFetchAt: at,
    lastSuccessAt: at,
    lastOutcome: 'ok',
    consecutiveFailures: 0,
    configs: 0,
    baselineConfigs: null,
    activeAnomalies: [],
    reliability: null,
    reliabilityComponents: {},
    reliabilityWeights: {},
    demoted: false,
    demotedSince: null,
    mirrorOf: null,
    probedConfigs: 0,
    workingConfigs: 0,
    exclusiveConfigs: 0,
    lastChangeAt: null,
    ...fields,
  };
}

export function anomaly(
  name: string,
  sourceId: string,
  at: number,
  fields: Partial<Omit<SourceAnomaly, 'metadata' | 'sourceId'>> = {},
): SourceAnomaly {
  return {
    metadata: metadata(name, at, 'detector/test'),
    sourceId,
    kind: 'count-collapse',
    state: 'opened',
    severity: 'warning',
    detectedAt: at,
    observed: null,
    expected: null,
    message: 'test anomaly',
    snapshotEventId: null,
    evidence: {},
    relatedSourceId: null,
    openedAt: null,
    ...fields,
  };
}

/** A 64-hex fingerprint from a short label. */
export function fp(label: string): string {
  return nameBasedUuid(`fp:${label}`).replace(/-/g, '').repeat(2);
}
