import { createHash } from 'node:crypto';
import type {
  ConfigCurrent,
  ConfigScored,
  EventMetadata,
  SourceCatalogEntry,
  SourceHealth,
  SourceSnapshot,
} from '../../../services/generated/events.ts';
import { fingerprint } from '../../../services/core/identity/fingerprint.ts';
import type { ProxyConfig } from '../../../services/core/model/config.ts';
import { configJson } from '../../../services/core/processors/config-json.ts';

// Deterministic configs and events for the read API's tests and benchmark: every protocol
// family real clients accept, names with flag emojis (countries), and one shadowsocksr in ten,
// which sing-box cannot express (left out there, counted by limits).

const PBK = 'lCtD1M1iuWNSqnrOAkRXJCbzhOSGNMd8JuY4hVZeSFs';
const COUNTRIES = ['DE', 'NL', 'US', 'FR', 'GB', 'JP', 'SG', 'FI', 'SE', 'CA'] as const;

const hex = (seed: string, length: number): string =>
  createHash('sha256').update(seed).digest('hex').slice(0, length);

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function flag(country: string): string {
  return [...country].map((c) => String.fromCodePoint(0x1f1e6 + c.charCodeAt(0) - 65)).join('');
}

export function countryOf(i: number): string {
  return COUNTRIES[i % COUNTRIES.length] as string;
}

/** Config number `i`: protocol by i % 10, server and credentials unique per i. */
export function syntheticConfig(i: number): ProxyConfig {
  const country = countryOf(i);
  const name = `${flag(country)} ${country} node ${i}`;
  const server = `n${i}.${country.toLowerCase()}.example.net`;
  const port = 1000 + (i % 60_000);
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return {
        protocol: 'vless',
        name,
        server,
        port: 443,
        uuid: uuid(`vless-${i}`),
        flow: 'xtls-rprx-vision',
        encryption: 'none',
        tls: {
          enabled: true,
          serverName: 'www.example.com',
          fingerprint: 'chrome',
          reality: { publicKey: PBK, shortId: hex(`sid-${i}`, 8) },
        },
        transport: { type: 'tcp' },
      };
    case 3:
    case 4:
      return {
        protocol: 'vmess',
        name,
        server,
        port,
        uuid: uuid(`vmess-${i}`),
        alterId: 0,
        cipher: 'auto',
        tls: { enabled: true, serverName: server },
        transport: { type: 'ws', host: server, path: `/ws${i}` },
      };
    case 5:
    case 6:
      return {
        protocol: 'trojan',
        name,
        server,
        port,
        password: hex(`trojan-${i}`, 24),
        tls: { enabled: true, serverName: server },
        transport: { type: 'tcp' },
      };
    case 7:
      return {
        protocol: 'shadowsocks',
        name,
        server,
        port,
        method: 'aes-256-gcm',
        password: hex(`ss-${i}`, 20),
      };
    case 8:
      return {
        protocol: 'hysteria2',
        name,
        server,
        port,
        password: hex(`hy2-${i}`, 16),
        tls: { enabled: true, serverName: server },
      };
    default:
      return {
        protocol: 'shadowsocksr',
        name,
        server,
        port,
        method: 'aes-256-cfb',
        password: hex(`ssr-${i}`, 12),
        protocolName: 'origin',
        obfs: 'plain',
      };
  }
}

export function metadata(seed: string, time = 1_760_000_000_000): EventMetadata {
  return {
    eventId: uuid(`event-${seed}`),
    eventTime: time,
    producer: 'test/read-api',
    correlationId: uuid(`corr-${seed}`),
    causationId: null,
  };
}

export interface Sighting {
  readonly sourceId: string;
  readonly name?: string;
}

export function currentEvent(
  config: ProxyConfig,
  sightings: readonly Sighting[],
  at = 1_760_000_000_000,
): ConfigCurrent {
  const fp = fingerprint(config, 'credential');
  const sources = [...sightings]
    .sort((a, b) => (a.sourceId < b.sourceId ? -1 : 1))
    .map((s) => ({ sourceId: s.sourceId, firstSeen: at, lastSeen: at, name: s.name ?? config.name }));
  return {
    metadata: metadata(`current-${fp}-${at}`, at),
    fingerprint: fp,
    fingerprintPolicy: 'credential',
    protocol: config.protocol,
    server: config.server,
    port: config.port,
    config: configJson(config),
    sources,
    firstSeen: at,
    lastSeen: at,
  };
}

