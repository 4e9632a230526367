import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const REPO = resolve(import.meta.dirname, '../../..');

export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** Lines it wrote (stdout and stderr), for failure messages. */
  readonly output: string[];
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

/** A TypeScript entry point of this repository as a child process on the project's Node. */
export function spawnEntry(entry: string, args: readonly string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO, entry), ...args], {
    cwd: REPO,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      if (output.length > 500) output.shift();
    });
  }
  const exited = (once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>).then(
    ([code, signal]) => code ?? signal ?? 'unknown',
  );
  return {
    process: child,
    exited,
    output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Resolves once the child wrote a line containing `text`; rejects when it exits first or time runs out. */
export async function waitForLine(child: Child, text: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void child.exited.then(() => {
    gone = true;
  });
  while (!child.output.some((line) => line.includes(text))) {
    if (gone) throw new Error(`process exited before "${text}":\n${child.output.join('\n')}`);
    if (Date.now() > deadline)
      throw new Error(`no "${text}" after ${timeoutMs} ms:\n${child.output.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** clickhouse-local on a given port and data directory; resolves once it is ready. */
export async function startShim(dataDir: string, port: number): Promise<Child> {
  const child = spawnEntry(
    'services/clickhouse-local/main.ts',
    ['--data-dir', dataDir, '--port', String(port), '--log-level', 'info'],
    {},
  );
  await waitForLine(child, 'clickhouse-local ready');
  return child;
}
