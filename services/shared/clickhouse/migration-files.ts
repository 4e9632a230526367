import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIGRATION_ERROR, MigrationError } from './migration-error.ts';
import { splitSqlStatements } from './sql-statements.ts';

/** One numbered migration as read from `infra/clickhouse/NNN_name.sql`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly file: string;
  /** sha256 of the text with line endings normalised, so a checkout with CRLF is not a change. */
  readonly checksum: string;
  readonly statements: readonly string[];
}

/** The repository's migrations folder, found from this file so any working directory works. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../infra/clickhouse/', import.meta.url));

const FILE_NAME = /^(\d{3,})_([a-z0-9][a-z0-9_]*)\.sql$/;

export function migrationChecksum(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}

/** Pure: a migration from its file name and text. */
export function parseMigration(file: string, text: string): Migration {
  const match = FILE_NAME.exec(file);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new MigrationError(
      MIGRATION_ERROR.invalidName,
      `${file}: migration files are named NNN_name.sql (digits, underscore, lower-case name)`,
    );
  }
  const statements = splitSqlStatements(text);
  if (statements.length === 0)
    throw new MigrationError(MIGRATION_ERROR.empty, `${file} holds no SQL statement`);
  return { version: Number(match[1]), name: match[2], file, checksum: migrationChecksum(text), statements };
}

/** Pure: migrations in version order; two files with one version are an error. */
export function orderMigrations(migrations: readonly Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i += 1) {
    const previous = sorted[i - 1];
    const current = sorted[i];
    if (previous !== undefined && current !== undefined && previous.version === current.version) {
      throw new MigrationError(
        MIGRATION_ERROR.duplicateVersion,
        `${previous.file} and ${current.file} share version ${current.version}`,
      );
    }
  }
  return sorted;
}

/** Every `*.sql` file of the folder (other files, such as a README, are ignored). */
export async function loadMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql'));
  const migrations = await Promise.all(
    files.map(async (file) => parseMigration(file, await readFile(join(dir, file), 'utf8'))),
  );
  return orderMigrations(migrations);
}
