import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKey } from '../generated/events.ts';
import { AUTH_OUTCOMES, authenticate, roleAllows } from '../core/read-model/api-keys.ts';
import type { Role } from '../core/read-model/api-keys.ts';
import { ApiError } from './errors.ts';
import type { ApiErrorCode } from './errors.ts';

/** Who is calling, once the key checked out. */
export interface Principal {
  readonly keyId: string;
  readonly role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook when a valid key came with the request. */
    principal: Principal | null;
    /** Set by the auth hook when a key came with the request and was refused. */
    authProblem: ApiErrorCode | null;
  }
}

/** `Authorization: Bearer smk_...` or `X-API-Key: smk_...`. */
export function presentedKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.length > 7 && header.slice(0, 7).toLowerCase() === 'bearer ') {
    return header.slice(7).trim();
  }
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey.trim() : null;
}

/**
 * onRequest: resolves the caller without refusing anything yet, so the rate limiter can count
 * per key and routes decide what they need. A presented key that fails is remembered and
 * refused by whatever route it reaches, public or not: a client with a broken key should learn
 * so instead of silently being served as anonymous.
 */
export function resolvePrincipal(lookup: (id: string) => ApiKey | undefined) {
  return (request: FastifyRequest): Promise<void> => {
    request.principal = null;
    request.authProblem = null;
    const presented = presentedKey(request);
    if (presented === null) return Promise.resolve();
    const result = authenticate(presented, lookup);
    if (result.outcome === AUTH_OUTCOMES.ok) request.principal = { keyId: result.key.id, role: result.role };
    else request.authProblem = result.outcome === AUTH_OUTCOMES.revoked ? 'AUTH_REVOKED' : 'AUTH_INVALID';
    return Promise.resolve();
  };
}

/** preHandler of a route that needs `role` (or, with `optional`, only refuses bad keys). */
export function requireRole(role: Role | null) {
  return (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (request.authProblem !== null) return Promise.reject(new ApiError(request.authProblem));
    if (role === null) return Promise.resolve();
    if (request.principal === null) return Promise.reject(new ApiError('AUTH_REQUIRED'));
    if (!roleAllows(request.principal.role, role)) {
      return Promise.reject(new ApiError('FORBIDDEN', `this needs the ${role} role`));
    }
    return Promise.resolve();
  };
}
