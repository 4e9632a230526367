/**
 * clickhouse-local: ONE ClickHouse for every process of a local run.
 *
 * libchdb (the ClickHouse engine inside the `chdb` package) binds one data directory per process
 * and locks it against every other process, so services in separate processes cannot each open
 * the same directory. This process owns it and serves the subset of ClickHouse's HTTP interface
 * that @clickhouse/client uses, so every service connects with mode 'http' exactly as it does to
 * a real server in production. See docs/clickhouse-local.md.
 *
 * Usage: node --import tsx services/clickhouse-local/main.ts --data-dir DIR [--port 18123]
 */
import { pino } from 'pino';
import { openChdbEngine, type ChdbEngine } from './chdb-engine.ts';
import { LOOPBACK_HOST, parseShimOptions } from './options.ts';
import { createShimServer } from './server.ts';

const SHUTDOWN_GRACE_MS = 10_000;

const parsed = parseShimOptions(process.argv.slice(2));
if (!parsed.ok) {
  process.stderr.write(`clickhouse-local: invalid options:\n  - ${parsed.problems.join('\n  - ')}\n`);
  process.exit(2);
}
const { options } = parsed;
const logger = pino({ name: 'clickhouse-local', level: options.logLevel });
const started = performance.now();

let engine: ChdbEngine;
try {
  engine = await openChdbEngine(options.dataDir);
} catch (error) {
  logger.fatal(
    { err: error, dataDir: options.dataDir },
    'cannot open the chDB data directory (another process, e.g. a running clickhouse-local, may hold its lock)',
  );
  process.exit(1);
}

const server = createShimServer({
  engine,
  maxBodyBytes: options.maxBodyBytes,
  maxConcurrentQueries: options.maxConcurrentQueries,
  logger,
});
server.on('error', (error) => {
  logger.fatal({ err: error, port: options.port }, 'cannot listen');
  engine.close();
  process.exit(1);
});
server.listen(options.port, LOOPBACK_HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  logger.info(
    {
      host: LOOPBACK_HOST,
      port,
      dataDir: engine.dataDir,
      version: engine.version,
      readyMs: Math.round(performance.now() - started),
    },
    'clickhouse-local ready',
  );
});

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  // Queries in flight finish; idle keep-alive sockets would otherwise hold close() open.
  const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  server.close(() => {
    clearTimeout(force);
    engine.close();
    logger.info('stopped');
    process.exit(0);
  });
  server.closeIdleConnections();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
