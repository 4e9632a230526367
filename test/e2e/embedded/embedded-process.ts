import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { phaseMs } from '../../../services/core/fetching/schedule.ts';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** The project's Node 24, as `npm start` runs it. */
export const NODE = `${REPO}node_modules/.bin/node`;

export interface EmbeddedProcess {
  readonly pid: number;
  /** Where the read API listens, from the line it printed. */
  readonly url: string;
  /** Every stdout line so far. */
  readonly lines: string[];
  stderr(): string;
  /** Resolves with the first line (printed so far or later) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `npm start -- <args>` as the README runs it: the project's node with tsx on services/embedded/main.ts. */
export async function startEmbeddedProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<EmbeddedProcess> {
  const child: ChildProcess = spawn(NODE, ['--import', 'tsx', 'services/embedded/main.ts', ...args], {
    cwd: REPO,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let err = '';
  let partial = '';
  const waiters = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters) w();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => {
    running = false;
    for (const w of waiters) w();
  });

  const waitForLine = (pattern: RegExp, timeoutMs = 120_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = lines.find((l) => pattern.test(l));
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (!running) {
          done();
          reject(new Error(`the process exited before printing ${pattern}:\n${lines.join('\n')}\n${err}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}\n${err}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const listening = await waitForLine(/read API on (http:\/\/\S+)/);
  const url = /read API on (http:\/\/\S+)/.exec(listening)?.[1] ?? '';
  return {
    pid: child.pid ?? -1,
    url,
    lines,
    stderr: () => err,
    waitForLine,
    async stop(signal = 'SIGTERM') {
      if (running) child.kill(signal);
      return exited;
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A source id (stem + suffix) whose grid slots for `intervalMs` keep away from the next
 * `quietMs`: a restarted instance, which waits for each source's next slot, then provably
 * fetches nothing while the test looks.
 */
export function quietSourceId(stem: string, intervalMs: number, quietMs: number, now = Date.now()): string {
  for (let i = 0; i < 10_000; i += 1) {
    const id = `${stem}-${i}`;
    const phase = phaseMs(id, intervalMs);
    const next = Math.ceil((now - phase) / intervalMs) * intervalMs + phase;
    if (next - now > quietMs) return id;
  }
  throw new Error(`no quiet id for ${stem}`);
}

/** Runs `npm start`'s entry to its exit (for runs that must refuse to start). */
export function runEmbeddedToExit(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(NODE, ['--import', 'tsx', 'services/embedded/main.ts', ...args], {
      cwd: REPO,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}
