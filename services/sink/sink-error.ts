/** Errors of the sink; callers match on `code`. */
export const SINK_ERROR = {
  /** ClickHouse is unreachable or overloaded: the sink waits and retries, committing nothing. */
  clickhouseUnavailable: 'SINK_CLICKHOUSE_UNAVAILABLE',
  /** ClickHouse refused an insert for a reason other than the rows (missing table, bad schema): a crash. */
  insertFailed: 'SINK_INSERT_FAILED',
  /** Stopping while a flush waited for ClickHouse: the flush is abandoned uncommitted. */
  stopped: 'SINK_STOPPED',
} as const;

export type SinkErrorCode = (typeof SINK_ERROR)[keyof typeof SINK_ERROR];

export class SinkError extends Error {
  override readonly name = 'SinkError';
  readonly code: SinkErrorCode;
  readonly retriable: boolean;
  constructor(
    code: SinkErrorCode,
    message: string,
    options: { readonly retriable?: boolean; readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}
