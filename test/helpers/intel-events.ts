import type {
  ConfigCurrent,
  ConfigProbed,
  SourceHealth,
  SourceSnapshot,
} from '../../services/generated/events.ts';
import { nameBasedUuid } from '../../services/shared/events/event-metadata.ts';

/** Events as the merger, the prober and the parser write them, with times the test chooses. */

const meta = (name: string, at: number, producer: string) => {
  const eventId = nameBasedUuid(name);
  return { eventId, eventTime: at, producer, correlationId: eventId, causationId: null };
};

export const fingerprintOf = (n: number): string => n.toString(16).padStart(64, '0');

export function current(
  fp: string,
  sources: readonly string[],
  at: number,
  server = `n${fp.slice(-4)}.example.com`,
): ConfigCurrent {
  return {
    metadata: meta(`current:${fp}:${at}:${sources.join(',')}`, at, 'merger'),
    fingerprint: fp,
    fingerprintPolicy: 'credential',
    protocol: 'trojan',
    server,
    port: 443,
    config: JSON.stringify({
      name: fp.slice(-6),
      password: 'secret',
      port: 443,
      protocol: 'trojan',
      server,
      tls: { enabled: true, serverName: server },
      transport: { type: 'tcp' },
    }),
    sources: sources.map((sourceId) => ({ sourceId, firstSeen: at, lastSeen: at, name: '' })),
    firstSeen: at,
    lastSeen: at,
  };
}

export function probe(
  fp: string,
  at: number,
  outcome: string,
  vantage = 'eu-1',
  latencyMs: number | null = null,
): ConfigProbed {
  return {
    metadata: meta(`probe:${fp}:${at}:${vantage}`, at, 'prober'),
    fingerprint: fp,
    stage: outcome === 'ok' ? 'proxy' : 'tcp',
    outcome,
    latencyMs: outcome === 'ok' ? (latencyMs ?? 180) : null,
    errorCode: outcome === 'ok' ? null : 'PROXY_TIMEOUT',
    target: null,
    prober: 'prober-test',
    probedAt: at,
    vantage,
    connectMs: null,
    tlsHandshakeMs: null,
    errorDetail: null,
    trafficBytes: 0,
  };
}

export function snapshot(
  sourceId: string,
  i: number,
  at: number,
  spec: { container?: string; configs?: number; bytes?: number } = {},
): SourceSnapshot {
  const container = spec.container ?? 'uri-list';
  const configs = spec.configs ?? (container === 'html' ? 0 : 400);
  return {
    metadata: meta(`snapshot:${sourceId}:${i}:${at}`, at, 'parser'),
    sourceId,
    fetchEventId: nameBasedUuid(`fetch:${sourceId}:${i}:${at}`),
    fetchedAt: at,
    outcome: 'ok',
    httpStatus: 200,
    container,
    bytes: spec.bytes ?? (container === 'html' ? 4000 : configs * 100),
    bodySha256: nameBasedUuid(`body:${sourceId}:${i}`).replace(/-/g, '').padEnd(64, '0'),
    unchanged: false,
    configs,
    uniqueConfigs: configs,
    duplicates: 0,
    added: 0,
    removed: 0,
    protocols: {},
    diagnostics: {},
    retained: container === 'html',
  };
}

export function health(sourceId: string, at: number, over: Partial<SourceHealth> = {}): SourceHealth {
  return {
    metadata: meta(`health:${sourceId}:${at}`, at, 'anomaly'),
    sourceId,
    status: 'healthy',
    since: at,
    lastFetchAt: at,
    lastSuccessAt: at,
    lastOutcome: 'ok',
    consecutiveFailures: 0,
    configs: 10,
    baselineConfigs: null,
    activeAnomalies: [],
    reliability: 0.9,
    reliabilityComponents: {},
    reliabilityWeights: {},
    demoted: false,
    demotedSince: null,
    mirrorOf: null,
    probedConfigs: 0,
    workingConfigs: 0,
    exclusiveConfigs: 0,
    lastChangeAt: at,
    ...over,
  };
}
