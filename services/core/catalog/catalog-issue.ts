/** Stable codes for everything wrong with a catalog file; tools match on these, never on messages. */
export const CATALOG_ISSUE_CODES = {
  invalidYaml: 'INVALID_YAML',
  notACatalog: 'NOT_A_CATALOG',
  missingField: 'MISSING_FIELD',
  unknownField: 'UNKNOWN_FIELD',
  invalidType: 'INVALID_TYPE',
  invalidId: 'INVALID_ID',
  duplicateId: 'DUPLICATE_ID',
  emptyUrls: 'EMPTY_URLS',
  invalidUrl: 'INVALID_URL',
  unsupportedUrlScheme: 'UNSUPPORTED_URL_SCHEME',
  duplicateUrl: 'DUPLICATE_URL',
  invalidTier: 'INVALID_TIER',
  invalidFormat: 'INVALID_FORMAT',
  invalidInterval: 'INVALID_INTERVAL',
  intervalOutOfBounds: 'INTERVAL_OUT_OF_BOUNDS',
  invalidTag: 'INVALID_TAG',
} as const;
export type CatalogIssueCode = (typeof CATALOG_ISSUE_CODES)[keyof typeof CATALOG_ISSUE_CODES];

/** One problem, located: which entry (index and id, when known) and which field. */
export interface CatalogIssue {
  readonly code: CatalogIssueCode;
  /** Where, e.g. `sources[3].urls[1]`; empty for the file as a whole. */
  readonly path: string;
  /** Index in `sources`, when the problem is inside an entry. */
  readonly entryIndex?: number;
  /** The entry's id, when it has a readable one. */
  readonly entryId?: string;
  /** The field inside the entry (or at the top level), e.g. `urls[1]`, `interval`. */
  readonly field?: string;
  /** The whole story, location included: `sources[3] (id "x"): urls[1]: ...`. */
  readonly message: string;
}

export class CatalogError extends Error {
  readonly code = 'CATALOG_INVALID';
  readonly retriable = false;
  constructor(readonly issues: readonly CatalogIssue[]) {
    super(
      `invalid sources catalog (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n  - ${issues.map((i) => i.message).join('\n  - ')}`,
    );
  }
}
