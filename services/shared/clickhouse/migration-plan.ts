import type { Migration } from './migration-files.ts';
import { MIGRATION_ERROR, MigrationError } from './migration-error.ts';

/** A row of schema_migrations. */
export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
}

export interface MigrationPlan {
  /** Not applied yet, in version order. */
  readonly pending: readonly Migration[];
  readonly applied: readonly AppliedMigration[];
  /**
   * Applied versions this code does not know (a newer release migrated the database). Not an
   * error: an older instance may still run during a rollout; callers log it.
   */
  readonly unknownApplied: readonly AppliedMigration[];
}

/**
 * Pure: what to apply. An applied migration whose file changed is an error naming every such
 * file: the database was built from different SQL than the repository holds, and silently
 * going on would leave them apart for good. Fix by restoring the file and adding a new
 * migration for the change.
 */
export function planMigrations(
  files: readonly Migration[],
  applied: readonly AppliedMigration[],
): MigrationPlan {
  const appliedByVersion = new Map(applied.map((a) => [a.version, a]));
  const known = new Set(files.map((f) => f.version));
  const changed = files.flatMap((file) => {
    const row = appliedByVersion.get(file.version);
    return row !== undefined && row.checksum !== file.checksum ? [{ file, row }] : [];
  });
  if (changed.length > 0) {
    throw new MigrationError(
      MIGRATION_ERROR.checksumMismatch,
      `applied migrations changed since they were applied: ${changed
        .map(
          ({ file, row }) =>
            `${file.file} (applied ${row.checksum.slice(0, 12)}, file ${file.checksum.slice(0, 12)})`,
        )
        .join(', ')}. Restore them and put the change in a new migration.`,
    );
  }
  return {
    pending: files.filter((f) => !appliedByVersion.has(f.version)),
    applied: [...applied].sort((a, b) => a.version - b.version),
    unknownApplied: applied.filter((a) => !known.has(a.version)).sort((a, b) => a.version - b.version),
  };
}
