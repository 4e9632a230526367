/**
 * What one fetch attempt came to (`sources.fetched.v1` outcome). A closed set in code, a
 * string on the wire: adding an outcome must not break readers compiled before it.
 */
export const FETCH_OUTCOMES = {
  /** 2xx with a body. */
  ok: 'ok',
  /** 304 to a conditional GET: the previous body still holds. */
  notModified: 'not-modified',
  /** A non-2xx status other than 304/429. */
  httpError: 'http-error',
  /** 429, or 503 with Retry-After: the source asked us to back off. */
  rateLimited: 'rate-limited',
  timeout: 'timeout',
  dnsError: 'dns-error',
  connectError: 'connect-error',
  tlsError: 'tls-error',
  tooManyRedirects: 'too-many-redirects',
  /** The body on the wire exceeded the cap. */
  bodyTooLarge: 'body-too-large',
  /** The body grew past the cap while content-decoding (gzip bomb). */
  decodedTooLarge: 'decoded-too-large',
  /** The URL resolved to a loopback / private / link-local / metadata address. */
  addressBlocked: 'address-blocked',
  /** A response that is not HTTP we can use (bad headers, broken encoding). */
  invalidResponse: 'invalid-response',
  /** Cancelled by shutdown. */
  aborted: 'aborted',
} as const;
export type FetchOutcome = (typeof FETCH_OUTCOMES)[keyof typeof FETCH_OUTCOMES];

const OUTCOME_SET: ReadonlySet<string> = new Set(Object.values(FETCH_OUTCOMES));

export function isFetchOutcome(value: string): value is FetchOutcome {
  return OUTCOME_SET.has(value);
}

/** How `FetchBody.data` is compressed on the raw topic. */
export const BODY_COMPRESSIONS = { gzip: 'gzip', identity: 'identity' } as const;
export type BodyCompression = (typeof BODY_COMPRESSIONS)[keyof typeof BODY_COMPRESSIONS];
