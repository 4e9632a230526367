/**
 * Whether a failed ClickHouse call may succeed if simply tried again: the server (or the local
 * shim) is unreachable, overloaded or restarting, as opposed to a request that is wrong and
 * will fail the same way every time (bad SQL, a row the table refuses). The sink retries the
 * first kind without end (an outage pauses it) and crashes on the second.
 */
const RETRIABLE_NODE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** ClickHouse's own error names (ClickHouseError.type) that describe the server's state, not the request. */
const RETRIABLE_CLICKHOUSE_TYPES: ReadonlySet<string> = new Set([
  'TIMEOUT_EXCEEDED',
  'TOO_MANY_SIMULTANEOUS_QUERIES',
  'MEMORY_LIMIT_EXCEEDED',
  'TOO_MANY_PARTS',
  'SOCKET_TIMEOUT',
  'NETWORK_ERROR',
  'ABORTED',
  'TABLE_IS_READ_ONLY',
  'UNKNOWN_STATUS_OF_INSERT',
  'TOO_FEW_LIVE_REPLICAS',
  'ALL_CONNECTION_TRIES_FAILED',
  'KEEPER_EXCEPTION',
  'SERVER_OVERLOADED',
  'CANNOT_SCHEDULE_TASK',
]);

export function isRetriableClickHouseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, type, message, cause, retriable } = error as {
    code?: unknown;
    type?: unknown;
    message?: unknown;
    cause?: unknown;
    retriable?: unknown;
  };
  if (retriable === true) return true;
  if (typeof type === 'string' && RETRIABLE_CLICKHOUSE_TYPES.has(type)) return true;
  if (typeof code === 'string' && RETRIABLE_NODE_CODES.has(code)) return true;
  // The client's own request timeout and a socket the server closed mid-response.
  if (typeof message === 'string' && /^Timeout error\b|socket hang up|other side closed/i.test(message))
    return true;
  // A proxy or load balancer in front of the server answering for it.
  if (
    typeof message === 'string' &&
    /\b(502|503|504)\b.*(Bad Gateway|Service Unavailable|Gateway Timeout)/i.test(message)
  )
    return true;
  return cause !== undefined && cause !== error && isRetriableClickHouseError(cause);
}
