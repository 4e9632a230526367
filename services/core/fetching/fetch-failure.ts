import { FETCH_OUTCOMES } from '../../shared/events/fetch-outcome.ts';
import type { FetchOutcome } from '../../shared/events/fetch-outcome.ts';

/** Error codes the fetcher itself gives failures (undici's and node's codes pass through as they are). */
export const FETCH_ERROR_CODES = {
  /** The URL or an address it resolved to is loopback/private/link-local/metadata. */
  addressBlocked: 'ADDRESS_BLOCKED',
  /** The name resolved to no address at all. */
  noAddress: 'DNS_NO_ADDRESS',
  /** The attempt's overall deadline passed (a slow-drip body, a stalled server). */
  deadline: 'FETCH_DEADLINE',
  /** Content-Length or the bytes on the wire exceeded the wire cap. */
  bodyTooLarge: 'BODY_TOO_LARGE',
  /** The decoded body exceeded the decoded cap (a compression bomb). */
  decodedTooLarge: 'DECODED_TOO_LARGE',
  /** The compressed body for the log exceeded what one raw-topic record may carry. */
  storedTooLarge: 'STORED_BODY_TOO_LARGE',
  /** A redirect came back to a URL already visited. */
  redirectLoop: 'REDIRECT_LOOP',
  tooManyRedirects: 'TOO_MANY_REDIRECTS',
  /** A redirect without a usable Location, or to a scheme other than http(s). */
  badRedirect: 'BAD_REDIRECT',
  /** Content-Encoding we cannot (or will not) decode. */
  unsupportedEncoding: 'UNSUPPORTED_ENCODING',
  /** 304 to a request that was not conditional: nothing to be "not modified" from. */
  unsolicitedNotModified: 'UNSOLICITED_304',
  /** Stopped by shutdown. */
  aborted: 'FETCH_ABORTED',
  /** Not an absolute http(s) URL (a catalog record from a foreign producer): nothing to connect to. */
  unsupportedUrl: 'UNSUPPORTED_URL',
} as const;
export type FetchErrorCode = (typeof FETCH_ERROR_CODES)[keyof typeof FETCH_ERROR_CODES];

