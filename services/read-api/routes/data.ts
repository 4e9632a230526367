import type { FastifyInstance } from 'fastify';
import { configDetail, configSummary } from '../../core/read-model/config-view.ts';
import { selectConfigs } from '../../core/read-model/select-configs.ts';
import { parseSelection } from '../../core/read-model/subscription-query.ts';
import { VERDICTS } from '../../core/scoring/score-model.ts';
import type { RawQuery } from '../../core/read-model/subscription-query.ts';
import { sourceDetail, sourceSummary } from '../../core/read-model/source-view.ts';
import type { SourceFacts } from '../../core/read-model/source-view.ts';
import { requireRole } from '../auth.ts';
import type { ReadApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, SELECTION_QUERY_PROPERTIES } from '../schemas.ts';
import { READ_AUTH_MODES } from '../settings.ts';
import { queryError } from './subscriptions.ts';

const nullable = (type: string) => ({ type: [type, 'null'] }) as const;
const VERDICT_LIST = Object.values(VERDICTS);
const SCORE_COMPONENT_SCHEMA = {
  type: 'object',
  properties: {
    value: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description: 'How much of the component the config earned.',
    },
    weight: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description: 'Its share of the score (weights sum to 1).',
    },
    points: {
      type: 'number',
      minimum: 0,
      maximum: 100,
      description: '100 · weight · value, rounded to 0.1.',
    },
  },
  required: ['value', 'weight', 'points'],
} as const;
/** The page's shape, for the OpenAPI document (pages are serialized once and cached). */
const CONFIG_PAGE_SCHEMA = {
  type: 'object',
  properties: {
    generation: { type: 'integer' },
    total: { type: 'integer' },
    offset: { type: 'integer' },
    limit: { type: 'integer' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          fingerprint: { type: 'string' },
          protocol: { type: 'string' },
          server: { type: 'string' },
          port: { type: 'integer' },
          name: { type: 'string' },
          country: nullable('string'),
          sources: { type: 'array', items: { type: 'string' } },
          firstSeen: nullable('string'),
          lastSeen: nullable('string'),
          score: {
            type: ['number', 'null'],
            minimum: 0,
            maximum: 100,
            description:
              'Score from 0 to 100 (one decimal), the sum of the points of `scoreComponents`; null until scored.',
          },
          verdict: {
            type: ['string', 'null'],
            enum: [...VERDICT_LIST, null],
            description: 'Whether the probes, decayed over time, say the config works.',
          },
          scoreComponents: {
            type: ['object', 'null'],
            description:
              'What makes up the score, per component (reachability, latency, security, sources, freshness, sourceReliability): points = 100 · weight · value, rounded to 0.1.',
            additionalProperties: SCORE_COMPONENT_SCHEMA,
          },
        },
        required: [
          'fingerprint',
          'protocol',
          'server',
          'port',
          'name',
          'country',
          'sources',
          'score',
          'verdict',
          'scoreComponents',
        ],
      },
    },
  },
  required: ['generation', 'total', 'offset', 'limit', 'items'],
} as const;

type ConfigsQuery = RawQuery & { readonly offset?: number; readonly limit?: number };

export function dataRoutes(app: FastifyInstance, ctx: ReadApiContext): void {
  const readRole = ctx.settings.readAuth === READ_AUTH_MODES.key ? 'reader' : null;
  const preHandler = [requireRole(readRole), ctx.requireReady];
  const { defaultLimit, maxLimit } = ctx.settings.paging;

  app.get<{ Querystring: ConfigsQuery }>(
    '/configs',
    {
      schema: {
        tags: ['data'],
        summary: 'Current configs, filtered and paged',
        description:
          'Takes the subscription filters; `limit` is the page size here and `offset` pages through `total`.',
        querystring: {
          type: 'object',
          properties: {
            ...SELECTION_QUERY_PROPERTIES,
            offset: { type: 'integer', minimum: 0, maximum: 10_000_000, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: maxLimit, default: defaultLimit },
          },
        },
        response: {
          200: { description: 'One page of configs', ...CONFIG_PAGE_SCHEMA },
          ...errorResponses(400, 401, 429, 503),
        },
      },
      preHandler,
    },
    (request, reply) => {
      const { offset = 0, limit = defaultLimit, ...rest } = request.query;
      const parsed = parseSelection(rest, ctx.settings.selection);
      if (!parsed.ok) throw queryError(parsed.issues);
      const generation = ctx.renderGeneration();
      const selectionKey = `${generation}|${parsed.key}`;
      // Pages are serialized once per state generation: a client walking (or re-walking) the
      // list costs lookups, not 100 summaries and a stringify per request.
      const body = ctx.cache.page(`${selectionKey}|${offset}|${limit}`, () => {
        const selected = ctx.cache.selection(selectionKey, () => selectConfigs(ctx.state, parsed.query));
        return JSON.stringify({
          generation,
          total: selected.length,
          offset,
          limit,
          items: selected
            .slice(offset, offset + limit)
            .map((e) => configSummary(e, ctx.state.score(e.fingerprint))),
        });
      });
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.get<{ Params: { fingerprint: string } }>(
    '/configs/:fingerprint',
    {
      schema: {
        tags: ['data'],
        summary: 'One config: its sources, folded variants and per-format compatibility',
        params: {
          type: 'object',
          properties: { fingerprint: { type: 'string', pattern: '^[a-f0-9]{16,128}$' } },
          required: ['fingerprint'],
        },
        response: errorResponses(400, 401, 404, 429, 503),
      },
      preHandler,
    },
    (request) => {
      const entry = ctx.state.config(request.params.fingerprint);
      if (entry === undefined) throw new ApiError('CONFIG_NOT_FOUND');
      return configDetail(
        entry,
        ctx.state.score(entry.fingerprint),
        ctx.state.sources(),
        ctx.settings.render,
      );
    },
  );

  const facts = (id: string): SourceFacts => ({
    id,
    catalog: ctx.state.sources().get(id),
    health: ctx.state.health(id),
    snapshot: ctx.state.snapshot(id),
    configs: ctx.state.configsPerSource().get(id) ?? 0,
  });

  app.get(
    '/sources',
    {
      schema: {
        tags: ['data'],
        summary: 'Every known source with its tier, health and config count',
        response: errorResponses(401, 429, 503),
      },
      preHandler,
    },
    () => {
      const items = ctx.state.sourceIds().map((id) => sourceSummary(facts(id)));
      return { total: items.length, items };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/sources/:id',
    {
      schema: {
        tags: ['data'],
        summary: 'One source: catalog entry, health, and statistics of its latest fetch',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] },
        response: errorResponses(401, 404, 429, 503),
      },
      preHandler,
    },
    (request) => {
      const f = facts(request.params.id);
      if (f.catalog === undefined && f.health === undefined && f.snapshot === undefined)
        throw new ApiError('SOURCE_NOT_FOUND');
      return sourceDetail(f);
    },
  );
}
