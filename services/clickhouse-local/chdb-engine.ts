import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Session } from 'chdb';

export interface EngineQuery {
  readonly prelude: readonly string[];
  readonly sql: string;
  readonly format: string;
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
  close(): void;
}

/**
 * The ClickHouse engine (libchdb) bound to one data directory for the life of this process.
 * libchdb takes an exclusive lock on the directory, so a second process opening it fails here
 * instead of corrupting it. Each query runs on its own short-lived session (a connection to the
 * already-open engine, well under a millisecond), so what one request SETs never reaches the next.
 */
export async function openChdbEngine(dataDir: string): Promise<ChdbEngine> {
  const path = resolve(dataDir);
  mkdirSync(path, { recursive: true });
  const anchor = new Session(path);
  try {
    const info = (
      await anchor.queryAsync('SELECT version() AS version, timezone() AS timezone', {
        format: 'JSONEachRow',
      })
    ).json<{ version: string; timezone: string }>();
    return {
      dataDir: path,
      version: info.version,
      timezone: info.timezone,
      async execute({ prelude, sql, format }) {
        const session = new Session(path);
        try {
          if (prelude.length > 0) await session.queryAsync(prelude.join('; '));
          const r = await session.queryAsync(sql, { format });
          const bytes = r.bytes();
          return {
            body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
            rowsRead: r.rowsRead,
            bytesRead: r.bytesRead,
            elapsedSeconds: r.elapsed,
          };
        } finally {
          session.close();
        }
      },
      close: () => anchor.close(),
    };
  } catch (error) {
    anchor.close();
    throw error;
  }
}
