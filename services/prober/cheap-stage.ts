import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns/promises';
import { connect, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';
import type { AddressScope } from '../core/probing/address-scope.ts';
import { ADDRESS_SCOPES, addressAllowed, checkServerHost } from '../core/probing/address-scope.ts';
import {
  connectFailure,
  dnsFailure,
  failure,
  PROBE_ERROR_CODES,
  tlsFailure,
  udpFailure,
} from '../core/probing/error-codes.ts';
import type { CheapPlan } from '../core/probing/probe-plan.ts';
import type { CheapMeasurements, ProbeFailure, ProbeStage } from '../core/probing/probe-result.ts';
import { PROBE_STAGES } from '../core/probing/probe-result.ts';
import {
  greaseVersion,
  readVersionNegotiation,
  versionProbePacket,
} from '../core/probing/quic-version-probe.ts';
import type { VersionProbe } from '../core/probing/quic-version-probe.ts';

export type Lookup = (name: string) => Promise<readonly string[]>;

export interface CheapStageOptions {
  readonly scope: AddressScope;
  /** Per step (lookup, connect, handshake). */
  readonly timeoutMs: number;
  /** Trust store for certificate checks; default Node's roots. */
  readonly ca?: readonly string[];
  /** Name resolution; default the system resolver (dns.lookup). */
  readonly lookup?: Lookup;
}

export type CheapOutcome =
  | { readonly passed: true; readonly measurements: CheapMeasurements }
  | {
      readonly passed: false;
      readonly stage: ProbeStage;
      readonly failure: ProbeFailure;
      readonly measurements: CheapMeasurements;
    };

const systemLookup: Lookup = async (name) =>
  (await dnsLookup(name, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The cheap stage: resolve the server and hold every address to the scope, open a TCP
 * connection, and where the config runs TLS over TCP, complete a handshake with its SNI and
 * ALPN (verifying the certificate unless the config says insecure or uses REALITY). QUIC-based
 * configs get one Version Negotiation round trip instead (stage udp). A few kilobytes and one
 * round trip or two per config; most dead configs stop here, before any sing-box process is
 * spent on them. Other UDP protocols (WireGuard, mKCP, obfuscated hysteria) only resolve:
 * nothing cheap proves their server is listening, so sing-box is their first real check.
 */
export async function cheapStage(plan: CheapPlan, options: CheapStageOptions): Promise<CheapOutcome> {
  let measured: CheapMeasurements = { connectMs: null, tlsHandshakeMs: null, bytes: 0, addresses: [] };
  const fail = (stage: ProbeStage, f: ProbeFailure): CheapOutcome => ({
    passed: false,
    stage,
    failure: f,
    measurements: measured,
  });

  const host = checkServerHost(plan.host, options.scope);
  if (!host.allowed) {
    return fail(
      PROBE_STAGES.resolve,
      failure(
        PROBE_ERROR_CODES.addressNotAllowed,
        `${plan.host} is outside the ${options.scope} address scope`,
      ),
    );
  }
  let addresses: readonly string[];
  if (host.kind === 'address') addresses = [host.address];
  else if (options.scope === ADDRESS_SCOPES.loopback)
    addresses = ['127.0.0.1']; // localhost, without asking any resolver
  else {
    const resolved = await withTimeout((options.lookup ?? systemLookup)(host.name), options.timeoutMs);
    if (!resolved.ok)
      return fail(
        PROBE_STAGES.resolve,
        dnsFailure(resolved.errno, `lookup ${host.name}: ${resolved.detail}`),
      );
    addresses = resolved.value;
    if (addresses.length === 0)
      return fail(PROBE_STAGES.resolve, dnsFailure('ENOTFOUND', `lookup ${host.name}: no addresses`));
    const refused = addresses.find((a) => !addressAllowed(a, options.scope));
    if (refused !== undefined) {
      return fail(
        PROBE_STAGES.resolve,
        failure(
          PROBE_ERROR_CODES.addressNotAllowed,
          `${host.name} resolves to ${refused}, outside the ${options.scope} address scope`,
        ),
      );
    }
  }
  measured = { ...measured, addresses };
  if (plan.network === 'udp') return { passed: true, measurements: measured };
  if (plan.network === 'quic') {
    const address = addresses[0] ?? plan.host;
    const answered = await quicVersionProbe(address, plan.port, options.timeoutMs);
    measured = { ...measured, bytes: answered.bytes };
    if (!answered.ok)
      return fail(
        PROBE_STAGES.udp,
        udpFailure(answered.errno, `QUIC probe of ${address}:${String(plan.port)}: ${answered.detail}`),
      );
    return { passed: true, measurements: measured };
  }

  const address = addresses[0] ?? plan.host;
  const opened = await openTcp(address, plan.port, options.timeoutMs);
  if (!opened.ok)
    return fail(
      PROBE_STAGES.tcp,
      connectFailure(opened.errno, `connect ${address}:${String(plan.port)}: ${opened.detail}`),
    );
  const socket = opened.socket;
  measured = { ...measured, connectMs: opened.ms };
  try {
    if (plan.tls === null)
      return { passed: true, measurements: { ...measured, bytes: socket.bytesRead + socket.bytesWritten } };
    const tlsPlan = plan.tls;
    const started = performance.now();
    const handshake = await new Promise<
      { ok: true } | { ok: false; errno: string | undefined; detail: string }
    >((resolve) => {
      const servername =
        tlsPlan.servername !== undefined && isIP(tlsPlan.servername) === 0 ? tlsPlan.servername : undefined;
      const tls = tlsConnect({
        socket,
        host: tlsPlan.servername ?? plan.host,
        ...(servername === undefined ? {} : { servername }),
        ...(tlsPlan.alpn.length > 0 ? { ALPNProtocols: [...tlsPlan.alpn] } : {}),
        rejectUnauthorized: tlsPlan.verify,
        ...(options.ca === undefined ? {} : { ca: [...options.ca] }),
      });
      const timer = setTimeout(() => {
        tls.destroy();
        resolve({
          ok: false,
          errno: 'TIMEOUT',
          detail: `no TLS handshake within ${String(options.timeoutMs)}ms`,
        });
      }, options.timeoutMs);
      tls.once('secureConnect', () => {
        clearTimeout(timer);
        tls.destroy();
        resolve({ ok: true });
      });
      tls.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        tls.destroy();
        resolve({ ok: false, errno: error.code, detail: error.message });
      });
    });
    measured = { ...measured, bytes: socket.bytesRead + socket.bytesWritten };
    if (!handshake.ok) {
      const sni = tlsPlan.servername ?? '(none)';
      return fail(PROBE_STAGES.tls, tlsFailure(handshake.errno, `TLS with SNI ${sni}: ${handshake.detail}`));
    }
    measured = { ...measured, tlsHandshakeMs: performance.now() - started };
    return { passed: true, measurements: measured };
  } finally {
    socket.destroy();
  }
}

type Timed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errno: string | undefined; readonly detail: string };

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<Timed<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Timed<T>>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, errno: 'ETIMEOUT', detail: `no answer within ${String(ms)}ms` }),
      ms,
    );
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Timed<T> => ({ ok: true, value }),
        (error: NodeJS.ErrnoException): Timed<T> => ({ ok: false, errno: error.code, detail: error.message }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function openTcp(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<
  { ok: true; socket: Socket; ms: number } | { ok: false; errno: string | undefined; detail: string }
> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, errno: 'TIMEOUT', detail: `no connection within ${String(timeoutMs)}ms` });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({ ok: true, socket, ms: performance.now() - started });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: false, errno: error.code, detail: error.message });
    });
  });
}

