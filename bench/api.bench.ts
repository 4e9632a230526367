/**
 * Read API throughput and memory on loopback. Not a test: it prints figures for
 * docs/benchmarks.md. The server runs in a child process (one event loop, as in production) and
 * autocannon drives it from this one, both on this machine.
 *
 *   taskset -c 1 npm run -s bench:api -- --pin [--configs 20000 --rss-configs 100000 --duration 10 --connections 10]
 *
 * With --pin the server runs on core 0 (taskset) and the load generator should run on core 1.
 * Besides wall figures it reports requests per server CPU-second: on a shared machine the wall
 * figure falls with everyone else's load, the per-CPU-second one does not.
 *
 * Scenarios (server holding --configs configs): a 304 revalidation of a 200-config base64
 * subscription; that subscription (200); a 200-config Clash subscription; the full uri list;
 * /configs paging (100 per page at varying offsets). Then a fresh child materializes
 * --rss-configs configs and reports its RSS after a GC, with the app listening and a render cached.
 *
 * Children: `--serve N` and `--rss N` (internal).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import Fastify from 'fastify';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { createReadState } from '../services/core/read-model/read-state.ts';
import type { ReadState } from '../services/core/read-model/read-state.ts';
import { createMetricsRegistry } from '../services/shared/metrics/metrics-registry.ts';
import { fastifyOptions, readApiApp } from '../services/read-api/app.ts';
import type { Publisher } from '../services/read-api/publisher.ts';
import { createReadApiMetrics } from '../services/read-api/read-api-metrics.ts';
import { DEFAULT_READ_API_SETTINGS } from '../services/read-api/settings.ts';
import type { ReadApiSettings } from '../services/read-api/settings.ts';
import { catalogEvent, currentEvent, syntheticConfig } from '../test/unit/read-api/read-fixtures.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const SOURCES = ['bench-a', 'bench-b', 'bench-c', 'bench-d'];
const SERVER_NODE_FLAGS = ['--max-semi-space-size=16'];
const PIN = process.argv.includes('--pin');

/** Folds `count` configs into a state the way the materializer does, one event at a time. */
function materialize(count: number): ReadState {
  const state = createReadState();
  for (const id of SOURCES)
    state.apply('catalog', id, catalogEvent(id, id === 'bench-a' ? 'premium' : 'bulk'));
  for (let i = 0; i < count; i++) {
    const event = currentEvent(syntheticConfig(i), [{ sourceId: SOURCES[i % SOURCES.length] as string }]);
    state.apply('current', event.fingerprint, event);
  }
  return state;
}

async function serve(state: ReadState): Promise<string> {
  const settings: ReadApiSettings = {
    ...DEFAULT_READ_API_SETTINGS,
    instanceId: 'bench',
    rateLimit: { windowMs: 60_000, anonymous: 1_000_000_000, perKey: 1_000_000_000 },
  };
  const registry = createMetricsRegistry({ service: 'read-api' });
  const metrics = createReadApiMetrics(registry);
  const refused = (): Promise<void> => Promise.reject(new Error('the benchmark publishes nothing'));
  const publisher: Publisher = {
    metadata: () => ({
      eventId: 'x',
      eventTime: 0,
      producer: 'bench',
      correlationId: 'x',
      causationId: null,
    }),
    catalogEntry: refused,
    command: refused,
    preset: refused,
    presetAccesses: refused,
    apiKey: refused,
    audit: refused,
  };
  const materializer = {
    isReady: () => true,
    isLive: () => true,
    lag: () => new Map<string, number>(),
    phase: () => 'following' as const,
  };
  const loggerInstance: FastifyBaseLogger = pino({ level: 'warn' });
  const app = Fastify({ ...fastifyOptions(settings), loggerInstance });
  await app.register(readApiApp, { state, materializer, publisher, settings, registry, metrics });
  return app.listen({ host: '127.0.0.1', port: 0 });
}

