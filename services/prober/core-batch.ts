import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Logger } from '../shared/logger.ts';
import type { AddressScope } from '../core/probing/address-scope.ts';
import { ADDRESS_SCOPES } from '../core/probing/address-scope.ts';
import { coreConfig } from '../core/probing/core-config.ts';
import type { CoreBatchEntry } from '../core/probing/core-config.ts';
import { connectionErrors, startFailure } from '../core/probing/core-log.ts';
import type { CoreOutbound } from '../core/probing/core-outbound.ts';
import {
  failure,
  httpStatusFailure,
  PROBE_ERROR_CODES,
  proxyRequestFailure,
  REQUEST_PHASES,
} from '../core/probing/error-codes.ts';
import { nonLoopbackTargets } from '../core/probing/loopback-scope.ts';
import type { ProbeFailure } from '../core/probing/probe-result.ts';
import { coreTraffic } from './clash-api.ts';
import { CORE_EXIT_REASONS, CoreStartError, startCore } from './core-process.ts';
import type { CoreExit, CoreLimits, CoreProcess } from './core-process.ts';
import type { CoreReaper } from './core-reaper.ts';
import { proxyRequest } from './proxy-request.ts';
import type { ProxyRequestResult } from './proxy-request.ts';

export interface CoreBatchItem {
  readonly id: string;
  readonly outbound: CoreOutbound;
  /** Server names of this config and the addresses the cheap stage pinned them to. */
  readonly hosts: readonly (readonly [string, readonly string[]])[];
}

export type CoreItemResult =
  | { readonly ok: true; readonly latencyMs: number; readonly bytes: number }
  | { readonly ok: false; readonly failure: ProbeFailure; readonly bytes: number };

export interface CoreBatchStats {
  /** sing-box processes started for the batch (restarts included). */
  readonly processes: number;
  readonly peakRssBytes: number;
  readonly cpuSeconds: number;
  /** Bytes through the cores by their own count (Clash API), when it answered. */
  readonly coreTrafficBytes: number;
}

export interface CoreBatchOptions {
  readonly bin: string;
  readonly testUrl: URL;
  readonly acceptStatus: (status: number) => boolean;
  readonly requestTimeoutMs: number;
  readonly requestsPerCore: number;
  readonly scope: AddressScope;
  readonly reaper: CoreReaper;
  readonly logger: Logger;
  readonly limits?: Partial<CoreLimits>;
  /** Trust store for the test URL through the tunnel (tests); default Node's roots. */
  readonly targetCa?: readonly string[];
  /** Environment for sing-box (tests: SSL_CERT_FILE so it trusts loopback servers' certificates). */
  readonly coreEnv?: Readonly<Record<string, string>>;
  /** Attempts for configs whose process died under them (crash, memory, lifetime). */
  readonly maxAttempts?: number;
  readonly signal?: AbortSignal;
  /** Sees every sing-box config before it runs (tests check that it stays on loopback). */
  readonly onCoreConfig?: (config: Readonly<Record<string, unknown>>) => void;
}

const MAX_PORT_RETRIES = 3;

/**
 * Runs a batch of configs through one sing-box process: each config is an outbound, reached
 * through the one inbound as the proxy user of the same tag, and probed by a real request to the
 * test URL. Failures take their cause from sing-box's log where it names one.
 *
 * Restarts: when sing-box refuses the config on start, the outbound it names is reported as
 * CORE_REJECTED_CONFIG and the rest start again without it; when the process dies under the
 * batch (crash, memory or lifetime limit), the configs not yet answered run again in a new
 * process, up to `maxAttempts`, then count as CORE_CRASHED.
 */
