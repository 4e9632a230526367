import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { createClickHouse } from '../../../services/shared/clickhouse/create-client.ts';
import { createEmbeddedEventLog } from '../../../services/shared/embedded-store/embedded-event-log.ts';
import type {
  EmbeddedEventLog,
  EmbeddedEventLogOptions,
} from '../../../services/shared/embedded-store/embedded-event-log.ts';
import { createLogStore } from '../../../services/shared/embedded-store/log-store.ts';
import type { LogStoreOptions } from '../../../services/shared/embedded-store/log-store.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { uniqueSuffix } from '../../contract/event-log-fixture.ts';
import type { EventLogFixture } from '../../contract/event-log-fixture.ts';

/**
 * chDB binds one data directory per process, so a test file shares one (made on first use and
 * removed at exit) and every store gets a database of its own in it.
 */
let dataDir: string | undefined;
function sharedDataDir(): string {
  if (dataDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'submerge-embedded-test-'));
    dataDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return dataDir;
}

export interface StoreDatabase {
  readonly database: string;
  /** A client bound to the database (created on first call); closed by `close`. */
  client(): Promise<ClickHouseClient>;
  close(): Promise<void>;
}

/** A fresh database in the file's chDB data directory. */
export function storeDatabase(prefix = 'emb'): StoreDatabase {
  const database = `${prefix}_${randomBytes(6).toString('hex')}`;
  const clients: ClickHouseClient[] = [];
  return {
    database,
    async client() {
      const admin = createClickHouse({ mode: 'embedded', dataDir: sharedDataDir() });
      try {
        await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
      } finally {
        await admin.close();
      }
      const client = createClickHouse({ mode: 'embedded', dataDir: sharedDataDir(), database });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
    },
  };
}

export const silentLogger = createLogger({ service: 'test', level: 'silent' });

/** An embedded log over a store in `db` (opened, not restored). */
export async function openEmbeddedLog(
  db: StoreDatabase,
  options: Partial<Omit<EmbeddedEventLogOptions, 'store'>> & { readonly store?: LogStoreOptions } = {},
): Promise<EmbeddedEventLog> {
  const { store: storeOptions, ...rest } = options;
  const store = createLogStore(await db.client(), storeOptions);
  await store.open();
  return createEmbeddedEventLog({ store, logger: silentLogger, ...rest });
}

/** The contract suites' fixture over an embedded log with its own database. */
export async function embeddedFixture(): Promise<EventLogFixture> {
  const db = storeDatabase();
  const log = await openEmbeddedLog(db);
  return {
    log,
    async topic(prefix, partitions, { compacted = false } = {}) {
      const name = `${prefix}-${uniqueSuffix()}`;
      await log.ensureTopics([{ name, partitions, compacted }]);
      return name;
    },
    async namedTopic(name, partitions, { compacted = false } = {}) {
      await log.ensureTopics([{ name, partitions, compacted }]);
      return name;
    },
    group: (prefix) => `${prefix}-${uniqueSuffix()}`,
    peer: () => log,
    async cleanup() {
      await log.close();
      await db.close();
    },
  };
}
