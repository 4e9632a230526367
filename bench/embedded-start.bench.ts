/**
 * Embedded mode (`npm start`) memory and restart cost with a realistic state. Not a test: it
 * prints figures for docs/benchmarks.md.
 *
 *   node --import tsx bench/embedded-start.bench.ts [--configs 75000 --sources 50]
 *
 * Serves --configs synthetic share links from 127.0.0.1, split over --sources sources (each
 * config carried by one source, every third by a second one), writes a catalog for them, then:
 * 1. first start in a fresh data directory: waits for fetch round 1 and /ready, reports RSS
 *    (now and after the process settles), peak RSS and CPU seconds;
 * 2. SIGTERM, restart on the same data directory: wall ms and CPU seconds to /ready, RSS then
 *    and once idle. The restart fetches nothing (sources are due at their next slot).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { shareLink } from '../services/core/emit/uri.ts';
import { syntheticConfig } from '../test/unit/read-api/read-fixtures.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Resident memory per mapping kind (libchdb, other files, anonymous), from /proc/<pid>/smaps. */
function residentByMapping(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let kind = 'anonymous';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head !== null) {
      const path = head[1] ?? '';
      kind = path.includes('libchdb')
        ? 'libchdb.so'
        : path.startsWith('/')
          ? 'other files'
          : path === ''
            ? 'anonymous'
            : path;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss !== null) out[kind] = (out[kind] ?? 0) + Number(rss[1]) / 1024;
  }
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  for (const key of ['RssAnon', 'RssFile', 'RssShmem'])
    out[`status ${key}`] = Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return Object.fromEntries(
    Object.entries(out)
      .filter(([, v]) => v >= 1)
      .map(([k, v]) => [k, Math.round(v)]),
  );
}

function procStat(pid: number): { cpuS: number; rssMiB: number; hwmMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return {
    cpuS: ticks / 100,
    rssMiB: Math.round(kb('VmRSS') / 1024),
    hwmMiB: Math.round(kb('VmHWM') / 1024),
  };
}

interface Started {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly memory: Record<string, unknown>[];
  waitFor(pattern: RegExp): Promise<string>;
}

