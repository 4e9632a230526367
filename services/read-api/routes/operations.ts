import type { FastifyInstance } from 'fastify';
import type { ReadApiContext } from '../context.ts';

/** Liveness, readiness and metrics: no auth, no rate limit, nothing slow. */
export function operationRoutes(app: FastifyInstance, ctx: ReadApiContext): void {
  const open = { config: { rateLimit: false } } as const;

  app.get(
    '/live',
    { ...open, schema: { tags: ['operations'], summary: 'Liveness: 200 unless the materializer failed' } },
    (_request, reply) => {
      const live = ctx.materializer.isLive();
      return reply.code(live ? 200 : 503).send({ live });
    },
  );

  app.get(
    '/ready',
    {
      ...open,
      schema: {
        tags: ['operations'],
        summary: 'Readiness: 503 until the state caught up with the end offsets seen at start',
      },
    },
    (_request, reply) => {
      const ready = ctx.materializer.isReady();
      return reply.code(ready ? 200 : 503).send({
        ready,
        phase: ctx.materializer.phase(),
        configs: ctx.state.configCount(),
        generation: ctx.state.generation,
        lag: Object.fromEntries(ctx.materializer.lag()),
      });
    },
  );

  app.get(
    '/metrics',
    { ...open, schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: false } },
    async (_request, reply) => {
      const text = await ctx.registry.metrics();
      return reply.type(ctx.registry.contentType).send(text);
    },
  );
}
