import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { RequestPhase } from '../core/probing/error-codes.ts';
import { REQUEST_PHASES } from '../core/probing/error-codes.ts';

export interface ProxyRequestOptions {
  /** The core's mixed inbound on 127.0.0.1. */
  readonly port: number;
  /** The proxy user naming the outbound to leave through, and the batch secret. */
  readonly username: string;
  readonly password: string;
  readonly target: URL;
  readonly method?: 'HEAD' | 'GET';
  readonly timeoutMs: number;
  /** Trust store for the target's certificate (tests: a self-signed loopback server); default Node's roots. */
  readonly ca?: readonly string[];
}

export type ProxyRequestResult =
  | { readonly ok: true; readonly status: number; readonly latencyMs: number; readonly bytes: number }
  | {
      readonly ok: false;
      readonly phase: RequestPhase;
      /** Node's error code, TIMEOUT for our deadline, EOF for a close, GARBLED for bytes that are not HTTP. */
      readonly errno: string | undefined;
      readonly detail: string;
      readonly bytes: number;
    };

const MAX_HEADER_BYTES = 16 * 1024;

/**
 * One request to the test URL through the core: CONNECT to the target via the inbound
 * (authenticated as the outbound's user), TLS with the target end to end, then the request
 * line; done at the response's status line. Latency runs from opening the connection to the
 * status line: what a user's first request through the proxy would wait.
 *
 * Every failure says in which phase it happened: reaching our own core (`core`), the TLS
 * handshake with the target through the tunnel, or the HTTP exchange. sing-box answers CONNECT
 * at once and dials lazily, so the remote side's failures show up in the later phases.
 */
export function proxyRequest(options: ProxyRequestOptions): Promise<ProxyRequestResult> {
  const { port, username, password, target, timeoutMs, ca } = options;
  const method = options.method ?? 'HEAD';
  const https = target.protocol === 'https:';
  const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
  const targetPort = Number(target.port || (https ? 443 : 80));
  const authority = `${host.includes(':') ? `[${host}]` : host}:${String(targetPort)}`;
  const started = performance.now();

  return new Promise((resolve) => {
    let phase: RequestPhase = REQUEST_PHASES.core;
    let settled = false;
    let tunnel: TLSSocket | undefined;
    const raw: Socket = connect({ host: '127.0.0.1', port });
    const bytes = (): number => raw.bytesRead + raw.bytesWritten;
    const finish = (result: ProxyRequestResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      tunnel?.destroy();
      raw.destroy();
      resolve(result);
    };
    const fail = (errno: string | undefined, detail: string): void =>
      finish({ ok: false, phase, errno, detail, bytes: bytes() });
    const timer = setTimeout(
      () => fail('TIMEOUT', `no answer from ${target.origin} within ${String(timeoutMs)}ms`),
      timeoutMs,
    );

    raw.once('error', (error: NodeJS.ErrnoException) => fail(error.code, error.message));
    raw.once('connect', () => {
      const auth = Buffer.from(`${username}:${password}`).toString('base64');
      raw.write(
        `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nProxy-Authorization: Basic ${auth}\r\n\r\n`,
      );
    });

    let head = Buffer.alloc(0);
    const onConnectData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > MAX_HEADER_BYTES) fail('GARBLED', 'oversized CONNECT answer');
        return;
      }
      raw.off('data', onConnectData);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1];
      if (status !== '200') {
        fail('CONNECT_REFUSED', `the core answered CONNECT with ${status ?? 'garbage'}`);
        return;
      }
      const rest = head.subarray(end + 4);
      if (rest.length > 0) raw.unshift(rest);
      if (https) startTls();
      else sendRequest(raw);
    };
    raw.on('data', onConnectData);
    raw.once('end', () => fail('EOF', 'connection closed'));

    const startTls = (): void => {
      phase = REQUEST_PHASES.tunnelTls;
      tunnel = tlsConnect({
        socket: raw,
        ...(isIP(host) === 0 ? { servername: host } : {}),
        host,
        ALPNProtocols: ['http/1.1'],
        ...(ca === undefined ? {} : { ca: [...ca] }),
      });
      tunnel.once('error', (error: NodeJS.ErrnoException) => fail(error.code, error.message));
      tunnel.once('secureConnect', () => {
        if (tunnel !== undefined) sendRequest(tunnel);
      });
    };

    const sendRequest = (socket: Socket): void => {
      phase = REQUEST_PHASES.http;
      const path = `${target.pathname}${target.search}`;
      socket.write(
        `${method} ${path} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: submerge-prober\r\nAccept: */*\r\nConnection: close\r\n\r\n`,
      );
      let response = '';
      socket.on('data', (chunk: Buffer) => {
        response += chunk.toString('latin1');
        const lineEnd = response.indexOf('\r\n');
        if (lineEnd === -1) {
          if (response.length > MAX_HEADER_BYTES) fail('GARBLED', 'no HTTP status line');
          return;
        }
        const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(response.slice(0, lineEnd))?.[1];
        if (status === undefined) {
          fail('GARBLED', `not an HTTP answer: ${JSON.stringify(response.slice(0, 40))}`);
          return;
        }
        finish({ ok: true, status: Number(status), latencyMs: performance.now() - started, bytes: bytes() });
      });
      socket.once('end', () => fail('EOF', 'connection closed before the HTTP answer'));
    };
  });
}
