import type { FastifyInstance } from 'fastify';
import {
  CONFIG_HISTORY_PARAMS,
  CONFIG_HISTORY_QUERY,
  EXPORT_QUERY,
  OVERVIEW_QUERY,
  parseInput,
  routeJsonSchema,
  SOURCE_HISTORY_PARAMS,
  SOURCE_HISTORY_QUERY,
} from '../../core/analytics/analytics-inputs.ts';
import type { Analytics } from '../../shared/analytics/analytics-service.ts';
import { ANALYTICS_ERROR_SCHEMA, analyticsErrorBody, toAnalyticsError } from './analytics-errors.ts';

export interface AnalyticsPluginOptions {
  /** createAnalytics({ runner: createAnalyticsRunner({ client }) }) over the ClickHouse history. */
  readonly analytics: Analytics;
}

const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: 'error', ...ANALYTICS_ERROR_SCHEMA }]));

/**
 * The analytics endpoints as a Fastify plugin; the read API registers it (`app.register(
 * analyticsPlugin, { analytics })`). Route schemas come from the zod input schemas, so the
 * OpenAPI document, ajv's checks and the parsed input agree; the zod parse adds what JSON schema
 * cannot say (from before to, bucket limits). Its own errors answer `{ error: { code, message,
 * details? }, requestId }` with the ANALYTICS_* codes; any other error (the host's hooks
 * refusing a request, a bug) goes to the host's error handler.
 */
export function analyticsPlugin(
  app: FastifyInstance,
  { analytics }: AnalyticsPluginOptions,
  done: (error?: Error) => void,
): void {
  app.setErrorHandler((error, request, reply) => {
    const analyticsError = toAnalyticsError(error);
    // Not ours (the host's auth or rate limit, a bug): Fastify passes what an error handler
    // throws to the parent context's handler, so the host answers it in its own words.
    if (analyticsError === null) throw error;
    if (analyticsError.statusCode >= 500)
      request.log.error({ err: error, code: analyticsError.code }, 'analytics request failed');
    if (analyticsError.retriable) reply.header('retry-after', '5');
    return reply
      .code(analyticsError.statusCode)
      .type('application/json; charset=utf-8')
      .send(analyticsErrorBody(analyticsError, request.id));
  });

  app.get(
    '/analytics/sources/:id/history',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Fetch success rate, latency percentiles, config counts and churn of one source over time',
        params: routeJsonSchema(SOURCE_HISTORY_PARAMS),
        querystring: routeJsonSchema(SOURCE_HISTORY_QUERY),
        response: errors(400, 404, 500, 503, 504),
      },
    },
    async (request) =>
      analytics.sourceHistory(
        parseInput({ params: SOURCE_HISTORY_PARAMS, query: SOURCE_HISTORY_QUERY }, request),
      ),
  );

  app.get(
    '/analytics/configs/:fingerprint/history',
    {
      schema: {
        tags: ['analytics'],
        summary: 'First/last seen, sources over time, uptime and probe latency of one config',
        params: routeJsonSchema(CONFIG_HISTORY_PARAMS),
        querystring: routeJsonSchema(CONFIG_HISTORY_QUERY),
        response: errors(400, 404, 500, 503, 504),
      },
    },
    async (request) =>
      analytics.configHistory(
        parseInput({ params: CONFIG_HISTORY_PARAMS, query: CONFIG_HISTORY_QUERY }, request),
      ),
  );

  app.get(
    '/analytics/overview',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Totals, protocol mix over time, source rankings by reliability and unique contribution, mirrors',
        querystring: routeJsonSchema(OVERVIEW_QUERY),
        response: errors(400, 500, 503, 504),
      },
    },
    async (request) => analytics.overview(parseInput({ query: OVERVIEW_QUERY }, request)),
  );

  app.get(
    '/analytics/export',
    {
      schema: {
        tags: ['analytics'],
        summary: 'One dataset over a time range as CSV or JSON lines, streamed',
        querystring: routeJsonSchema(EXPORT_QUERY),
        response: errors(400, 500, 503, 504),
      },
    },
    async (request, reply) => {
      const { headers, body } = await analytics.exportData(parseInput({ query: EXPORT_QUERY }, request));
      return reply.headers(headers).send(body);
    },
  );
  done();
}
