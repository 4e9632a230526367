/**
 * Failures in the shape a ClickHouse server gives them over HTTP: a status code chosen from the
 * error's name (as the server's HTTP handler does), the header X-ClickHouse-Exception-Code, and
 * a body `Code: N. DB::Exception: <message>. (NAME) (version V)` that @clickhouse/client parses
 * into a ClickHouseError with `code` and `type`.
 */
export interface ClickHouseFailure {
  readonly status: number;
  readonly code: number;
  readonly name: string;
  /** `Code: N. DB::Exception: ... (NAME)`, without the version suffix. */
  readonly text: string;
}

/** The ClickHouse error codes the shim raises itself (numbers as the engine names them). */
export const SHIM_ERROR = {
  BAD_ARGUMENTS: 36,
  NOT_IMPLEMENTED: 48,
  SYNTAX_ERROR: 62,
  UNKNOWN_COMPRESSION_METHOD: 89,
  TOO_MANY_SIMULTANEOUS_QUERIES: 202,
  CANNOT_DECOMPRESS: 271,
  LIMIT_EXCEEDED: 290,
  STD_EXCEPTION: 1001,
} as const;
export type ShimErrorName = keyof typeof SHIM_ERROR;

// From ClickHouse's HTTPHandler (exceptionCodeToHTTPStatus); everything else is a 500.
const BAD_REQUEST = new Set([
  'BAD_ARGUMENTS',
  'CANNOT_COMPILE_REGEXP',
  'CANNOT_PARSE_TEXT',
  'CANNOT_PARSE_ESCAPE_SEQUENCE',
  'CANNOT_PARSE_QUOTED_STRING',
  'CANNOT_PARSE_DATE',
  'CANNOT_PARSE_DATETIME',
  'CANNOT_PARSE_NUMBER',
  'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING',
  'CANNOT_PARSE_IPV4',
  'CANNOT_PARSE_IPV6',
  'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
  'CANNOT_PARSE_UUID',
  'DUPLICATE_COLUMN',
  'ILLEGAL_COLUMN',
  'UNKNOWN_ELEMENT_IN_AST',
  'UNKNOWN_TYPE_OF_AST_NODE',
  'THERE_IS_NO_COLUMN',
  'TOO_DEEP_AST',
  'TOO_BIG_AST',
  'UNEXPECTED_AST_STRUCTURE',
  'SYNTAX_ERROR',
  'INCORRECT_DATA',
  'TYPE_MISMATCH',
  'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
  'UNKNOWN_COMPRESSION_METHOD',
  'CANNOT_DECOMPRESS',
]);
const NOT_FOUND = new Set([
  'UNKNOWN_TABLE',
  'UNKNOWN_FUNCTION',
  'UNKNOWN_IDENTIFIER',
  'UNKNOWN_TYPE',
  'UNKNOWN_STORAGE',
  'UNKNOWN_DATABASE',
  'UNKNOWN_SETTING',
  'UNKNOWN_DIRECTION_OF_SORTING',
  'UNKNOWN_AGGREGATE_FUNCTION',
  'UNKNOWN_FORMAT',
  'UNKNOWN_DATABASE_ENGINE',
  'UNKNOWN_TYPE_OF_QUERY',
  'UNKNOWN_ROLE',
]);
const OTHER_STATUS: Readonly<Record<string, number>> = {
  REQUIRED_PASSWORD: 401,
  UNKNOWN_USER: 403,
  WRONG_PASSWORD: 403,
  AUTHENTICATION_FAILED: 403,
  ACCESS_DENIED: 403,
  READONLY: 403,
  TIMEOUT_EXCEEDED: 408,
  LIMIT_EXCEEDED: 413,
  NOT_IMPLEMENTED: 501,
  TOO_MANY_SIMULTANEOUS_QUERIES: 503,
};

export function httpStatusFor(name: string): number {
  if (BAD_REQUEST.has(name)) return 400;
  if (NOT_FOUND.has(name)) return 404;
  return OTHER_STATUS[name] ?? 500;
}

/** A failure the shim raises itself, before or instead of asking the engine. */
export function shimFailure(name: ShimErrorName, message: string, status?: number): ClickHouseFailure {
  const code = SHIM_ERROR[name];
  return {
    status: status ?? httpStatusFor(name),
    code,
    name,
    text: `Code: ${code}. DB::Exception: ${message}. (${name})`,
  };
}

// The engine's text: `Code: 62. DB::Exception: Syntax error: ... (SYNTAX_ERROR)`. The name is the
// last parenthesised run of capitals, as in the official client's own parser.
const ENGINE_CODE = /^Code: (\d+)\./;
const ERROR_NAME = /\(([A-Z0-9_]*[A-Z]{3}[A-Z0-9_]*)\)/g;

/** Map whatever the engine threw to a failure; anything without ClickHouse's shape is a 500. */
export function failureFromEngine(error: unknown): ClickHouseFailure {
  const text = (error instanceof Error ? error.message : String(error)).trim();
  const code = ENGINE_CODE.exec(text)?.[1];
  const name = [...text.matchAll(ERROR_NAME)].at(-1)?.[1];
  if (code !== undefined && name !== undefined)
    return { status: httpStatusFor(name), code: Number(code), name, text };
  return shimFailure('STD_EXCEPTION', text.replace(/\.$/, ''));
}

export function failureBody(failure: ClickHouseFailure, engineVersion: string): string {
  return `${failure.text} (version ${engineVersion})\n`;
}