async function child(): Promise<boolean> {
  const serveAt = process.argv.indexOf('--serve');
  const rssAt = process.argv.indexOf('--rss');
  if (serveAt < 0 && rssAt < 0) return false;
  const count = Number(process.argv[(serveAt >= 0 ? serveAt : rssAt) + 1]);
  const started = performance.now();
  const state = materialize(count);
  const materializeMs = performance.now() - started;
  const url = await serve(state);
  if (serveAt >= 0) {
    process.stdout.write(`${JSON.stringify({ url, materializeMs })}\n`);
    // The parent asks for this process's CPU time around each scenario ("cpu" lines on stdin).
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', () => {
      const { user, system } = process.cpuUsage();
      process.stdout.write(`${JSON.stringify({ cpuMs: (user + system) / 1000 })}\n`);
    });
    return true;
  }
  // Warm what a serving instance holds: one render and one page.
  await fetch(`${url}/sub/base64?limit=200`).then((r) => r.arrayBuffer());
  await fetch(`${url}/configs?limit=100`).then((r) => r.arrayBuffer());
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, 200));
  gc?.();
  const memory = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({ configs: state.configCount(), materializeMs, rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external })}\n`,
  );
  process.exit(0);
}

interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number; readonly average: number };
  readonly throughput: { readonly average: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly statusCodeStats?: Readonly<Record<string, { count: number }>>;
}
interface AutocannonOptions {
  readonly url: string;
  readonly connections: number;
  readonly duration: number;
  readonly headers?: Record<string, string>;
  readonly requests?: readonly { readonly path: string }[];
}
type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;
// autocannon ships no types; this is the part of its API the benchmark uses.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Child {
  readonly first: Record<string, unknown>;
  /** The server's user + system CPU time so far, in ms. */
  cpuMs(): Promise<number>;
  stop(): void;
}

function startChild(args: string[]): Promise<Child> {
  return new Promise((resolve, reject) => {
    const command = [...SERVER_NODE_FLAGS, '--expose-gc', '--import', 'tsx', import.meta.filename, ...args];
    // The server gets core 0 to itself (as far as the machine allows); run the parent on core 1.
    const proc = PIN
      ? spawn('taskset', ['-c', '0', process.execPath, ...command], { stdio: ['pipe', 'pipe', 'inherit'] })
      : spawn(process.execPath, command, { stdio: ['pipe', 'pipe', 'inherit'] });
    const waiting: ((line: Record<string, unknown>) => void)[] = [];
    let buffer = '';
    let started = false;
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        const line = JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>;
        buffer = buffer.slice(newline + 1);
        if (!started) {
          started = true;
          resolve({
            first: line,
            cpuMs: () =>
              new Promise((answer) => {
                waiting.push((l) => answer(l['cpuMs'] as number));
                proc.stdin.write('cpu\n');
              }),
            stop: () => proc.kill('SIGTERM'),
          });
        } else waiting.shift()?.(line);
      }
    });
    proc.once('exit', (code) => {
      if (!started) reject(new Error(`child exited ${String(code)} before reporting`));
    });
  });
}

async function main(): Promise<void> {
  if (await child()) return;
  const configs = arg('configs', 20_000);
  const rssConfigs = arg('rss-configs', 100_000);
  const duration = arg('duration', 10);
  const connections = arg('connections', 10);
  console.log(
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  console.log(
    `server: one child process (node ${SERVER_NODE_FLAGS.join(' ')}) holding ${configs} configs; load: autocannon in this process, ${connections} connections, ${duration} s per scenario, loopback\n`,
  );

  const server = await startChild(['--serve', String(configs)]);
  const url = server.first['url'] as string;
  console.log(`materialized ${configs} configs in ${Math.round(server.first['materializeMs'] as number)} ms`);
  try {
    const etag = (await fetch(`${url}/sub/base64?limit=200`)).headers.get('etag') ?? '';
    const bytes = async (path: string): Promise<number> =>
      (await (await fetch(`${url}${path}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer())
        .byteLength;
    const scenarios: {
      name: string;
      options: Omit<AutocannonOptions, 'connections' | 'duration'>;
      size?: string;
    }[] = [
      {
        name: '304 revalidation (base64, 200 configs)',
        options: { url: `${url}/sub/base64?limit=200`, headers: { 'if-none-match': etag } },
      },
      {
        name: '200-config base64 subscription',
        options: { url: `${url}/sub/base64?limit=200` },
        size: '/sub/base64?limit=200',
      },
      {
        name: '200-config Clash subscription',
        options: { url: `${url}/sub/clash?limit=200` },
        size: '/sub/clash?limit=200',
      },
      { name: `full uri list (${configs} configs)`, options: { url: `${url}/sub/uri` }, size: '/sub/uri' },
      {
        name: '/configs paging (100 per page, 10 offsets)',
        options: {
          url,
          requests: Array.from({ length: 10 }, (_, i) => ({ path: `/configs?limit=100&offset=${i * 1000}` })),
        },
        size: '/configs?limit=100&offset=0',
      },
    ];
    console.log(
      '| scenario | body | req/s (wall) | p50 ms | p99 ms | server CPU s | req per server CPU-s | non-2xx/3xx |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const scenario of scenarios) {
      // Warm the render cache and the JIT before measuring.
      await autocannon({ ...scenario.options, connections: 10, duration: 1 });
      const cpuBefore = await server.cpuMs();
      const result = await autocannon({ ...scenario.options, connections, duration });
      const cpuSeconds = ((await server.cpuMs()) - cpuBefore) / 1000;
      const size =
        scenario.size === undefined ? '0 (304)' : `${Math.round((await bytes(scenario.size)) / 1024)} KiB`;
      const bad = Object.entries(result.statusCodeStats ?? {})
        .filter(([code]) => !['200', '304'].includes(code))
        .reduce((n, [, s]) => n + s.count, 0);
      console.log(
        `| ${scenario.name} | ${size} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ` +
          `${cpuSeconds.toFixed(1)} | ${Math.round(result.requests.total / cpuSeconds)} | ${bad + result.errors} |`,
      );
    }
  } finally {
    server.stop();
  }

  const rss = await startChild(['--rss', String(rssConfigs)]);
  const mib = (n: unknown): string => `${Math.round((n as number) / 2 ** 20)} MiB`;
  console.log(
    `\nRSS with ${String(rss.first['configs'])} configs materialized (after GC, app listening, one render cached): ${mib(rss.first['rss'])} ` +
      `(heap used ${mib(rss.first['heapUsed'])}, external ${mib(rss.first['external'])}); materialized in ${Math.round(rss.first['materializeMs'] as number)} ms`,
  );
}

await main();