export async function runCoreBatch(
  items: readonly CoreBatchItem[],
  options: CoreBatchOptions,
): Promise<{ readonly results: ReadonlyMap<string, CoreItemResult>; readonly stats: CoreBatchStats }> {
  const maxAttempts = options.maxAttempts ?? 2;
  const results = new Map<string, CoreItemResult>();
  const tags = new Map(items.map((item, i) => [item.id, `p${String(i)}`]));
  const stats = { processes: 0, peakRssBytes: 0, cpuSeconds: 0, coreTrafficBytes: 0 };
  let attempts = 0;
  let portRetries = 0;
  let lastDeath = '';

  while (attempts < maxAttempts && options.signal?.aborted !== true) {
    const pending = items.filter((item) => !results.has(item.id));
    if (pending.length === 0) break;
    const entries: CoreBatchEntry[] = pending.map((item) => ({
      tag: tags.get(item.id) ?? item.id,
      outbound: item.outbound,
    }));
    const hosts = new Map<string, readonly string[]>();
    for (const item of pending) for (const [name, addresses] of item.hosts) hosts.set(name, addresses);
    const [listenPort, apiPort] = await freePorts(2);
    const secret = randomBytes(12).toString('hex');
    const config = coreConfig({ entries, listenPort, apiPort, secret, hosts });
    if (options.scope === ADDRESS_SCOPES.loopback) {
      const outside = nonLoopbackTargets(config);
      // A config outside loopback must never reach sing-box in loopback scope; the cheap stage
      // filters them, so this is a bug, and it stops the prober rather than send anything.
      if (outside.length > 0)
        throw new Error(`loopback scope: batch config reaches beyond loopback: ${outside.join('; ')}`);
    }

    options.onCoreConfig?.(config);
    let core: CoreProcess;
    try {
      stats.processes++;
      core = await startCore({
        bin: options.bin,
        config,
        apiPort,
        secret,
        inboundPort: listenPort,
        reaper: options.reaper,
        ...(options.coreEnv === undefined ? {} : { env: options.coreEnv }),
        ...(options.limits === undefined ? {} : { limits: options.limits }),
      });
    } catch (error) {
      if (!(error instanceof CoreStartError)) throw error;
      const cause = startFailure(error.output || error.message);
      if (cause.kind === 'entry') {
        const list =
          cause.list === 'endpoints'
            ? entries.filter((e) => e.outbound.kind === 'endpoint')
            : entries.filter((e) => e.outbound.kind === 'outbound');
        const refused = list[cause.index];
        const item = pending.find((p) => tags.get(p.id) === refused?.tag);
        if (item !== undefined) {
          results.set(item.id, {
            ok: false,
            failure: failure(PROBE_ERROR_CODES.coreRejectedConfig, cause.message),
            bytes: 0,
          });
          continue;
        }
      }
      if (cause.kind === 'port-in-use' && portRetries < MAX_PORT_RETRIES) {
        portRetries++;
        continue;
      }
      attempts++;
      lastDeath =
        error.exit !== undefined && error.exit.reason !== CORE_EXIT_REASONS.exited
          ? error.message
          : cause.message;
      options.logger.warn({ err: error, output: error.output.slice(0, 2_000) }, 'sing-box did not start');
      continue;
    }

    const outcomes = await requestAll(pending, tags, core, { listenPort, secret, options });
    const traffic = await coreTraffic(apiPort, secret);
    const exit: CoreExit = core.running() ? await core.stop() : await core.exited;
    stats.peakRssBytes = Math.max(stats.peakRssBytes, core.peakRssBytes());
    stats.cpuSeconds += core.cpuSeconds();
    stats.coreTrafficBytes += traffic === undefined ? 0 : traffic.uploadBytes + traffic.downloadBytes;
    // Classified only now: the process has exited, so every line it logged has been read.
    const coreErrors = connectionErrors(core.output());
    const died = exit.reason !== CORE_EXIT_REASONS.stopped;
    for (const item of pending) {
      const outcome = outcomes.get(item.id);
      if (outcome === undefined) continue; // never started: the process died first
      if (outcome.ok) {
        const bad = httpStatusFailure(outcome.status, options.acceptStatus);
        results.set(
          item.id,
          bad === undefined
            ? { ok: true, latencyMs: outcome.latencyMs, bytes: outcome.bytes }
            : { ok: false, failure: bad, bytes: outcome.bytes },
        );
        continue;
      }
      // A request that failed because our own core went away says nothing about the config.
      if (died || outcome.phase === REQUEST_PHASES.core) continue;
      const coreMessage = coreErrors.get(tags.get(item.id) ?? '');
      results.set(item.id, {
        ok: false,
        failure: proxyRequestFailure(outcome.phase, outcome.errno, outcome.detail, coreMessage),
        bytes: outcome.bytes,
      });
    }
    if (died) {
      attempts++;
      lastDeath = `sing-box ${exit.reason === CORE_EXIT_REASONS.exited ? `exited (code ${String(exit.code)}, signal ${String(exit.signal)})` : `killed: ${exit.reason} limit`}`;
      options.logger.warn(
        { reason: exit.reason, code: exit.code, signal: exit.signal, pending: pending.length },
        'sing-box died under a batch',
      );
    } else {
      // A clean run answered every request; anything left failed on our side of the core.
      for (const item of pending) {
        if (!results.has(item.id))
          results.set(item.id, {
            ok: false,
            failure: failure(PROBE_ERROR_CODES.proxyFailed, describe(outcomes.get(item.id))),
            bytes: 0,
          });
      }
    }
  }
  for (const item of items) {
    if (!results.has(item.id) && options.signal?.aborted !== true) {
      results.set(item.id, {
        ok: false,
        failure: failure(PROBE_ERROR_CODES.coreCrashed, lastDeath || 'sing-box did not run'),
        bytes: 0,
      });
    }
  }
  return { results, stats };
}

function describe(outcome: ProxyRequestResult | undefined): string {
  if (outcome === undefined) return 'not requested';
  return outcome.ok ? `HTTP ${String(outcome.status)}` : `${outcome.phase}: ${outcome.detail}`;
}

async function requestAll(
  pending: readonly CoreBatchItem[],
  tags: ReadonlyMap<string, string>,
  core: CoreProcess,
  { listenPort, secret, options }: { listenPort: number; secret: string; options: CoreBatchOptions },
): Promise<Map<string, ProxyRequestResult>> {
  const outcomes = new Map<string, ProxyRequestResult>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pending.length && core.running() && options.signal?.aborted !== true) {
      const item = pending[next++];
      if (item === undefined) break;
      const outcome = await proxyRequest({
        port: listenPort,
        username: tags.get(item.id) ?? item.id,
        password: secret,
        target: options.testUrl,
        timeoutMs: options.requestTimeoutMs,
        ...(options.targetCa === undefined ? {} : { ca: options.targetCa }),
      });
      outcomes.set(item.id, outcome);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.requestsPerCore, pending.length)) }, worker),
  );
  return outcomes;
}

/** Distinct loopback ports the OS had free a moment ago (held together, so never the same twice). */
async function freePorts(count: number): Promise<[number, number]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return [ports[0] ?? 0, ports[1] ?? 0];
}
