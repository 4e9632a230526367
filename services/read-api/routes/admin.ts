import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKey, SourceCatalogEntry, SubscriptionPreset } from '../../generated/events.ts';
import { CATALOG_ISSUE_CODES } from '../../core/catalog/catalog-issue.ts';
import { parseCatalog } from '../../core/catalog/parse-catalog.ts';
import { toCatalogPayload } from '../../core/catalog/catalog-changes.ts';
import { SOURCE_FORMAT_LIST } from '../../core/catalog/source-format.ts';
import { TIER_LIST } from '../../core/catalog/tiers.ts';
import { EMIT_TARGET_LIST } from '../../core/emit/index.ts';
import { formatKey, keyView, ROLE_LIST, secretHash } from '../../core/read-model/api-keys.ts';
import type { Role } from '../../core/read-model/api-keys.ts';
import { presetView, tokenHash } from '../../core/read-model/presets.ts';
import { sourceSummary } from '../../core/read-model/source-view.ts';
import { parseSelection } from '../../core/read-model/subscription-query.ts';
import { requireRole } from '../auth.ts';
import type { ReadApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, SELECTION_QUERY_PROPERTIES } from '../schemas.ts';
import { queryError } from './subscriptions.ts';

const SOURCE_ID = { type: 'string', pattern: '^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$' } as const;
const ADMIN_ERRORS = errorResponses(400, 401, 403, 404, 413, 415, 429, 503);

interface AuditFacts {
  readonly action: string;
  readonly target: string;
  readonly details?: Readonly<Record<string, string>>;
}

/**
 * Admin routes (role admin). Every action — refused or done — is logged with pino and published
 * on admin.audit.v1 naming the key that acted. Changes to what the pipeline does are events:
 * catalog entries on sources.catalog.v1, fetch and replay commands on sources.commands.v1.
 */
