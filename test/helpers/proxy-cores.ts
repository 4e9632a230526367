import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Thin wrappers around the real proxy cores built by infra/local (sing-box, mihomo): validate a
// config the way a user's client would load it, and run sing-box for loopback-only tests.

export interface CoreCheckResult {
  readonly ok: boolean;
  /** stdout + stderr of the core, trimmed: on failure this names what is wrong. */
  readonly output: string;
}

export interface SingBoxVersion {
  readonly version: string;
  readonly tags: readonly string[];
  readonly raw: string;
}

const CHECK_TIMEOUT_MS = 30_000;

interface ExecOutcome {
  readonly code: number | null;
  readonly output: string;
}

function run(bin: string, args: readonly string[], cwd: string): Promise<ExecOutcome> {
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      args,
      { cwd, timeout: CHECK_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        if (error === null) return resolve({ code: 0, output });
        // A spawn failure (missing binary) or a timeout is broken infrastructure, not a verdict.
        if (typeof error.code === 'string' || error.killed)
          return reject(
            new Error(`${bin} ${args.join(' ')} did not complete: ${error.message}`, { cause: error }),
          );
        resolve({ code: typeof error.code === 'number' ? error.code : null, output });
      },
    );
  });
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'submerge-core-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function configText(config: string | object): string {
  return typeof config === 'string' ? config : JSON.stringify(config, null, 2);
}

/** `sing-box version`: the version line and the build tags it was compiled with. */
export async function singBoxVersion(bin: string): Promise<SingBoxVersion> {
  const { code, output } = await run(bin, ['version'], tmpdir());
  if (code !== 0) throw new Error(`sing-box version exited ${String(code)}: ${output}`);
  const version = /^sing-box version (\S+)/m.exec(output)?.[1] ?? '';
  const tags = (/^Tags: (.*)$/m.exec(output)?.[1] ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return { version, tags, raw: output };
}

/** `sing-box check -c file` on a config (JSON text or object). */
export function singBoxCheck(bin: string, config: string | object): Promise<CoreCheckResult> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'config.json');
    await writeFile(file, configText(config));
    // -D keeps anything the core would write (cache files) inside the temp dir.
    const { code, output } = await run(bin, ['check', '--disable-color', '-c', file, '-D', dir], dir);
    return { ok: code === 0, output };
  });
}

/** mihomo's config test, `mihomo -t -d dir -f file`, on a Clash/mihomo YAML config. */
export function mihomoTest(bin: string, yaml: string): Promise<CoreCheckResult> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'config.yaml');
    await writeFile(file, yaml);
    const { code, output } = await run(bin, ['-t', '-d', dir, '-f', file], dir);
    // mihomo prints "configuration file ... test is successful" and exits 0 only on success.
    return { ok: code === 0 && /test is successful/.test(output), output };
  });
}

/**
 * DNS section for test configs: answers only `localhost` (and /etc/hosts), never asks a real
 * resolver. It matters because sing-box falls back to https://www.gstatic.com/generate_204 when
 * a delay test URL is empty or plain http://, and would otherwise resolve it on the network.
 */
export const LOOPBACK_ONLY_DNS = {
  servers: [{ type: 'hosts', tag: 'loopback-only', predefined: { localhost: ['127.0.0.1'] } }],
  final: 'loopback-only',
} as const;

export interface TlsKeypair {
  readonly key: string;
  readonly cert: string;
}

/**
 * A self-signed key pair from `sing-box generate tls-keypair NAME` (SAN DNS:NAME, so use a host
 * name such as `localhost`, not an IP). To make sing-box's Clash API delay test trust it, start
 * sing-box with SSL_CERT_FILE pointing at the cert: that handler verifies against the system
 * roots, not the config's `certificate` store.
 */
export async function singBoxTlsKeypair(bin: string, serverName: string): Promise<TlsKeypair> {
  const { code, output } = await run(bin, ['generate', 'tls-keypair', serverName], tmpdir());
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(output)?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(output)?.[0];
  if (code !== 0 || key === undefined || cert === undefined)
    throw new Error(`sing-box generate tls-keypair failed (${String(code)}): ${output}`);
  return { key, cert };
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picked it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface RunningSingBox {
  readonly pid: number;
  /** Everything the process printed so far. */
  logs(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  stop(): Promise<void>;
}

export interface RunSingBoxOptions {
  /** Loopback TCP ports the config listens on; run resolves once all accept connections. */
  readonly waitForPorts: readonly number[];
  readonly readyTimeoutMs?: number;
  /** Extra environment, e.g. SSL_CERT_FILE to trust a loopback test server (see below). */
  readonly env?: Readonly<Record<string, string>>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * `sing-box run -c file` in a temp dir. Resolves when every listed port accepts; rejects (and
 * kills the process) when it exits early or is not ready in time. The caller must `stop()` it.
 */
export async function runSingBox(
  bin: string,
  config: string | object,
  { waitForPorts, readyTimeoutMs = 15_000, env = {} }: RunSingBoxOptions,
): Promise<RunningSingBox> {
  const dir = await mkdtemp(join(tmpdir(), 'submerge-singbox-'));
  const file = join(dir, 'config.json');
  await writeFile(file, configText(config));
  const child = spawn(bin, ['run', '--disable-color', '-c', file, '-D', dir], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const stop = async (): Promise<void> => {
    const gone = exited(child);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.pid === undefined) {
      await rm(dir, { recursive: true, force: true });
      throw await spawnError;
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`sing-box exited before it was ready (code ${String(child.exitCode)}):\n${output}`);
    }
    const open = await Promise.all(waitForPorts.map(tcpOpen));
    if (open.every(Boolean)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`sing-box not ready after ${String(readyTimeoutMs)}ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid;
  return { pid, logs: () => output, stop };
}
