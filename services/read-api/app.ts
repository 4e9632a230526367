import compress from '@fastify/compress';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { LogController } from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKey } from '../generated/events.ts';
import { resolvePrincipal } from './auth.ts';
import { requireReadyWith } from './context.ts';
import type { ReadApiContext, ReadApiDeps } from './context.ts';
import { ApiError, errorBody } from './errors.ts';
import { createRenderCache } from './render-cache.ts';
import { analyticsPlugin } from './analytics/analytics-plugin.ts';
import { requireRole } from './auth.ts';
import { adminRoutes } from './routes/admin.ts';
import { dataRoutes } from './routes/data.ts';
import { operationRoutes } from './routes/operations.ts';
import { subscriptionRoutes } from './routes/subscriptions.ts';
import type { ReadApiSettings } from './settings.ts';

export type { ReadApiDeps } from './context.ts';

/**
 * Server-level options (they cannot be set from inside a plugin): body size limit, request ids,
 * and no per-request access log — at tens of thousands of polls a second the log would cost
 * more than the answers; latency and status go to the metrics instead, errors to the log.
 */
export function fastifyOptions(settings: Pick<ReadApiSettings, 'bodyLimitBytes' | 'trustProxy'>) {
  return {
    bodyLimit: settings.bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    // Behind a load balancer the rate limiter must see clients, not the balancer.
    trustProxy: settings.trustProxy,
  } as const;
}

/**
 * The read API as a Fastify plugin: server.ts (or a test, or the embedded mode) creates the
 * instance, registers this with its dependencies, and decides whether to listen.
 */
export async function readApiApp(app: FastifyInstance, deps: ReadApiDeps): Promise<void> {
  const bootstrap = new Map<string, ApiKey>(deps.settings.bootstrapKeys.map((k) => [k.id, k]));
  const ctx: ReadApiContext = {
    ...deps,
    now: deps.now ?? Date.now,
    cache: createRenderCache({ ...deps.settings.cache, metrics: deps.metrics }),
    // A key event (including a revocation of a bootstrap key) wins over configuration.
    lookupKey: (id) => deps.state.apiKeys().get(id) ?? bootstrap.get(id),
    requireReady: requireReadyWith(deps.materializer),
    renderGeneration: coalescedGeneration(deps.state, deps.settings.renderCoalesceMs, deps.now ?? Date.now),
  };

  app.decorateRequest('principal', null);
  app.decorateRequest('authProblem', null);
  app.addHook('onRequest', resolvePrincipal(ctx.lookupKey));
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.requestSeconds.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });

  const answerError = (error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(error);
    if (apiError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    if (apiError.code === 'NOT_READY') reply.header('retry-after', '5');
    return reply
      .code(apiError.statusCode)
      .type('application/json; charset=utf-8')
      .send(errorBody(apiError, request.id));
  };
  app.setErrorHandler(answerError);
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        errorBody(
          new ApiError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`),
          request.id,
        ),
      ),
  );

  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await app.register(rateLimit, {
    global: true,
    // After the auth hook, so a valid key is counted as itself and everything else by address.
    hook: 'preParsing',
    timeWindow: deps.settings.rateLimit.windowMs,
    max: (request) =>
      request.principal === null ? deps.settings.rateLimit.anonymous : deps.settings.rateLimit.perKey,
    keyGenerator: (request) =>
      request.principal === null ? `ip:${request.ip}` : `key:${request.principal.keyId}`,
    errorResponseBuilder: (_request, context) =>
      new ApiError('RATE_LIMITED', `rate limit of ${context.max} requests per ${context.after} exceeded`),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'submerge read API',
        version: '1',
        description:
          'Merged VPN subscriptions in every client format, sources and configs, admin operations. See docs/api.md.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'smk_<id>_<secret>' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { config: { rateLimit: false }, schema: { hide: true } }, () => app.swagger());

  operationRoutes(app, ctx);
  subscriptionRoutes(app, ctx);
  dataRoutes(app, ctx);
  adminRoutes(app, ctx);
  if (deps.analytics !== undefined) {
    const { analytics } = deps;
    // Inside this plugin, so auth, rate limits and latency metrics cover the history routes too.
    await app.register((scope, _options, done) => {
      if (deps.settings.readAuth === 'key') scope.addHook('preHandler', requireRole('reader'));
      // The analytics plugin's error handler answers everything it does not know as a 500; our
      // hooks' refusals (auth, rate limit, not ready) must keep their codes, so they go to ours.
      const ours = (error: unknown): error is FastifyError | ApiError =>
        error instanceof ApiError ||
        ((error as FastifyError).validation === undefined &&
          ((error as FastifyError).statusCode ?? 500) < 500);
      const scoped = new Proxy(scope, {
        get(target, property, receiver) {
          if (property !== 'setErrorHandler') return Reflect.get(target, property, receiver) as unknown;
          return (handler: Parameters<FastifyInstance['setErrorHandler']>[0]) =>
            target.setErrorHandler(function (this: FastifyInstance, error, request, reply) {
              if (ours(error)) return answerError(error, request, reply);
              return handler.call(this, error, request, reply) as unknown;
            });
        },
      });
      analyticsPlugin(scoped, { analytics }, done);
    });
  }
}

/**
 * The render generation: the state's, but moving at most once per `intervalMs`, so a burst of
 * updates costs one re-render per query instead of one per poll. The first change after a quiet
 * period shows at once.
 */
export function coalescedGeneration(
  state: { readonly generation: number },
  intervalMs: number,
  now: () => number,
) {
  let shown = state.generation;
  let shownAt = Number.NEGATIVE_INFINITY;
  return (): number => {
    const current = state.generation;
    if (current !== shown) {
      const at = now();
      if (at - shownAt >= intervalMs) {
        shown = current;
        shownAt = at;
      }
    }
    return shown;
  };
}

function toApiError(error: FastifyError | ApiError): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation !== undefined) {
    const details = error.validation.map((v) => ({
      path: `${error.validationContext ?? ''}${v.instancePath}`,
      message: v.message ?? '',
    }));
    return new ApiError('VALIDATION_FAILED', error.message, { issues: details });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('BODY_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('MALFORMED_BODY');
    default:
      break;
  }
  if (error.statusCode === 429) return new ApiError('RATE_LIMITED');
  if (error instanceof SyntaxError || error.statusCode === 400)
    return new ApiError('MALFORMED_BODY', error.message);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError('VALIDATION_FAILED', error.message);
  }
  return new ApiError('INTERNAL', undefined, undefined, { cause: error });
}
