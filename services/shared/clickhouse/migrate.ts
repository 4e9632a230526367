import { hostname } from 'node:os';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ClickHouseConfig } from './clickhouse-config.ts';
import type { ClickHouseClientOptions } from './create-client.ts';
import { createClickHouse } from './create-client.ts';
import { isRetriableClickHouseError } from './clickhouse-retriable.ts';
import { dateTime64Text } from './datetime-text.ts';
import { loadMigrations } from './migration-files.ts';
import type { Migration } from './migration-files.ts';
import { MIGRATION_ERROR, MigrationError } from './migration-error.ts';
import { planMigrations } from './migration-plan.ts';
import type { AppliedMigration, MigrationPlan } from './migration-plan.ts';
import { quoteIdentifier } from './session-prelude.ts';

/** Where applied migrations are recorded, in the migrated database itself. */
export const MIGRATIONS_TABLE = 'schema_migrations';

// ReplacingMergeTree on version: two instances starting at once may both record a migration
// (every statement is idempotent, so both applying it is harmless); the copies fold together.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE}
(
    version      UInt32,
    name         String,
    checksum     String,
    applied_at   DateTime64(3, 'UTC'),
    duration_ms  UInt32,
    applied_by   String
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version
COMMENT 'Migrations from infra/clickhouse applied to this database, with the sha256 of each file as applied.'`;

/** Small hook so callers log with their own logger (pino's `info(object, message)` fits). */
export interface MigrationLogger {
  info(bindings: object, message: string): void;
  warn(bindings: object, message: string): void;
}

export interface MigrateOptions {
  /** Default: every file of infra/clickhouse. */
  readonly migrations?: readonly Migration[];
  /** Recorded with each migration (default `<hostname>/<pid>`). */
  readonly appliedBy?: string;
  readonly logger?: MigrationLogger;
  readonly clock?: () => number;
}

export interface AppliedNow {
  readonly version: number;
  readonly name: string;
  readonly durationMs: number;
}

export interface MigrateResult {
  readonly applied: readonly AppliedNow[];
  /** Migrations that were already applied before this run. */
  readonly upToDate: number;
  readonly unknownApplied: readonly AppliedMigration[];
}

/**
 * Applies the pending migrations, in version order, to the client's database, and records each
 * one after its last statement succeeded. Idempotent: a second run applies nothing. ClickHouse
 * DDL is not transactional, so every statement of a migration is written to be re-runnable
 * (IF NOT EXISTS): a run that died half-way through a migration completes it on the next one.
 * An applied migration whose file changed is an error (MIGRATION_CHECKSUM_MISMATCH).
 */
export async function migrate(
  client: ClickHouseClient,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const { appliedBy = `${hostname()}/${process.pid}`, logger, clock = Date.now } = options;
  const migrations = options.migrations ?? (await loadMigrations());
  const plan = await migrationStatus(client, migrations);
  for (const unknown of plan.unknownApplied) {
    logger?.warn(
      { version: unknown.version, name: unknown.name },
      'database has a migration this code does not know',
    );
  }
  const applied: AppliedNow[] = [];
  for (const migration of plan.pending) {
    const started = clock();
    for (const [index, statement] of migration.statements.entries()) {
      try {
        await client.command({ query: statement });
      } catch (cause) {
        throw new MigrationError(
          MIGRATION_ERROR.failed,
          `${migration.file}: statement ${index + 1} of ${migration.statements.length} failed: ${messageOf(cause)}`,
          { cause, retriable: isRetriableClickHouseError(cause) },
        );
      }
    }
    const durationMs = Math.max(0, clock() - started);
    await client.insert({
      table: MIGRATIONS_TABLE,
      format: 'JSONEachRow',
      values: [
        {
          version: migration.version,
          name: migration.name,
          checksum: migration.checksum,
          applied_at: dateTime64Text(clock()),
          duration_ms: durationMs,
          applied_by: appliedBy,
        },
      ],
    });
    logger?.info({ version: migration.version, name: migration.name, durationMs }, 'migration applied');
    applied.push({ version: migration.version, name: migration.name, durationMs });
  }
  return {
    applied,
    upToDate: plan.applied.length - plan.unknownApplied.length,
    unknownApplied: plan.unknownApplied,
  };
}

/** What is applied and what is pending, without changing anything but the (idempotent) migrations table. */
export async function migrationStatus(
  client: ClickHouseClient,
  migrations: readonly Migration[],
): Promise<MigrationPlan> {
  await client.command({ query: CREATE_MIGRATIONS_TABLE });
  const rs = await client.query({
    query: `SELECT version, name, checksum FROM ${MIGRATIONS_TABLE} FINAL ORDER BY version`,
    format: 'JSONEachRow',
  });
  const applied = await rs.json<AppliedMigration>();
  return planMigrations(
    migrations,
    applied.map((a) => ({ version: Number(a.version), name: a.name, checksum: a.checksum })),
  );
}

/**
 * Creates the configured database when it is missing. The client the services use is bound to
 * that database, and a server refuses every request naming a database that does not exist, so
 * this goes through a short-lived client bound to none.
 */
export async function ensureDatabase(
  config: ClickHouseConfig,
  options: ClickHouseClientOptions = {},
): Promise<void> {
  if (config.database === undefined) return;
  const { database, ...unbound } = config;
  const admin = createClickHouse(unbound, options);
  try {
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}` });
  } finally {
    await admin.close();
  }
}

/** What a service runs at start and the migrate command runs: database, then migrations. */
export async function migrateDatabase(
  config: ClickHouseConfig,
  options: MigrateOptions & { readonly client?: ClickHouseClientOptions } = {},
): Promise<MigrateResult> {
  await ensureDatabase(config, options.client);
  const client = createClickHouse(config, options.client);
  try {
    return await migrate(client, options);
  } finally {
    await client.close();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
