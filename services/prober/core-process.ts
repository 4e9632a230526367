import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { clashGet } from './clash-api.ts';
import type { CoreReaper } from './core-reaper.ts';
import { readChildPids, readCpuSeconds, readRssBytes } from './proc-stats.ts';

/** Why a sing-box process ended. */
export const CORE_EXIT_REASONS = {
  /** We stopped it (the batch was done, or the prober is stopping). */
  stopped: 'stopped',
  /** It exited on its own: a crash, or a config it refused on start. */
  exited: 'exited',
  /** Its resident memory passed the limit. */
  memory: 'memory',
  /** It outlived its maximum lifetime. */
  lifetime: 'lifetime',
} as const;
export type CoreExitReason = (typeof CORE_EXIT_REASONS)[keyof typeof CORE_EXIT_REASONS];

export interface CoreExit {
  readonly reason: CoreExitReason;
  readonly code: number | null;
  readonly signal: string | null;
}

export interface CoreLimits {
  /** How long sing-box may take until its Clash API and inbound answer. */
  readonly readyTimeoutMs: number;
  /** The process is killed after this long whatever it is doing. */
  readonly maxLifetimeMs: number;
  /** The process is killed when its resident set passes this. */
  readonly maxRssBytes: number;
  /** How often RSS is read from /proc. */
  readonly watchIntervalMs: number;
  /** Between SIGTERM and SIGKILL on stop. */
  readonly stopGraceMs: number;
}

export const DEFAULT_CORE_LIMITS: CoreLimits = {
  readyTimeoutMs: 10_000,
  maxLifetimeMs: 120_000,
  maxRssBytes: 512 * 1024 * 1024,
  watchIntervalMs: 200,
  stopGraceMs: 2_000,
};

export interface StartCoreOptions {
  readonly bin: string;
  readonly config: object;
  /** Clash API port and secret, as in the config: readiness is the API answering. */
  readonly apiPort: number;
  readonly secret: string;
  /** Also wait until this inbound port accepts. */
  readonly inboundPort?: number;
  /** Extra environment (SSL_CERT_FILE for a test trust store). */
  readonly env?: Readonly<Record<string, string>>;
  readonly limits?: Partial<CoreLimits>;
  readonly reaper: CoreReaper;
  /** GNU coreutils `timeout` (it must know --foreground); it bounds the lifetime even if this process dies. */
  readonly timeoutBin?: string;
}

export interface CoreProcess {
  /** sing-box's pid (the `timeout` wrapper's until the child is known). */
  pid(): number;
  /** Process group: the wrapper and sing-box, killed together. */
  readonly pgid: number;
  readonly exited: Promise<CoreExit>;
  running(): boolean;
  /** What the process printed so far, line by line (bounded). */
  output(): readonly string[];
  peakRssBytes(): number;
  /** CPU seconds of sing-box at the latest sample (taken every watch interval and right before stop). */
  cpuSeconds(): number;
  stop(): Promise<CoreExit>;
}

export class CoreStartError extends Error {
  readonly code = 'CORE_START_FAILED';
  readonly retriable = true;
  constructor(
    message: string,
    readonly output: string,
    readonly exit: CoreExit | undefined,
  ) {
    super(message);
  }
}

const MAX_OUTPUT_LINES = 20_000;
/** The `timeout` wrapper fires this long after our own lifetime timer: it is the net for when we cannot. */
const WRAPPER_SLACK_MS = 5_000;

/**
 * Runs one sing-box process, supervised:
 *
 * - bounded lifetime: our timer kills it at `maxLifetimeMs`, and it runs under `timeout -s KILL`,
 *   so even if the prober itself is SIGKILLed the core dies shortly after;
 * - bounded memory: RSS from /proc every `watchIntervalMs`, killed past `maxRssBytes`;
 * - never left behind: it leads its own process group, which stop() and the reaper (on process
 *   exit) kill as a whole; its config lives in a temp dir removed once it has exited (by us, by
 *   the reaper on exit, or by the wrapping shell when we were killed outright).
 *
 * Resolves once the Clash API and the inbound answer; rejects with CoreStartError (output
 * included, so the caller can tell which outbound sing-box refused) when it exits first.
 */
