import { join } from 'node:path';
import { ClickHouseLogLevel } from '@clickhouse/client';
import type { Command } from 'commander';
import type { ClickHouseConfig } from '../shared/clickhouse/clickhouse-config.ts';
import { createClickHouse } from '../shared/clickhouse/create-client.ts';
import { DEFAULT_MIGRATIONS_DIR, loadMigrations } from '../shared/clickhouse/migration-files.ts';
import { ensureDatabase, migrate, migrationStatus } from '../shared/clickhouse/migrate.ts';
import { loadConfig } from '../shared/config/load-config.ts';
import type { EnvConfig } from '../shared/config/env-schema.ts';

export const MIGRATE_EXIT_CODES = { ok: 0, failed: 1, invalid: 2 } as const;

interface MigrateFlags {
  readonly status?: boolean;
  readonly dir: string;
}

/**
 * `submerge migrate [--status]`: applies the ClickHouse migrations of infra/clickhouse to the
 * configured database (SUBMERGE_CLICKHOUSE_URL, or the embedded chDB directory under
 * SUBMERGE_DATA_DIR when no URL is set), the same runner the sink uses at start.
 */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply the ClickHouse migrations (infra/clickhouse) to the configured database')
    .option('--status', 'list applied and pending migrations without applying anything')
    .option('--dir <dir>', 'migrations folder', DEFAULT_MIGRATIONS_DIR)
    .action(async (flags: MigrateFlags) => {
      process.exitCode = await runMigrate(flags);
    });
}

/** Where the migrations go, from the one parsed config. */
export function migrationTarget(config: Readonly<EnvConfig>): ClickHouseConfig {
  const database = config.SUBMERGE_CLICKHOUSE_DATABASE;
  if (config.SUBMERGE_CLICKHOUSE_URL === undefined) {
    return { mode: 'embedded', dataDir: join(config.SUBMERGE_DATA_DIR, 'clickhouse'), database };
  }
  return {
    mode: 'http',
    url: config.SUBMERGE_CLICKHOUSE_URL,
    database,
    ...(config.SUBMERGE_CLICKHOUSE_USER === undefined ? {} : { username: config.SUBMERGE_CLICKHOUSE_USER }),
    ...(config.SUBMERGE_CLICKHOUSE_PASSWORD === undefined
      ? {}
      : { password: config.SUBMERGE_CLICKHOUSE_PASSWORD }),
  };
}

async function runMigrate(flags: MigrateFlags): Promise<number> {
  const say = (line: string): void => void process.stderr.write(`submerge migrate: ${line}\n`);
  let target: ClickHouseConfig;
  try {
    target = migrationTarget(loadConfig(process.env));
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    return MIGRATE_EXIT_CODES.invalid;
  }
  const where =
    target.mode === 'http'
      ? `${target.url} database ${target.database ?? 'default'}`
      : `chDB ${target.dataDir}`;
  const quiet = { log: { level: ClickHouseLogLevel.OFF } } as const;
  try {
    const migrations = await loadMigrations(flags.dir);
    await ensureDatabase(target, quiet);
    const client = createClickHouse(target, quiet);
    try {
      if (flags.status === true) {
        const plan = await migrationStatus(client, migrations);
        for (const a of plan.applied)
          process.stdout.write(`applied  ${String(a.version).padStart(3, '0')}_${a.name}\n`);
        for (const p of plan.pending) process.stdout.write(`pending  ${p.file}\n`);
        for (const u of plan.unknownApplied) say(`applied but unknown here: ${u.version}_${u.name}`);
        return MIGRATE_EXIT_CODES.ok;
      }
      const result = await migrate(client, {
        migrations,
        logger: {
          info: (b, m) => say(`${m} ${JSON.stringify(b)}`),
          warn: (b, m) => say(`${m} ${JSON.stringify(b)}`),
        },
      });
      say(`${where}: ${result.applied.length} applied, ${result.upToDate} already up to date`);
      return MIGRATE_EXIT_CODES.ok;
    } finally {
      await client.close();
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    say(
      `${where}: ${error instanceof Error ? error.message : String(error)}${typeof code === 'string' ? ` [${code}]` : ''}`,
    );
    return MIGRATE_EXIT_CODES.failed;
  }
}
