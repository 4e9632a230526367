import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EmitTarget } from '../../core/emit/index.ts';
import { ifNoneMatchHits } from '../../core/read-model/etag.ts';
import { renderSubscription } from '../../core/read-model/render-subscription.ts';
import type { ProfileInfo } from '../../core/read-model/render-subscription.ts';
import type { SelectionQuery } from '../../core/read-model/subscription-query.ts';
import type { ReadApiContext } from '../context.ts';
import { pickEncoding } from '../render-cache.ts';

export interface ServeRequest {
  readonly target: EmitTarget;
  readonly query: SelectionQuery;
  readonly queryKey: string;
  readonly profile: ProfileInfo;
  /** Distinguishes profiles in the cache key (a preset's id; '' for the default profile). */
  readonly profileKey: string;
  /** True when the format came from the User-Agent: caches downstream must key on it. */
  readonly byUserAgent: boolean;
}

/**
 * Answers one subscription request from the render cache: 304 when the client's ETag still
 * matches, else the body in the best encoding it accepts. A miss renders once for the current
 * state generation; every later poll of the same query until the state changes is a lookup.
 * Settles once the answer is sent (at once, unless a large body is being compressed).
 */
export async function serveSubscription(
  ctx: ReadApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  serve: ServeRequest,
): Promise<void> {
  const key = `${ctx.renderGeneration()}|${serve.target}|${serve.profileKey}|${serve.queryKey}`;
  let entry = ctx.cache.get(key);
  if (entry === undefined) {
    const timer = ctx.metrics.renderSeconds.startTimer({ format: serve.target });
    const rendered = renderSubscription({
      state: ctx.state,
      query: serve.query,
      target: serve.target,
      profile: serve.profile,
      settings: ctx.settings.render,
    });
    timer();
    entry = ctx.cache.put(key, rendered);
  }
  const { rendered } = entry;
  reply.header('etag', rendered.etag);
  reply.header('cache-control', 'no-cache');
  reply.header('vary', serve.byUserAgent ? 'accept-encoding, user-agent' : 'accept-encoding');
  if (ifNoneMatchHits(request.headers['if-none-match'], rendered.etag)) {
    reply.code(304).send();
    return;
  }
  const encoding = pickEncoding(request.headers['accept-encoding']);
  const made = ctx.cache.body(key, entry, encoding);
  const body = made instanceof Promise ? await made : made;
  reply.headers(rendered.headers);
  if (body !== rendered.body) reply.header('content-encoding', encoding);
  reply.code(200).send(body);
}