export function adminRoutes(app: FastifyInstance, ctx: ReadApiContext): void {
  const admin = [requireRole('admin'), ctx.requireReady];

  const audited = async <T>(
    request: FastifyRequest,
    facts: AuditFacts,
    act: () => Promise<T>,
  ): Promise<T> => {
    const actor = request.principal?.keyId ?? 'anonymous';
    let outcome = 'ok';
    try {
      return await act();
    } catch (error) {
      outcome = error instanceof ApiError ? error.code : 'INTERNAL';
      throw error;
    } finally {
      ctx.metrics.auditEvents.inc({ action: facts.action, outcome });
      request.log.info({ audit: { actor, ...facts, outcome } }, 'admin action');
      await ctx.publisher
        .audit({
          metadata: ctx.publisher.metadata(),
          actor,
          action: facts.action,
          target: facts.target,
          outcome,
          details: facts.details ?? {},
          remoteAddress: request.ip,
          requestId: request.id,
        })
        .catch((error: unknown) =>
          request.log.error({ err: error, audit: facts }, 'audit event not published'),
        );
    }
  };

  const catalogEntry = (id: string): SourceCatalogEntry => {
    const entry = ctx.state.sources().get(id);
    if (entry === undefined) throw new ApiError('SOURCE_NOT_FOUND');
    return entry;
  };
  const summary = (id: string) =>
    sourceSummary({
      id,
      catalog: ctx.state.sources().get(id),
      health: ctx.state.health(id),
      snapshot: ctx.state.snapshot(id),
      configs: ctx.state.configsPerSource().get(id) ?? 0,
    });

  for (const enabled of [true, false]) {
    const verb = enabled ? 'enable' : 'disable';
    app.post<{ Params: { id: string } }>(
      `/admin/sources/:id/${verb}`,
      {
        schema: {
          tags: ['admin'],
          summary: `${enabled ? 'Enable' : 'Disable'} a source (a catalog event on sources.catalog.v1)`,
          security: [{ apiKey: [] }],
          params: { type: 'object', properties: { id: SOURCE_ID }, required: ['id'] },
          response: ADMIN_ERRORS,
        },
        preHandler: admin,
      },
      (request) =>
        audited(request, { action: `source.${verb}`, target: request.params.id }, async () => {
          const entry = catalogEntry(request.params.id);
          const changed = entry.enabled !== enabled;
          if (changed)
            await ctx.publisher.catalogEntry({ ...entry, metadata: ctx.publisher.metadata(), enabled });
          return { changed, source: summary(entry.id) };
        }),
    );
  }

  app.put<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/admin/sources/:id',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Add or update a source (a catalog event on sources.catalog.v1, validated like the catalog file)',
        security: [{ apiKey: [] }],
        params: { type: 'object', properties: { id: SOURCE_ID }, required: ['id'] },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['urls'],
          properties: {
            urls: { type: 'array', minItems: 1, maxItems: 8, items: { type: 'string', maxLength: 2048 } },
            tier: { type: 'string', enum: [...TIER_LIST] },
            format: { type: 'string', enum: [...SOURCE_FORMAT_LIST] },
            interval: {
              type: 'string',
              maxLength: 16,
              description: 'e.g. 30m, 1h, 1d; default: the tier default',
            },
            tags: { type: 'array', maxItems: 32, items: { type: 'string', maxLength: 64 } },
            enabled: { type: 'boolean' },
          },
        },
        response: ADMIN_ERRORS,
      },
      preHandler: admin,
    },
    (request, reply) =>
      audited(request, { action: 'source.upsert', target: request.params.id }, async () => {
        const { id } = request.params;
        const existing = ctx.state.sources().get(id);
        // The catalog file's own parser validates the entry: same rules, same issue codes.
        const result = parseCatalog(JSON.stringify({ sources: [{ id, ...request.body }] }));
        if (!result.ok)
          throw new ApiError('CATALOG_ENTRY_INVALID', result.issues[0]?.message, { issues: result.issues });
        const parsed = result.catalog.sources[0];
        if (parsed === undefined) throw new ApiError('CATALOG_ENTRY_INVALID');
        // Another source fetching the same URL would fetch it twice: the catalog file refuses that too.
        for (const other of ctx.state.sources().values()) {
          const shared = other.id === id ? undefined : other.urls.find((u) => parsed.urls.includes(u));
          if (shared !== undefined) {
            const message = `${shared} is already a URL of source ${other.id}`;
            throw new ApiError('CATALOG_ENTRY_INVALID', message, {
              issues: [{ code: CATALOG_ISSUE_CODES.duplicateUrl, path: 'urls', message }],
            });
          }
        }
        const payload = toCatalogPayload(parsed, existing?.allowPrivateAddresses ?? false);
        await ctx.publisher.catalogEntry({ metadata: ctx.publisher.metadata(), ...payload });
        reply.code(existing === undefined ? 201 : 200);
        return { created: existing === undefined, source: summary(id) };
      }),
  );

  app.post<{ Params: { id: string } }>(
    '/admin/sources/:id/fetch',
    {
      schema: {
        tags: ['admin'],
        summary: 'Ask the fetchers to fetch a source now (a command on sources.commands.v1)',
        security: [{ apiKey: [] }],
        params: { type: 'object', properties: { id: SOURCE_ID }, required: ['id'] },
        response: ADMIN_ERRORS,
      },
      preHandler: admin,
    },
    (request, reply) =>
      audited(request, { action: 'fetch.trigger', target: request.params.id }, async () => {
        const entry = catalogEntry(request.params.id);
        const metadata = ctx.publisher.metadata();
        await ctx.publisher.command(entry.id, {
          metadata,
          command: 'fetch',
          sourceId: entry.id,
          fromTime: null,
          requestedBy: request.principal?.keyId ?? 'anonymous',
        });
        reply.code(202);
        return { accepted: true, commandId: metadata.eventId };
      }),
  );

  app.post<{ Body: { sourceId?: string; from?: string } }>(
    '/admin/replay',
    {
      schema: {
        tags: ['admin'],
        summary: 'Ask the pipeline to reprocess raw fetches (a command on sources.commands.v1)',
        security: [{ apiKey: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            sourceId: { ...SOURCE_ID, description: 'Only this source; default every source.' },
            from: {
              type: 'string',
              format: 'date-time',
              description: 'Reprocess fetches from this time; default the beginning.',
            },
          },
        },
        response: ADMIN_ERRORS,
      },
      preHandler: admin,
    },
    (request, reply) => {
      const body = request.body ?? {};
      const target = body.sourceId ?? '*';
      return audited(
        request,
        { action: 'replay.trigger', target, details: body.from === undefined ? {} : { from: body.from } },
        async () => {
          if (body.sourceId !== undefined) catalogEntry(body.sourceId);
          const metadata = ctx.publisher.metadata();
          await ctx.publisher.command(target, {
            metadata,
            command: 'replay',
            sourceId: body.sourceId ?? null,
            fromTime: body.from === undefined ? null : Date.parse(body.from),
            requestedBy: request.principal?.keyId ?? 'anonymous',
          });
          reply.code(202);
          return { accepted: true, commandId: metadata.eventId };
        },
      );
    },
  );

  // Share-link presets.
  app.post<{
    Body: {
      name: string;
      format?: string;
      query?: Record<string, string | string[]>;
      expiresAt?: string;
      maxAccesses?: number;
    };
  }>(
    '/admin/presets',
    {
      schema: {
        tags: ['admin'],
        summary: 'Save a named filter preset and get its share token (shown once)',
        security: [{ apiKey: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            format: { type: 'string', enum: [...EMIT_TARGET_LIST, 'auto'], default: 'auto' },
            query: { type: 'object', additionalProperties: false, properties: SELECTION_QUERY_PROPERTIES },
            expiresAt: { type: 'string', format: 'date-time' },
            maxAccesses: { type: 'integer', minimum: 1, maximum: 1_000_000_000 },
          },
        },
        response: ADMIN_ERRORS,
      },
      preHandler: admin,
    },
    (request, reply) =>
      audited(request, { action: 'preset.create', target: request.body.name }, async () => {
        const body = request.body;
        const parsed = parseSelection(body.query ?? {}, ctx.settings.selection);
        if (!parsed.ok) throw queryError(parsed.issues);
        const token = randomBytes(32).toString('base64url');
        const now = ctx.now();
        const preset: SubscriptionPreset = {
          metadata: ctx.publisher.metadata(),
          id: randomBytes(9).toString('base64url'),
          name: body.name,
          tokenSha256: tokenHash(token),
          format: body.format ?? 'auto',
          query: parsed.normalized,
          createdAt: now,
          createdBy: request.principal?.keyId ?? 'anonymous',
          expiresAt: body.expiresAt === undefined ? null : Date.parse(body.expiresAt),
          maxAccesses: body.maxAccesses ?? null,
          revokedAt: null,
        };
        await ctx.publisher.preset(preset);
        reply.code(201);
        return { token, path: `/share/${token}`, preset: presetView(preset, 0, now) };
      }),
  );

  app.get(
    '/admin/presets',
    {
      schema: {
        tags: ['admin'],
        summary: 'Every preset (tokens are never shown again)',
        security: [{ apiKey: [] }],
        response: ADMIN_ERRORS,
      },
      preHandler: admin,
    },
    () => {
      const now = ctx.now();
      const items = [...ctx.state.presets().values()]
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
        .map((p) => presetView(p, ctx.state.presetAccesses(p.id), now));
      return { total: items.length, items };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/admin/presets/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Revoke a preset: its token answers 410 SHARE_REVOKED from then on',
        security: [{ apiKey: [] }],
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
        response: ADMIN_ERRORS,
      },
      preHandler: admin,
    },
    (request) =>
      audited(request, { action: 'preset.revoke', target: request.params.id }, async () => {
        const preset = ctx.state.presets().get(request.params.id);
        if (preset === undefined) throw new ApiError('PRESET_NOT_FOUND');
        const now = ctx.now();
        const revoked: SubscriptionPreset =
          preset.revokedAt === null
            ? { ...preset, metadata: ctx.publisher.metadata(), revokedAt: now }
            : preset;
        if (revoked !== preset) await ctx.publisher.preset(revoked);
        return { preset: presetView(revoked, ctx.state.presetAccesses(revoked.id), now) };
      }),
  );

  // API keys.
  app.post<{ Body: { role: Role; label: string } }>(
    '/admin/keys',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create an API key (the key is shown once; only a hash is kept)',
        security: [{ apiKey: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['role', 'label'],
          properties: {
            role: { type: 'string', enum: [...ROLE_LIST] },
            label: { type: 'string', minLength: 1, maxLength: 100 },
          },
        },
        response: ADMIN_ERRORS,
      },
      preHandler: admin,
    },
    (request, reply) =>
      audited(
        request,
        { action: 'key.create', target: request.body.label, details: { role: request.body.role } },
        async () => {
          const id = randomBytes(8).toString('hex');
          const secret = randomBytes(32).toString('base64url');
          const key: ApiKey = {
            metadata: ctx.publisher.metadata(),
            id,
            role: request.body.role,
            secretSha256: secretHash(secret),
            label: request.body.label,
            createdAt: ctx.now(),
            revokedAt: null,
          };
          await ctx.publisher.apiKey(key);
          reply.code(201);
          return { key: formatKey(id, secret), ...keyView(key) };
        },
      ),
  );

  app.get(
    '/admin/keys',
    {
      schema: {
        tags: ['admin'],
        summary: 'Every API key (ids and roles, never secrets)',
        security: [{ apiKey: [] }],
        response: ADMIN_ERRORS,
      },
      preHandler: admin,
    },
    () => {
      const keys = new Map<string, ApiKey>(ctx.settings.bootstrapKeys.map((k) => [k.id, k]));
      for (const [id, key] of ctx.state.apiKeys()) keys.set(id, key);
      const items = [...keys.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(keyView);
      return { total: items.length, items };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/admin/keys/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Revoke an API key, on every replica (a key event)',
        security: [{ apiKey: [] }],
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: '^[a-f0-9]{16}$' } },
          required: ['id'],
        },
        response: ADMIN_ERRORS,
      },
      preHandler: admin,
    },
    (request) =>
      audited(request, { action: 'key.revoke', target: request.params.id }, async () => {
        const key = ctx.lookupKey(request.params.id);
        if (key === undefined) throw new ApiError('KEY_NOT_FOUND');
        const revoked: ApiKey =
          key.revokedAt === null ? { ...key, metadata: ctx.publisher.metadata(), revokedAt: ctx.now() } : key;
        if (revoked !== key) await ctx.publisher.apiKey(revoked);
        return keyView(revoked);
      }),
  );
}