const OWN: Readonly<Record<string, FetchOutcome>> = {
  [FETCH_ERROR_CODES.addressBlocked]: FETCH_OUTCOMES.addressBlocked,
  [FETCH_ERROR_CODES.noAddress]: FETCH_OUTCOMES.dnsError,
  [FETCH_ERROR_CODES.deadline]: FETCH_OUTCOMES.timeout,
  [FETCH_ERROR_CODES.bodyTooLarge]: FETCH_OUTCOMES.bodyTooLarge,
  [FETCH_ERROR_CODES.storedTooLarge]: FETCH_OUTCOMES.bodyTooLarge,
  [FETCH_ERROR_CODES.decodedTooLarge]: FETCH_OUTCOMES.decodedTooLarge,
  [FETCH_ERROR_CODES.redirectLoop]: FETCH_OUTCOMES.tooManyRedirects,
  [FETCH_ERROR_CODES.tooManyRedirects]: FETCH_OUTCOMES.tooManyRedirects,
  [FETCH_ERROR_CODES.badRedirect]: FETCH_OUTCOMES.invalidResponse,
  [FETCH_ERROR_CODES.unsupportedEncoding]: FETCH_OUTCOMES.invalidResponse,
  [FETCH_ERROR_CODES.unsolicitedNotModified]: FETCH_OUTCOMES.invalidResponse,
  [FETCH_ERROR_CODES.aborted]: FETCH_OUTCOMES.aborted,
  [FETCH_ERROR_CODES.unsupportedUrl]: FETCH_OUTCOMES.connectError,
  // undici
  UND_ERR_CONNECT_TIMEOUT: FETCH_OUTCOMES.timeout,
  UND_ERR_HEADERS_TIMEOUT: FETCH_OUTCOMES.timeout,
  UND_ERR_BODY_TIMEOUT: FETCH_OUTCOMES.timeout,
  UND_ERR_SOCKET: FETCH_OUTCOMES.connectError,
  UND_ERR_CLOSED: FETCH_OUTCOMES.connectError,
  UND_ERR_ABORTED: FETCH_OUTCOMES.aborted,
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: FETCH_OUTCOMES.invalidResponse,
  UND_ERR_RES_EXCEEDED_MAX_SIZE: FETCH_OUTCOMES.bodyTooLarge,
  UND_ERR_HEADERS_OVERFLOW: FETCH_OUTCOMES.invalidResponse,
  UND_ERR_INFO: FETCH_OUTCOMES.invalidResponse,
  // node: name resolution
  ENOTFOUND: FETCH_OUTCOMES.dnsError,
  EAI_AGAIN: FETCH_OUTCOMES.dnsError,
  EAI_NODATA: FETCH_OUTCOMES.dnsError,
  EAI_NONAME: FETCH_OUTCOMES.dnsError,
  EAI_FAIL: FETCH_OUTCOMES.dnsError,
  ENODATA: FETCH_OUTCOMES.dnsError,
  ESERVFAIL: FETCH_OUTCOMES.dnsError,
  // node: sockets
  ETIMEDOUT: FETCH_OUTCOMES.timeout,
  ECONNREFUSED: FETCH_OUTCOMES.connectError,
  ECONNRESET: FETCH_OUTCOMES.connectError,
  ECONNABORTED: FETCH_OUTCOMES.connectError,
  EHOSTUNREACH: FETCH_OUTCOMES.connectError,
  ENETUNREACH: FETCH_OUTCOMES.connectError,
  EPIPE: FETCH_OUTCOMES.connectError,
  EPROTO: FETCH_OUTCOMES.tlsError,
  // zlib: a body that claims an encoding it does not have
  Z_DATA_ERROR: FETCH_OUTCOMES.invalidResponse,
  Z_BUF_ERROR: FETCH_OUTCOMES.invalidResponse,
};

/** The outcome of an attempt that failed with `code` (our own, undici's or node's). */
export function outcomeForError(code: string): FetchOutcome {
  const own = OWN[code];
  if (own !== undefined) return own;
  if (code.startsWith('HPE_')) return FETCH_OUTCOMES.invalidResponse;
  // Brotli reports ERR__ERROR_FORMAT_*, zlib Z_*.
  if (code.startsWith('ERR__ERROR_') || code.startsWith('ERR_ZLIB') || code.startsWith('Z_')) {
    return FETCH_OUTCOMES.invalidResponse;
  }
  if (
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    code.includes('CERT') ||
    code.startsWith('UNABLE_TO_') ||
    code.startsWith('SSL_')
  ) {
    return FETCH_OUTCOMES.tlsError;
  }
  // An unknown failure happened somewhere between socket and response.
  return FETCH_OUTCOMES.connectError;
}

/**
 * The outcome of a response by its status. `conditional`: the request carried validators, so
 * a 304 means "unchanged"; without them a 304 is a broken server, not a fact about the body.
 */
export function outcomeForStatus(
  status: number,
  { conditional, retryAfter }: { readonly conditional: boolean; readonly retryAfter: boolean },
): {
  readonly outcome: FetchOutcome;
  readonly errorCode: string | null;
} {
  if (status >= 200 && status < 300) return { outcome: FETCH_OUTCOMES.ok, errorCode: null };
  if (status === 304) {
    return conditional
      ? { outcome: FETCH_OUTCOMES.notModified, errorCode: null }
      : { outcome: FETCH_OUTCOMES.invalidResponse, errorCode: FETCH_ERROR_CODES.unsolicitedNotModified };
  }
  // A 503 naming a Retry-After asks us to come back later, exactly like a 429.
  if (status === 429 || (status === 503 && retryAfter)) {
    return { outcome: FETCH_OUTCOMES.rateLimited, errorCode: `HTTP_${status}` };
  }
  return { outcome: FETCH_OUTCOMES.httpError, errorCode: `HTTP_${status}` };
}
