/**
 * Errors our ClickHouse adapter adds. Errors raised by the engine itself are not wrapped:
 * they stay the official client's ClickHouseError, whose `code` is ClickHouse's own numeric
 * code as a string ('62') and `type` its name ('SYNTAX_ERROR'), the same in both modes.
 */
export const CLICKHOUSE_ERROR = {
  configInvalid: 'CLICKHOUSE_CONFIG_INVALID',
  embeddedOpenFailed: 'CLICKHOUSE_EMBEDDED_OPEN_FAILED',
  embeddedClosed: 'CLICKHOUSE_EMBEDDED_CLOSED',
  invalidRequest: 'CLICKHOUSE_INVALID_REQUEST',
  unsupported: 'CLICKHOUSE_UNSUPPORTED',
} as const;

export type ClickHouseAdapterErrorCode = (typeof CLICKHOUSE_ERROR)[keyof typeof CLICKHOUSE_ERROR];

export class ClickHouseAdapterError extends Error {
  readonly code: ClickHouseAdapterErrorCode;
  readonly retriable: boolean;

  constructor(
    code: ClickHouseAdapterErrorCode,
    message: string,
    options: { readonly retriable?: boolean; readonly cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ClickHouseAdapterError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}