/** --heap-snapshot DIR: the first start writes a heap snapshot into DIR once idle (where memory goes). */
const SNAPSHOT_DIR = ((): string | undefined => {
  const i = process.argv.indexOf('--heap-snapshot');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();

function start(args: readonly string[]): Started {
  const flags =
    SNAPSHOT_DIR === undefined ? [] : ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOT_DIR}`];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', 'services/embedded/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  // The process's own account of its memory (info logs on stderr): the latest one is kept.
  const memory: Record<string, unknown>[] = [];
  let errBuffer = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errBuffer += chunk.toString();
    for (let nl = errBuffer.indexOf('\n'); nl >= 0; nl = errBuffer.indexOf('\n')) {
      const line = errBuffer.slice(0, nl);
      errBuffer = errBuffer.slice(nl + 1);
      if (!line.includes('heapTotalMb')) continue;
      try {
        const { rssMb, heapMb, heapTotalMb, externalMb, arrayBuffersMb, msg } = JSON.parse(line) as Record<
          string,
          unknown
        >;
        memory.push({ msg, rssMb, heapMb, heapTotalMb, externalMb, arrayBuffersMb });
      } catch {
        // not a log line
      }
    }
  });
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  return {
    child,
    lines,
    memory,
    waitFor: (pattern) =>
      new Promise((resolve) => {
        const seen = lines.find((l) => pattern.test(l));
        if (seen !== undefined) resolve(seen);
        else waiters.push({ pattern, resolve });
      }),
  };
}

async function untilReady(url: string): Promise<void> {
  for (;;) {
    if (
      await fetch(`${url}/ready`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function idle(pid: number): Promise<ReturnType<typeof procStat>> {
  let last = procStat(pid).cpuS;
  let quiet = 0;
  while (quiet < 3) {
    await new Promise((r) => setTimeout(r, 1_000));
    const now = procStat(pid).cpuS;
    quiet = now - last < 0.05 ? quiet + 1 : 0;
    last = now;
  }
  return procStat(pid);
}

async function stop(run: Started): Promise<void> {
  const exited = new Promise((r) => run.child.once('exit', r));
  run.child.kill('SIGTERM');
  await exited;
}

async function main(): Promise<void> {
  const configs = arg('configs', 75_000);
  const sources = arg('sources', 50);
  console.log(
    `machine: ${os.cpus().length} cores, node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const bodies: string[][] = Array.from({ length: sources }, () => []);
  for (let i = 0; i < configs; i++) {
    const link = shareLink(syntheticConfig(i));
    if (typeof link !== 'string') continue;
    bodies[i % sources]?.push(link);
    if (i % 3 === 0) bodies[(i * 7 + 1) % sources]?.push(link);
  }
  const server = createServer((req, res) => {
    const n = Number(/\/s(\d+)\.txt$/.exec(req.url ?? '')?.[1]);
    const body = bodies[n];
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body.join('\n'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(join(os.tmpdir(), 'submerge-embedded-bench-'));
  const catalog = join(dir, 'sources.yaml');
  writeFileSync(
    catalog,
    [
      'allowPrivateAddresses: true',
      'sources:',
      ...bodies.flatMap((_, n) => [
        `  - id: bench-${n}`,
        `    urls: [http://127.0.0.1:${port}/s${n}.txt]`,
        '    interval: 6h',
      ]),
      '',
    ].join('\n'),
  );
  // The API's port must be given (1..65535): take a free one.
  const free = createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const apiPort = (free.address() as AddressInfo).port;
  await new Promise((r) => free.close(r));
  const args = [
    ...['--sources', catalog, '--port', String(apiPort), '--data-dir', join(dir, 'data')],
    ...['--log-level', 'info'],
  ];
  try {
    const began = performance.now();
    const first = start(args);
    const url = /read API on (\S+)/.exec(await first.waitFor(/read API on/))?.[1] ?? '';
    const round = await first.waitFor(/fetch round 1:/);
    await untilReady(url);
    const roundMs = performance.now() - began;
    const atRound = procStat(first.child.pid as number);
    const settled = await idle(first.child.pid as number);
    console.log(
      JSON.stringify({
        phase: 'first start',
        round,
        roundMs: Math.round(roundMs),
        cpuS: atRound.cpuS,
        rssAtRoundMiB: atRound.rssMiB,
        rssIdleMiB: settled.rssMiB,
        peakRssMiB: settled.hwmMiB,
        cpuIdleS: settled.cpuS,
        residentMiB: residentByMapping(first.child.pid as number),
        processSays: first.memory.at(-1) ?? null,
      }),
    );
    if (SNAPSHOT_DIR !== undefined) {
      first.child.kill('SIGUSR2');
      await idle(first.child.pid as number);
    }
    await stop(first);

    const restartBegan = performance.now();
    const second = start(args);
    const url2 = /read API on (\S+)/.exec(await second.waitFor(/read API on/))?.[1] ?? '';
    await untilReady(url2);
    const readyMs = performance.now() - restartBegan;
    const atReady = procStat(second.child.pid as number);
    const quiet = await idle(second.child.pid as number);
    const count = (await (await fetch(`${url2}/configs?limit=1`)).json()) as { total?: number };
    console.log(
      JSON.stringify({
        phase: 'restart',
        readyMs: Math.round(readyMs),
        cpuAtReadyS: atReady.cpuS,
        rssAtReadyMiB: atReady.rssMiB,
        rssIdleMiB: quiet.rssMiB,
        peakRssMiB: quiet.hwmMiB,
        cpuIdleS: quiet.cpuS,
        residentMiB: residentByMapping(second.child.pid as number),
        processSays: second.memory.at(-1) ?? null,
        configsServed: count.total ?? null,
        restored: second.lines.find((l) => l.includes('restored')) ?? null,
        loadAfter: os.loadavg()[0]?.toFixed(1),
      }),
    );
    await stop(second);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
