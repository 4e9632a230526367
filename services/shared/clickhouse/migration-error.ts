/** Errors of the migration runner; callers match on `code`. */
export const MIGRATION_ERROR = {
  /** A file in the migrations folder is not named NNN_name.sql. */
  invalidName: 'MIGRATION_INVALID_NAME',
  duplicateVersion: 'MIGRATION_DUPLICATE_VERSION',
  /** A migration file holds no statement. */
  empty: 'MIGRATION_EMPTY',
  /** An applied migration's file changed since it was applied: the schema no longer matches the files. */
  checksumMismatch: 'MIGRATION_CHECKSUM_MISMATCH',
  /** A statement failed; earlier statements of the migration may have run (DDL is not transactional). */
  failed: 'MIGRATION_FAILED',
} as const;

export type MigrationErrorCode = (typeof MIGRATION_ERROR)[keyof typeof MIGRATION_ERROR];

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly code: MigrationErrorCode;
  readonly retriable: boolean;

  constructor(
    code: MigrationErrorCode,
    message: string,
    options: { readonly retriable?: boolean; readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}
