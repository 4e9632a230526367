import { mkdirSync, rmSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Session } from 'chdb';
import { fileInsertSql, withoutFileMention, type FileInsert } from './file-insert.ts';

/** Where insert bodies wait for the engine, inside the data directory (not a ClickHouse name). */
export const INSERT_FILES_DIR = 'shim-inserts';

export interface EngineQuery {
  readonly prelude: readonly string[];
  readonly sql: string;
  readonly format: string;
}

/** An insert whose data the engine reads from a file (see file-insert.ts). */
export interface EngineFileInsert {
  readonly prelude: readonly string[];
  readonly insert: FileInsert;
  /** The request body, decompressed: written to a file as it is. */
  readonly data: Buffer;
}

export interface EngineResult {
  readonly body: Buffer;
  readonly rowsRead: number;
  readonly bytesRead: number;
  readonly elapsedSeconds: number;
}

export interface ChdbEngine {
  readonly dataDir: string;
  readonly version: string;
  readonly timezone: string;
  execute(query: EngineQuery): Promise<EngineResult>;
  insertFromFile(insert: EngineFileInsert): Promise<EngineResult>;
  close(): void;
}

/**
 * The ClickHouse engine (libchdb) bound to one data directory for the life of this process.
 * libchdb takes an exclusive lock on the directory, so a second process opening it fails here
 * instead of corrupting it. Each query runs on its own short-lived session (a connection to the
 * already-open engine, well under a millisecond), so what one request SETs never reaches the next.
 * Insert data goes through files in `<dataDir>/shim-inserts` (INSERT_FILES_DIR): the directory lock
 * makes it this process's alone, so what a killed predecessor left there is cleared at open.
 */
export async function openChdbEngine(dataDir: string): Promise<ChdbEngine> {
  const path = resolve(dataDir);
  mkdirSync(path, { recursive: true });
  const anchor = new Session(path);
  const inserts = join(path, INSERT_FILES_DIR);
  let nextFile = 0;
  const run = async (session: Session, prelude: readonly string[], sql: string, format: string) => {
    if (prelude.length > 0) await session.queryAsync(prelude.join('; '));
    const r = await session.queryAsync(sql, { format });
    const bytes = r.bytes();
    return {
      body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      rowsRead: r.rowsRead,
      bytesRead: r.bytesRead,
      elapsedSeconds: r.elapsed,
    };
  };
  try {
    const info = (
      await anchor.queryAsync('SELECT version() AS version, timezone() AS timezone', {
        format: 'JSONEachRow',
      })
    ).json<{ version: string; timezone: string }>();
    // Only once a query has run is the directory surely ours (the lock), and so its inserts dir.
    rmSync(inserts, { recursive: true, force: true });
    mkdirSync(inserts);
    return {
      dataDir: path,
      version: info.version,
      timezone: info.timezone,
      async execute({ prelude, sql, format }) {
        const session = new Session(path);
        try {
          return await run(session, prelude, sql, format);
        } finally {
          session.close();
        }
      },
      async insertFromFile({ prelude, insert, data }) {
        nextFile += 1;
        const file = join(inserts, `${nextFile}.data`);
        const session = new Session(path);
        try {
          await writeFile(file, data);
          return await run(session, prelude, fileInsertSql(insert, file), 'TabSeparated');
        } catch (error) {
          if (error instanceof Error) error.message = withoutFileMention(error.message, file);
          throw error;
        } finally {
          session.close();
          await unlink(file).catch(() => undefined);
        }
      },
      close: () => {
        anchor.close();
        rmSync(inserts, { recursive: true, force: true });
      },
    };
  } catch (error) {
    anchor.close();
    throw error;
  }
}
