import type { ConfigCurrent, ConfigProbed } from '../../../../services/generated/events.ts';
import { nameBasedUuid } from '../../../../services/shared/events/event-metadata.ts';

export const T0 = Date.UTC(2026, 0, 1);
export const HOUR = 3_600_000;
export const FP = 'a'.repeat(64);

export const TROJAN_TLS = JSON.stringify({
  name: 'x',
  password: 'p',
  port: 443,
  protocol: 'trojan',
  server: 'a.example.com',
  tls: { enabled: true, serverName: 'a.example.com' },
  transport: { type: 'tcp' },
});

export function currentEvent(
  options: { fp?: string; at?: number; sources?: readonly string[]; config?: string; protocol?: string } = {},
): ConfigCurrent {
  const { fp = FP, at = T0, sources = ['s1'], config = TROJAN_TLS, protocol = 'trojan' } = options;
  const eventId = nameBasedUuid(`current:${fp}:${at}:${sources.join(',')}`);
  return {
    metadata: { eventId, eventTime: at, producer: 'merger', correlationId: eventId, causationId: null },
    fingerprint: fp,
    fingerprintPolicy: 'credential',
    protocol,
    server: 'a.example.com',
    port: 443,
    config,
    sources: sources.map((sourceId) => ({ sourceId, firstSeen: T0, lastSeen: at, name: sourceId })),
    firstSeen: T0,
    lastSeen: at,
  };
}

export function probeEvent(
  options: {
    fp?: string;
    at?: number;
    outcome?: string;
    stage?: string;
    latencyMs?: number | null;
    vantage?: string;
  } = {},
): ConfigProbed {
  const { fp = FP, at = T0, outcome = 'ok', stage = 'proxy', vantage = 'eu' } = options;
  const latencyMs = options.latencyMs === undefined ? (outcome === 'ok' ? 200 : null) : options.latencyMs;
  const eventId = nameBasedUuid(`probe:${fp}:${at}:${vantage}:${outcome}`);
  return {
    metadata: { eventId, eventTime: at, producer: 'prober', correlationId: eventId, causationId: null },
    fingerprint: fp,
    stage,
    outcome,
    latencyMs,
    errorCode: outcome === 'ok' ? null : 'X',
    target: null,
    prober: 'prober-0',
    probedAt: at,
    vantage,
    connectMs: null,
    tlsHandshakeMs: null,
    errorDetail: null,
    trafficBytes: 0,
  };
}