/** Datagrams sent within the deadline: a lost one on a real network must not fail a live server. */
const QUIC_PROBE_ATTEMPTS = 3;

/**
 * Sends a Version Negotiation probe (a fresh grease version and connection ids per attempt
 * batch) from a connected socket, so an ICMP port unreachable surfaces as ECONNREFUSED, and
 * waits for the answer that echoes our connection ids. Resent at a third and two thirds of
 * the deadline.
 */
function quicVersionProbe(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<
  | { ok: true; versions: readonly number[]; bytes: number }
  | { ok: false; errno: string | undefined; detail: string; bytes: number }
> {
  const probe: VersionProbe = {
    dcid: randomBytes(8),
    scid: randomBytes(8),
    version: greaseVersion(randomBytes(4)),
  };
  const packet = versionProbePacket(probe);
  return new Promise((resolve) => {
    const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    let bytes = 0;
    let foreign = 0;
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const settle = (
      result:
        { ok: true; versions: readonly number[] } | { ok: false; errno: string | undefined; detail: string },
    ): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      try {
        socket.close();
      } catch {
        // already closed by a failed connect
      }
      resolve({ ...result, bytes });
    };
    const send = (): void => {
      if (settled) return;
      bytes += packet.length;
      socket.send(packet, (error) => {
        if (error !== null) {
          const e = error as NodeJS.ErrnoException;
          settle({ ok: false, errno: e.code, detail: e.message });
        }
      });
    };
    socket.on('error', (error: NodeJS.ErrnoException) =>
      settle({ ok: false, errno: error.code, detail: error.message }),
    );
    socket.on('message', (datagram) => {
      bytes += datagram.length;
      const answer = readVersionNegotiation(datagram, probe);
      if (answer.ok) settle({ ok: true, versions: answer.versions });
      else foreign++;
    });
    socket.connect(port, host, () => {
      if (settled) return;
      for (let i = 1; i < QUIC_PROBE_ATTEMPTS; i++)
        timers.push(setTimeout(send, Math.floor((timeoutMs * i) / QUIC_PROBE_ATTEMPTS)));
      timers.push(
        setTimeout(
          () =>
            settle(
              foreign > 0
                ? {
                    ok: false,
                    errno: 'NOT_QUIC',
                    detail: `${String(foreign)} datagram(s) back, none a QUIC Version Negotiation`,
                  }
                : {
                    ok: false,
                    errno: 'TIMEOUT',
                    detail: `no Version Negotiation within ${String(timeoutMs)}ms (${String(QUIC_PROBE_ATTEMPTS)} datagrams of ${String(packet.length)} bytes)`,
                  },
            ),
          timeoutMs,
        ),
      );
      send();
    });
  });
}
