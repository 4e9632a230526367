/**
 * Every error the analytics endpoints answer with: a stable `code` clients match on, the HTTP
 * status, and whether retrying may help. Bodies are `{ "error": { code, message, details? },
 * "requestId" }`, the read API's shape.
 */
export const ANALYTICS_ERRORS = {
  /** A parameter is missing, malformed or out of its bounds (details name each one). */
  ANALYTICS_INVALID_INPUT: { status: 400, retriable: false },
  /** The range is longer than allowed, or the resolution would make too many buckets. */
  ANALYTICS_RANGE_TOO_LARGE: { status: 400, retriable: false },
  /** No history at all for this source or config. */
  ANALYTICS_NOT_FOUND: { status: 404, retriable: false },
  /** The query ran past its time limit (max_execution_time). */
  ANALYTICS_TIMEOUT: { status: 504, retriable: true },
  /** ClickHouse is unreachable or overloaded. */
  ANALYTICS_UNAVAILABLE: { status: 503, retriable: true },
  /** ClickHouse refused the query for another reason: a bug, logged. */
  ANALYTICS_QUERY_FAILED: { status: 500, retriable: false },
} as const satisfies Record<string, { status: number; retriable: boolean }>;

export type AnalyticsErrorCode = keyof typeof ANALYTICS_ERRORS;
export const ANALYTICS_ERROR_CODES = Object.keys(ANALYTICS_ERRORS) as AnalyticsErrorCode[];

export interface InputIssue {
  /** Where: `query.from`, `params.id`. */
  readonly path: string;
  readonly message: string;
}

export class AnalyticsError extends Error {
  override readonly name = 'AnalyticsError';
  readonly statusCode: number;
  readonly retriable: boolean;
  constructor(
    readonly code: AnalyticsErrorCode,
    message: string,
    readonly details?: { readonly issues: readonly InputIssue[] },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.statusCode = ANALYTICS_ERRORS[code].status;
    this.retriable = ANALYTICS_ERRORS[code].retriable;
  }
}
