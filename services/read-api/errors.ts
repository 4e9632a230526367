/**
 * Every error the read API answers with, in one table: a stable `code` clients match on, the
 * HTTP status, whether retrying may help, and the default message. Bodies are
 * `{ "error": { "code", "message", "details"? }, "requestId" }`. docs/api.md lists the table.
 */
export const API_ERRORS = {
  VALIDATION_FAILED: {
    status: 400,
    retriable: false,
    message: 'the request does not match the route schema',
  },
  MALFORMED_BODY: { status: 400, retriable: false, message: 'the body is not valid JSON' },
  UNKNOWN_PROTOCOL: { status: 400, retriable: false, message: 'unknown protocol' },
  INVALID_COUNTRY: { status: 400, retriable: false, message: 'country must be two-letter ISO 3166 codes' },
  INVALID_SOURCE: { status: 400, retriable: false, message: 'not a source id' },
  UNKNOWN_TIER: { status: 400, retriable: false, message: 'unknown tier' },
  INVALID_SCORE: { status: 400, retriable: false, message: 'minScore must be between 0 and 100' },
  INVALID_LIMIT: { status: 400, retriable: false, message: 'limit out of range' },
  UNKNOWN_SORT: { status: 400, retriable: false, message: 'unknown sort' },
  UNKNOWN_DEDUPE_POLICY: { status: 400, retriable: false, message: 'unknown dedupe policy' },
  TOO_MANY_VALUES: { status: 400, retriable: false, message: 'too many values for one parameter' },
  REGEX_TOO_LONG: { status: 400, retriable: false, message: 'name pattern too long' },
  REGEX_INVALID: { status: 400, retriable: false, message: 'name pattern is not a valid RE2 expression' },
  REGEX_UNSAFE: { status: 400, retriable: false, message: 'name pattern risks catastrophic backtracking' },
  INVALID_QUERY: { status: 400, retriable: false, message: 'invalid query' },
  CATALOG_ENTRY_INVALID: { status: 400, retriable: false, message: 'the source entry is not valid' },
  AUTH_REQUIRED: { status: 401, retriable: false, message: 'an API key is required' },
  AUTH_INVALID: { status: 401, retriable: false, message: 'the API key is not valid' },
  AUTH_REVOKED: { status: 401, retriable: false, message: 'the API key was revoked' },
  FORBIDDEN: { status: 403, retriable: false, message: 'the API key lacks the role this needs' },
  NOT_FOUND: { status: 404, retriable: false, message: 'no such route' },
  FORMAT_NOT_FOUND: { status: 404, retriable: false, message: 'unknown subscription format' },
  CONFIG_NOT_FOUND: { status: 404, retriable: false, message: 'no current config with this fingerprint' },
  SOURCE_NOT_FOUND: { status: 404, retriable: false, message: 'no such source' },
  PRESET_NOT_FOUND: { status: 404, retriable: false, message: 'no such preset' },
  KEY_NOT_FOUND: { status: 404, retriable: false, message: 'no such API key' },
  SHARE_NOT_FOUND: { status: 404, retriable: false, message: 'no such share link' },
  SHARE_EXPIRED: { status: 410, retriable: false, message: 'this share link has expired' },
  SHARE_EXHAUSTED: { status: 410, retriable: false, message: 'this share link reached its access limit' },
  SHARE_REVOKED: { status: 410, retriable: false, message: 'this share link was revoked' },
  BODY_TOO_LARGE: { status: 413, retriable: false, message: 'request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retriable: false, message: 'unsupported content type' },
  RATE_LIMITED: { status: 429, retriable: true, message: 'too many requests' },
  INTERNAL: { status: 500, retriable: true, message: 'internal error' },
  PUBLISH_FAILED: { status: 503, retriable: true, message: 'the event log did not accept the event' },
  NOT_READY: { status: 503, retriable: true, message: 'the materialized state is still catching up' },
} as const satisfies Record<string, { status: number; retriable: boolean; message: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export function isApiErrorCode(code: string): code is ApiErrorCode {
  return Object.hasOwn(API_ERRORS, code);
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly statusCode: number;
  readonly retriable: boolean;
  constructor(
    readonly code: ApiErrorCode,
    message?: string,
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message ?? API_ERRORS[code].message, options);
    this.statusCode = API_ERRORS[code].status;
    this.retriable = API_ERRORS[code].retriable;
  }
}

export interface ErrorBody {
  readonly error: { readonly code: ApiErrorCode; readonly message: string; readonly details?: unknown };
  readonly requestId: string;
}

export function errorBody(error: ApiError, requestId: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
    requestId,
  };
}

/** The JSON schema of an error body, for the OpenAPI document. */
export const ERROR_SCHEMA = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', enum: Object.keys(API_ERRORS) },
        message: { type: 'string' },
        details: {},
      },
      required: ['code', 'message'],
    },
    requestId: { type: 'string' },
  },
  required: ['error', 'requestId'],
} as const;
