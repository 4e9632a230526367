import avro from 'avsc';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failure, PROBE_ERROR_CODES } from '../../../../services/core/probing/error-codes.ts';
import { probeEvent, verdictOf } from '../../../../services/core/probing/probe-event.ts';
import { failedAt, passedProxy } from '../../../../services/core/probing/probe-result.ts';

const cause = {
  eventId: '8a4f2a83-6b44-4c55-8f2e-0d4b1f2a3c4d',
  eventTime: 1_700_000_000_000,
  producer: 'merger/0',
  correlationId: '11111111-2222-4333-8444-555555555555',
  causationId: null,
};
const cheap = { connectMs: 12.4, tlsHandshakeMs: 30.6, bytes: 3_000, addresses: ['1.2.3.4'] };
const schema = avro.Type.forSchema(
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../../../../schemas/configs.probed.v1.avsc'), 'utf8'),
  ) as avro.Schema,
);

describe('probeEvent', () => {
  const ok = probeEvent({
    cause,
    fingerprint: 'fp1',
    vantage: 'eu-west-1',
    prober: 'host-a',
    probedAt: 1_700_000_100_000,
    result: passedProxy(cheap, { latencyMs: 87.6, bytes: 5_000, target: 'https://t.example/generate_204' }),
  });

  it('carries vantage, stage, latency, cheap-stage timings and traffic, and is a valid configs.probed.v1 record', () => {
    expect(ok).toMatchObject({
      fingerprint: 'fp1',
      vantage: 'eu-west-1',
      prober: 'host-a',
      stage: 'proxy',
      outcome: 'ok',
      latencyMs: 88,
      errorCode: null,
      connectMs: 12,
      tlsHandshakeMs: 31,
      trafficBytes: 8_000,
      target: 'https://t.example/generate_204',
      probedAt: 1_700_000_100_000,
      metadata: {
        producer: 'prober/host-a',
        eventTime: 1_700_000_100_000,
        causationId: cause.eventId,
        correlationId: cause.correlationId,
      },
    });
    expect(schema.isValid(ok)).toBe(true);
  });

  it('gives the same probe the same event id and another probe another one', () => {
    const again = probeEvent({
      cause,
      fingerprint: 'fp1',
      vantage: 'eu-west-1',
      prober: 'host-a',
      probedAt: 1_700_000_100_000,
      result: passedProxy(cheap, { latencyMs: 1, bytes: 0, target: 'x' }),
    });
    const later = probeEvent({
      cause,
      fingerprint: 'fp1',
      vantage: 'eu-west-1',
      prober: 'host-a',
      probedAt: 1_700_000_200_000,
      result: passedProxy(cheap, { latencyMs: 1, bytes: 0, target: 'x' }),
    });
    const elsewhere = probeEvent({
      cause,
      fingerprint: 'fp1',
      vantage: 'us-east-1',
      prober: 'host-b',
      probedAt: 1_700_000_100_000,
      result: passedProxy(cheap, { latencyMs: 1, bytes: 0, target: 'x' }),
    });
    expect(again.metadata.eventId).toBe(ok.metadata.eventId);
    expect(later.metadata.eventId).not.toBe(ok.metadata.eventId);
    expect(elsewhere.metadata.eventId).not.toBe(ok.metadata.eventId);
  });

  it('carries the code and a bounded detail of a failure', () => {
    const failed = probeEvent({
      cause,
      fingerprint: 'fp2',
      vantage: 'local',
      prober: 'p',
      probedAt: 1,
      result: failedAt('tcp', failure(PROBE_ERROR_CODES.connectionRefused, 'x'.repeat(2_000))),
    });
    expect(failed).toMatchObject({
      stage: 'tcp',
      outcome: 'refused',
      errorCode: 'CONNECTION_REFUSED',
      latencyMs: null,
    });
    expect(failed.errorDetail).toHaveLength(500);
    expect(schema.isValid(failed)).toBe(true);
  });
});

describe('verdictOf', () => {
  it('counts ok as a pass, unsupported as unsupported and anything else as a fail', () => {
    expect(['ok', 'unsupported', 'timeout', 'core-error', 'proxy-error'].map(verdictOf)).toEqual([
      'pass',
      'unsupported',
      'fail',
      'fail',
      'fail',
    ]);
  });
});
