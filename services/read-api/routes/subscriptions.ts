import type { FastifyInstance } from 'fastify';
import { EMIT_TARGET_LIST, isEmitTarget } from '../../core/emit/index.ts';
import type { EmitTarget } from '../../core/emit/index.ts';
import { presetState, SHARE_TOKEN_PATTERN, tokenHash } from '../../core/read-model/presets.ts';
import { parseSelection } from '../../core/read-model/subscription-query.ts';
import type { ParseResult, QueryIssue, RawQuery } from '../../core/read-model/subscription-query.ts';
import { createLruCache } from '../../core/read-model/lru-cache.ts';
import { formatForUserAgent } from '../../core/read-model/user-agent.ts';
import { requireRole } from '../auth.ts';
import type { ReadApiContext } from '../context.ts';
import { ApiError, isApiErrorCode } from '../errors.ts';
import { errorResponses, SELECTION_QUERYSTRING } from '../schemas.ts';
import { READ_AUTH_MODES } from '../settings.ts';
import { serveSubscription } from './serve-subscription.ts';

export const AUTO_FORMAT = 'auto';
const FORMATS = [...EMIT_TARGET_LIST, AUTO_FORMAT] as const;

/** The first query issue as an API error; every issue is listed in `details`. */
export function queryError(issues: readonly QueryIssue[]): ApiError {
  const first = issues[0];
  const code = first !== undefined && isApiErrorCode(first.code) ? first.code : 'INVALID_QUERY';
  return new ApiError(code, first?.message, { issues });
}

const SUBSCRIPTION_HEADERS = {
  etag: { type: 'string', description: 'Weak ETag of the body; send it back in If-None-Match.' },
  'profile-title': { type: 'string', description: 'base64:<title>' },
  'profile-update-interval': { type: 'string', description: 'Hours between refreshes.' },
  'subscription-userinfo': { type: 'string', description: 'upload=0; download=0; total=0[; expire=<unix>]' },
  'content-disposition': { type: 'string', description: 'File name, for clash, sing-box, sip008 and xray.' },
} as const;

export function subscriptionRoutes(app: FastifyInstance, ctx: ReadApiContext): void {
  const readRole = ctx.settings.readAuth === READ_AUTH_MODES.key ? 'reader' : null;
  const parsedQueries = createLruCache<ParseResult>({ maxEntries: 1_000, maxWeight: 1_000 });

  app.get<{ Params: { format: string }; Querystring: RawQuery }>(
    '/sub/:format',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'The merged subscription in one client format',
        description:
          'Formats: uri, base64, clash (mihomo), sing-box, sip008, xray, or auto (picked from the User-Agent: see docs/api.md). ' +
          'Responses carry a weak ETag; a matching If-None-Match answers 304. gzip and br are served when accepted.',
        params: {
          type: 'object',
          properties: {
            format: { type: 'string', maxLength: 16, description: `One of ${FORMATS.join(', ')}.` },
          },
          required: ['format'],
        },
        querystring: SELECTION_QUERYSTRING,
        response: {
          200: { description: 'The subscription document', headers: SUBSCRIPTION_HEADERS, type: 'string' },
          304: { description: 'Not modified since the ETag the client holds', type: 'null' },
          ...errorResponses(400, 401, 403, 404, 429, 503),
        },
      },
      preHandler: [requireRole(readRole), ctx.requireReady],
    },
    async (request, reply) => {
      // Clients poll with the same URL: parse (and compile patterns) once per distinct query string.
      const raw = request.url.slice(request.url.indexOf('?') + 1 || request.url.length);
      let parsed = parsedQueries.get(raw);
      if (parsed === undefined) {
        parsed = parseSelection(request.query, ctx.settings.selection);
        parsedQueries.set(raw, parsed, 1);
      }
      if (!parsed.ok) throw queryError(parsed.issues);
      const { format } = request.params;
      let target: EmitTarget;
      const byUserAgent = format === AUTO_FORMAT;
      if (byUserAgent) target = formatForUserAgent(request.headers['user-agent']).format;
      else if (isEmitTarget(format)) target = format;
      else throw new ApiError('FORMAT_NOT_FOUND');
      await serveSubscription(ctx, request, reply, {
        target,
        query: parsed.query,
        queryKey: parsed.key,
        profile: { ...ctx.settings.profile, expiresAt: null },
        profileKey: '',
        byUserAgent,
      });
      return reply;
    },
  );

  app.get<{ Params: { token: string } }>(
    '/share/:token',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'A saved preset through its share token',
        description:
          "Serves the preset's format and filters. 404 SHARE_NOT_FOUND for an unknown token; 410 SHARE_EXPIRED, " +
          'SHARE_EXHAUSTED or SHARE_REVOKED once it no longer works. Every served request (200 or 304) counts against an access limit.',
        params: {
          type: 'object',
          properties: { token: { type: 'string', maxLength: 64 } },
          required: ['token'],
        },
        response: {
          200: { description: 'The subscription document', headers: SUBSCRIPTION_HEADERS, type: 'string' },
          304: { description: 'Not modified', type: 'null' },
          ...errorResponses(401, 404, 410, 429, 503),
        },
      },
      preHandler: [requireRole(null), ctx.requireReady],
    },
    async (request, reply) => {
      const { token } = request.params;
      const preset = SHARE_TOKEN_PATTERN.test(token)
        ? ctx.state.presetByTokenHash(tokenHash(token))
        : undefined;
      if (preset === undefined) throw new ApiError('SHARE_NOT_FOUND');
      const accesses = ctx.state.presetAccesses(preset.id);
      const status = presetState(preset, accesses, ctx.now());
      if (status === 'revoked') throw new ApiError('SHARE_REVOKED');
      if (status === 'expired') throw new ApiError('SHARE_EXPIRED');
      if (status === 'exhausted') throw new ApiError('SHARE_EXHAUSTED');

      const parsed = parseSelection(preset.query, ctx.settings.selection);
      if (!parsed.ok) throw queryError(parsed.issues);
      const byUserAgent = !isEmitTarget(preset.format);
      const target = isEmitTarget(preset.format)
        ? preset.format
        : formatForUserAgent(request.headers['user-agent']).format;

      if (preset.maxAccesses !== null) {
        // Count before serving and synchronously, so two concurrent requests on this replica
        // cannot both take the last access; the running count is then published for the others.
        const mine = ctx.state.presetAccessesBy(preset.id, ctx.settings.instanceId) + 1;
        const count = {
          metadata: ctx.publisher.metadata(),
          presetId: preset.id,
          instance: ctx.settings.instanceId,
          accesses: mine,
        };
        ctx.state.apply('presetAccesses', `${preset.id}/${ctx.settings.instanceId}`, count);
        await ctx.publisher.presetAccesses(count);
      }
      await serveSubscription(ctx, request, reply, {
        target,
        query: parsed.query,
        queryKey: parsed.key,
        profile: {
          title: preset.name,
          updateIntervalHours: ctx.settings.profile.updateIntervalHours,
          expiresAt: preset.expiresAt,
        },
        profileKey: `preset:${preset.id}:${preset.metadata.eventId}`,
        byUserAgent,
      });
      return reply;
    },
  );
}