export async function startCore(options: StartCoreOptions): Promise<CoreProcess> {
  const limits = { ...DEFAULT_CORE_LIMITS, ...options.limits };
  const dir = await mkdtemp(join(tmpdir(), 'submerge-probe-'));
  const file = join(dir, 'config.json');
  await writeFile(file, JSON.stringify(options.config));
  const lifetimeSeconds = Math.ceil((limits.maxLifetimeMs + WRAPPER_SLACK_MS) / 1000);
  // sh -> timeout -> sing-box. `timeout` bounds the lifetime even when the prober cannot (it was
  // SIGKILLed); the shell then removes the temp dir, which nobody else would. --foreground keeps
  // timeout in our process group (without it, GNU timeout makes its own and escapes group kills).
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      `${options.timeoutBin ?? 'timeout'} --foreground -s KILL "$@"; code=$?; rm -rf "$SUBMERGE_PROBE_DIR"; exit $code`,
      'sh',
      String(lifetimeSeconds),
      options.bin,
      'run',
      '--disable-color',
      '-c',
      file,
      '-D',
      dir,
    ],
    {
      cwd: dir,
      // A fresh session and process group: one kill reaches the shell, the wrapper and sing-box.
      detached: true,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', ...options.env, SUBMERGE_PROBE_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (child.pid === undefined) {
    await rm(dir, { recursive: true, force: true });
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new CoreStartError(`cannot start sing-box: ${error.message}`, '', undefined);
  }
  const pgid = child.pid;
  const untrack = options.reaper.track(pgid, dir);
  let corePid = pgid;
  let peakRss = 0;
  let cpu = 0;
  let killedFor: CoreExitReason | undefined;
  let alive = true;

  const lines: string[] = [];
  let partial = '';
  const onData = (chunk: Buffer): void => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) if (lines.length < MAX_OUTPUT_LINES) lines.push(line);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // Already gone.
    }
  };

  const exited = new Promise<CoreExit>((resolve) => {
    child.once('close', (code, signal) => {
      alive = false;
      if (partial !== '' && lines.length < MAX_OUTPUT_LINES) lines.push(partial);
      partial = '';
      clearInterval(watch);
      clearTimeout(lifetime);
      // sing-box may be left if only the wrapper died: the group kill makes sure.
      killGroup('SIGKILL');
      untrack();
      resolve({ reason: killedFor ?? CORE_EXIT_REASONS.exited, code, signal });
    });
  });
  // Remove the temp dir whatever happens; nobody awaits this chain.
  void exited.then(() => rm(dir, { recursive: true, force: true }).catch(() => undefined));

  const killFor = (reason: CoreExitReason): void => {
    if (!alive) return;
    killedFor ??= reason;
    killGroup('SIGKILL');
  };

  const sample = async (): Promise<void> => {
    if (corePid === pgid) corePid = (await leafPid(pgid)) ?? pgid;
    const rss = await readRssBytes(corePid);
    if (rss !== undefined) {
      peakRss = Math.max(peakRss, rss);
      if (rss > limits.maxRssBytes) killFor(CORE_EXIT_REASONS.memory);
    }
    const seconds = await readCpuSeconds(corePid);
    if (seconds !== undefined) cpu = Math.max(cpu, seconds);
  };
  const watch = setInterval(() => void sample(), limits.watchIntervalMs);
  const lifetime = setTimeout(() => killFor(CORE_EXIT_REASONS.lifetime), limits.maxLifetimeMs);

  const stop = async (): Promise<CoreExit> => {
    if (alive) {
      await sample();
      killedFor ??= CORE_EXIT_REASONS.stopped;
      killGroup('SIGTERM');
      const grace = setTimeout(() => killGroup('SIGKILL'), limits.stopGraceMs);
      const exit = await exited;
      clearTimeout(grace);
      return exit;
    }
    return exited;
  };

  const handle: CoreProcess = {
    pid: () => corePid,
    pgid,
    exited,
    running: () => alive,
    output: () => lines,
    peakRssBytes: () => peakRss,
    cpuSeconds: () => cpu,
    stop,
  };

  const deadline = Date.now() + limits.readyTimeoutMs;
  for (;;) {
    if (!alive) {
      const exit = await exited;
      const why =
        exit.reason === CORE_EXIT_REASONS.exited
          ? `code ${String(exit.code)}`
          : `killed: ${exit.reason} limit`;
      throw new CoreStartError(`sing-box exited before it was ready (${why})`, lines.join('\n'), exit);
    }
    if (
      (await apiAnswers(options.apiPort, options.secret)) &&
      (options.inboundPort === undefined || (await tcpAccepts(options.inboundPort)))
    ) {
      void sample();
      return handle;
    }
    if (Date.now() > deadline) {
      const exit = await stop();
      throw new CoreStartError(
        `sing-box not ready after ${String(limits.readyTimeoutMs)}ms`,
        lines.join('\n'),
        exit,
      );
    }
    await sleep(15);
  }
}

async function apiAnswers(port: number, secret: string): Promise<boolean> {
  try {
    return (await clashGet(port, secret, '/version', 1_000)).status === 200;
  } catch {
    return false;
  }
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** sing-box under the shell and the wrapper: the end of the first-child chain, once it exists. */
async function leafPid(pid: number): Promise<number | undefined> {
  let current = pid;
  for (let depth = 0; depth < 4; depth++) {
    const [child] = await readChildPids(current);
    if (child === undefined) return depth === 2 ? current : undefined;
    current = child;
  }
  return current;
}
