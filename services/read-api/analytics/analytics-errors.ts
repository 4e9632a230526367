import type { FastifyError } from 'fastify';
import { AnalyticsError, ANALYTICS_ERROR_CODES } from '../../core/analytics/analytics-error.ts';
import type { AnalyticsErrorCode } from '../../core/analytics/analytics-error.ts';

export interface AnalyticsErrorBody {
  readonly error: { readonly code: AnalyticsErrorCode; readonly message: string; readonly details?: unknown };
  readonly requestId: string;
}

/**
 * What the analytics routes answer themselves: their own errors and schema violations of their
 * inputs. Anything else (an auth or rate-limit refusal from the host app's hooks, a bug) is not
 * theirs to word: null, and the plugin hands it to the host's error handler.
 */
export function toAnalyticsError(error: unknown): AnalyticsError | null {
  if (error instanceof AnalyticsError) return error;
  const fastify = error as Partial<FastifyError>;
  if (fastify.validation !== undefined) {
    const issues = fastify.validation.map((v) => ({
      path: `${fastify.validationContext === 'querystring' ? 'query' : (fastify.validationContext ?? '')}${v.instancePath.replace(/\//g, '.')}`,
      message: v.message ?? 'invalid',
    }));
    return new AnalyticsError('ANALYTICS_INVALID_INPUT', fastify.message ?? 'invalid request', { issues });
  }
  return null;
}

export function analyticsErrorBody(error: AnalyticsError, requestId: string): AnalyticsErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
    requestId,
  };
}

/** The JSON schema of an error body, for the routes' documented responses. */
export const ANALYTICS_ERROR_SCHEMA = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', enum: ANALYTICS_ERROR_CODES },
        message: { type: 'string' },
        details: {},
      },
      required: ['code', 'message'],
    },
    requestId: { type: 'string' },
  },
  required: ['error', 'requestId'],
} as const;
