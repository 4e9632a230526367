import { Readable } from 'node:stream';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { AnalyticsError } from '../../../../services/core/analytics/analytics-error.ts';
import type { Analytics } from '../../../../services/shared/analytics/analytics-service.ts';
import { analyticsPlugin } from '../../../../services/read-api/analytics/analytics-plugin.ts';

// The plugin over a fake of our own Analytics port: routing, validation, error words and
// hand-off. The real queries are proven against ClickHouse in test/integration/analytics.
const fake = (overrides: Partial<Analytics> = {}): Analytics => ({
  sourceHistory: () => Promise.reject(new AnalyticsError('ANALYTICS_NOT_FOUND', 'no history for source x')),
  configHistory: () =>
    Promise.reject(new AnalyticsError('ANALYTICS_UNAVAILABLE', 'the history store is unavailable')),
  overview: (input) => Promise.resolve({ echo: input } as never),
  exportData: () =>
    Promise.resolve({
      headers: { 'content-type': 'text/csv; charset=utf-8' },
      body: Readable.from(['a\n', '1\n']),
    }),
  ...overrides,
});

async function app(analytics: Analytics, host?: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const instance = Fastify();
  host?.(instance);
  await instance.register(analyticsPlugin, { analytics });
  await instance.ready();
  return instance;
}

describe('analytics plugin', () => {
  it('passes parsed, defaulted input to the service and streams exports', async () => {
    const server = await app(fake());
    const overview = await server.inject('/analytics/overview?limit=3&from=2026-01-01T00:00:00Z');
    expect(overview.statusCode).toBe(200);
    expect(overview.json()).toEqual({ echo: { limit: 3, minFetches: 1, from: Date.UTC(2026, 0, 1) } });
    const exported = await server.inject('/analytics/export?dataset=fetches&format=csv');
    expect([exported.statusCode, exported.headers['content-type'], exported.body]).toEqual([
      200,
      'text/csv; charset=utf-8',
      'a\n1\n',
    ]);
    await server.close();
  });

  it('answers its own errors with stable codes, statuses and retry hints', async () => {
    const server = await app(fake());
    const missing = await server.inject('/analytics/sources/src-a/history');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'ANALYTICS_NOT_FOUND' } });
    expect(typeof missing.json<{ requestId: unknown }>().requestId).toBe('string');
    const down = await server.inject(`/analytics/configs/${'ab'.repeat(32)}/history`);
    expect([
      down.statusCode,
      down.headers['retry-after'],
      down.json<{ error: { code: string } }>().error.code,
    ]).toEqual([503, '5', 'ANALYTICS_UNAVAILABLE']);
    const invalid = await server.inject('/analytics/export?dataset=everything');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({
      error: { code: 'ANALYTICS_INVALID_INPUT', details: { issues: [{ path: 'query.dataset' }] } },
    });
    await server.close();
  });

  it("leaves errors that are not its own to the host's error handler", async () => {
    const server = await app(
      fake({ overview: () => Promise.reject(Object.assign(new Error('slow down'), { statusCode: 429 })) }),
      (host) =>
        host.setErrorHandler((error, _request, reply) =>
          reply.code(429).send({ error: { code: 'RATE_LIMITED', message: (error as Error).message } }),
        ),
    );
    const refused = await server.inject('/analytics/overview');
    expect([refused.statusCode, refused.json()]).toEqual([
      429,
      { error: { code: 'RATE_LIMITED', message: 'slow down' } },
    ]);
    await server.close();
  });
});
