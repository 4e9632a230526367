/**
 * Stable reason codes for everything a parse can say about its input. Callers and
 * stored statistics match on these strings; never rename one, add new ones.
 */
export const DIAGNOSTIC_CODES = {
  // container level
  emptyBody: 'EMPTY_BODY',
  htmlBody: 'HTML_BODY',
  unknownContainer: 'UNKNOWN_CONTAINER',
  invalidYaml: 'INVALID_YAML',
  invalidJson: 'INVALID_JSON',
  bodyTooLarge: 'BODY_TOO_LARGE',
  // line level
  commentLine: 'COMMENT_LINE',
  metadataLine: 'METADATA_LINE',
  garbageLine: 'GARBAGE_LINE',
  gluedLinks: 'GLUED_LINKS',
  lineTooLong: 'LINE_TOO_LONG',
  unknownScheme: 'UNKNOWN_SCHEME',
  unsupportedEntry: 'UNSUPPORTED_ENTRY',
  // link level
  malformedLink: 'MALFORMED_LINK',
  invalidBase64: 'INVALID_BASE64',
  truncatedPayload: 'TRUNCATED_PAYLOAD',
  invalidHost: 'INVALID_HOST',
  invalidPort: 'INVALID_PORT',
  invalidUuid: 'INVALID_UUID',
  invalidCipher: 'INVALID_CIPHER',
  invalidKey: 'INVALID_KEY',
  missingField: 'MISSING_FIELD',
  fieldTooLong: 'FIELD_TOO_LONG',
  invalidValue: 'INVALID_VALUE',
  mislabeledScheme: 'MISLABELED_SCHEME',
  // address guard
  loopbackAddress: 'LOOPBACK_ADDRESS',
  privateAddress: 'PRIVATE_ADDRESS',
  linkLocalAddress: 'LINK_LOCAL_ADDRESS',
  metadataAddress: 'METADATA_ADDRESS',
  reservedAddress: 'RESERVED_ADDRESS',
  // warnings: the config was kept, something was repaired or dropped
  duplicateParam: 'DUPLICATE_PARAM',
  doubleEncoded: 'DOUBLE_ENCODED',
  droppedField: 'DROPPED_FIELD',
  repairedValue: 'REPAIRED_VALUE',
  nameCleaned: 'NAME_CLEANED',
  /** The link does not say enough to be sure (vmess net=http, http:// on port 443). */
  ambiguousValue: 'AMBIGUOUS_VALUE',
} as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[keyof typeof DIAGNOSTIC_CODES];

export const SEVERITIES = { error: 'error', warning: 'warning', info: 'info' } as const;
export type Severity = (typeof SEVERITIES)[keyof typeof SEVERITIES];

/**
 * What a parse says about one place in the input. `error`: nothing was produced from
 * that place; `warning`: a config was produced but something was repaired or dropped;
 * `info`: recognised non-config content (comments, metadata).
 */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** 1-based line in the (decoded) body, or the entry index + 1 in structured containers. */
  readonly line?: number;
  /** Lower-cased scheme or container entry type, when known. */
  readonly scheme?: string;
}