export function catalogEvent(id: string, tier: string, enabled = true): SourceCatalogEntry {
  return {
    metadata: metadata(`catalog-${id}-${tier}-${String(enabled)}`),
    id,
    urls: [`https://${id}.example.org/sub.txt`],
    tier,
    format: 'auto',
    intervalSeconds: 3600,
    tags: [],
    enabled,
    allowPrivateAddresses: false,
  };
}

/** The fields the read API reads; the rest are left to the schema defaults (the scorer's schema grows). */
type ScoredCore = Pick<
  ConfigScored,
  | 'metadata'
  | 'fingerprint'
  | 'protocol'
  | 'server'
  | 'port'
  | 'config'
  | 'sourceIds'
  | 'score'
  | 'components'
  | 'weights'
  | 'points'
  | 'verdict'
  | 'scoreModel'
  | 'lastProbeOutcome'
  | 'lastProbeLatencyMs'
  | 'lastProbedAt'
  | 'firstSeen'
  | 'lastSeen'
>;
type HealthCore = Pick<
  SourceHealth,
  | 'metadata'
  | 'sourceId'
  | 'status'
  | 'since'
  | 'lastFetchAt'
  | 'lastSuccessAt'
  | 'lastOutcome'
  | 'consecutiveFailures'
  | 'configs'
  | 'baselineConfigs'
  | 'activeAnomalies'
>;

/**
 * A score-2 event (0-100) of one component carrying the whole score, so its points are the score
 * exactly and tests can state thresholds in plain numbers.
 */
export function scoredEvent(
  current: ConfigCurrent,
  score: number,
  latencyMs: number | null = null,
): ConfigScored {
  const event: ScoredCore = {
    metadata: metadata(`scored-${current.fingerprint}-${score}`),
    fingerprint: current.fingerprint,
    protocol: current.protocol,
    server: current.server,
    port: current.port,
    config: current.config,
    sourceIds: current.sources.map((s) => s.sourceId),
    score,
    components: { reachability: score / 100 },
    weights: { reachability: 1 },
    points: { reachability: score },
    verdict: latencyMs === null ? 'unprobed' : 'working',
    scoreModel: 'score-2',
    lastProbeOutcome: latencyMs === null ? null : 'ok',
    lastProbeLatencyMs: latencyMs,
    lastProbedAt: latencyMs === null ? null : 1_760_000_000_000,
    firstSeen: current.firstSeen,
    lastSeen: current.lastSeen,
  };
  return event as ConfigScored;
}

export function healthEvent(sourceId: string, status: string): SourceHealth {
  const event: HealthCore = {
    metadata: metadata(`health-${sourceId}-${status}`),
    sourceId,
    status,
    since: 1_760_000_000_000,
    lastFetchAt: 1_760_000_000_000,
    lastSuccessAt: 1_760_000_000_000,
    lastOutcome: 'ok',
    consecutiveFailures: 0,
    configs: 10,
    baselineConfigs: null,
    activeAnomalies: [],
  };
  return event as SourceHealth;
}

export function snapshotEvent(sourceId: string, configs: number): SourceSnapshot {
  return {
    metadata: metadata(`snapshot-${sourceId}-${configs}`),
    sourceId,
    fetchEventId: uuid(`fetch-${sourceId}`),
    fetchedAt: 1_760_000_000_000,
    outcome: 'ok',
    httpStatus: 200,
    container: 'base64',
    bytes: 12_345,
    bodySha256: hex(`body-${sourceId}`, 64),
    unchanged: false,
    configs,
    uniqueConfigs: configs,
    duplicates: 0,
    added: configs,
    removed: 0,
    protocols: { vless: configs },
    diagnostics: {},
    retained: false,
  };
}
