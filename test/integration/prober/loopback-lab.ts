import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as TcpServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ProxyConfig, VlessConfig } from '../../../services/core/model/config.ts';
import { nonLoopbackTargets } from '../../../services/core/probing/loopback-scope.ts';
import { LOOPBACK_ONLY_DNS, runSingBox, singBoxTlsKeypair } from '../../helpers/proxy-cores.ts';
import type { RunningSingBox } from '../../helpers/proxy-cores.ts';

/**
 * Everything a prober test or benchmark talks to, on 127.0.0.1 only: a sing-box process running
 * the proxy servers (vmess, vless+REALITY, vless+TLS+ws, trojan, shadowsocks 2022, hysteria2,
 * tuic) with a self-signed certificate for `localhost` and a REALITY key pair made by
 * `sing-box generate`, an https test target (204 on /generate_204, also the REALITY handshake
 * target), a TCP server and a UDP socket that accept and never answer, and a closed TCP/UDP port.
 * QUIC servers (hysteria2, tuic) are first asked for Version Negotiation (stage udp).
 *
 * `configs` holds the canonical configs users would have: working ones (`ok.*`) and broken
 * ones (wrong credential, wrong SNI, closed port, stalling server), each with the stage and
 * code the prober must report.
 */

const execFileP = promisify(execFile);

export interface LabCase {
  readonly name: string;
  readonly config: ProxyConfig;
  /** What the prober must report for it. */
  readonly expect: { readonly stage: string; readonly outcome: string; readonly code: string | null };
}

export interface LoopbackLab {
  readonly testUrl: URL;
  /** PEM of the lab's certificate (trusted by the prober's checks in tests). */
  readonly cert: string;
  /** The same certificate as a file: SSL_CERT_FILE for the prober's sing-box. */
  readonly certFile: string;
  readonly cases: readonly LabCase[];
  /** A working config of each protocol, server-side ports included: the benchmark clones these. */
  readonly working: readonly LabCase[];
  /** Requests the https target has answered. */
  targetHits(): number;
  /** The lab's sing-box server config (for the loopback check). */
  readonly serverConfig: Record<string, unknown>;
  readonly server: RunningSingBox;
  stop(): Promise<void>;
}

const UUID = 'c9e0e536-2bca-45cc-881c-ec7e5979ad70';
const OTHER_UUID = '0b7a2a4e-5b8c-4f1d-9e3a-7c6d5e4f3a21';
const SS_KEY = 'MG+cOq0EuN5HGwxjx2Lemg==';
const OTHER_SS_KEY = 'AAAAAAAAAAAAAAAAAAAAAA==';
const SHORT_ID = 'abcd1234';

async function generateRealityKeypair(bin: string): Promise<{ privateKey: string; publicKey: string }> {
  const { stdout } = await execFileP(bin, ['generate', 'reality-keypair'], { timeout: 15_000 });
  const privateKey = /PrivateKey:\s*(\S+)/.exec(stdout)?.[1];
  const publicKey = /PublicKey:\s*(\S+)/.exec(stdout)?.[1];
  if (privateKey === undefined || publicKey === undefined)
    throw new Error(`sing-box generate reality-keypair: ${stdout}`);
  return { privateKey, publicKey };
}

/** Distinct loopback TCP ports, held together so none repeats; UDP inbounds reuse the numbers. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<TcpServer>((resolve, reject) => {
          const server = createTcpServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

const tcp = { type: 'tcp' } as const;
const noTls = { enabled: false } as const;

export async function startLoopbackLab(bin: string): Promise<LoopbackLab> {
  const dir = await mkdtemp(join(tmpdir(), 'submerge-lab-'));
  const { key, cert } = await singBoxTlsKeypair(bin, 'localhost');
  const reality = await generateRealityKeypair(bin);
  const certFile = join(dir, 'localhost.pem');
  const keyFile = join(dir, 'localhost.key');
  await writeFile(certFile, cert);
  await writeFile(keyFile, key);

  let hits = 0;
  const target: HttpsServer = createHttpsServer({ key, cert }, (req, res) => {
    hits++;
    res.writeHead(req.url === '/generate_204' ? 204 : 200).end();
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const targetPort = (target.address() as AddressInfo).port;

  // Accepts and never says a word: the prober must time out, not hang.
  const stalled = new Set<Socket>();
  const stall: TcpServer = createTcpServer((socket) => {
    stalled.add(socket);
    socket.on('close', () => stalled.delete(socket));
  });
  await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', resolve));
  const stallPort = (stall.address() as AddressInfo).port;
  const udpStall: UdpSocket = createSocket('udp4');
  udpStall.on('message', () => undefined);
  await new Promise<void>((resolve) => udpStall.bind(0, '127.0.0.1', resolve));
  const udpStallPort = udpStall.address().port;

  const [vmessPort, realityPort, vlessWsPort, trojanPort, ssPort, hy2Port, tuicPort, closedPort] =
    (await freePorts(8)) as [number, number, number, number, number, number, number, number];
  const tlsIn = { enabled: true, server_name: 'localhost', certificate_path: certFile, key_path: keyFile };
  const serverConfig: Record<string, unknown> = {
    log: { level: 'warn', timestamp: false },
    dns: LOOPBACK_ONLY_DNS,
    inbounds: [
      {
        type: 'vmess',
        tag: 'vmess-in',
        listen: '127.0.0.1',
        listen_port: vmessPort,
        users: [{ uuid: UUID, alterId: 0 }],
      },
      {
        type: 'vless',
        tag: 'reality-in',
        listen: '127.0.0.1',
        listen_port: realityPort,
        users: [{ uuid: UUID, flow: 'xtls-rprx-vision' }],
        tls: {
          enabled: true,
          server_name: 'localhost',
          reality: {
            enabled: true,
            handshake: { server: '127.0.0.1', server_port: targetPort },
            private_key: reality.privateKey,
            short_id: [SHORT_ID],
          },
        },
      },
      {
        type: 'vless',
        tag: 'vless-ws-in',
        listen: '127.0.0.1',
        listen_port: vlessWsPort,
        users: [{ uuid: UUID }],
        tls: tlsIn,
        transport: { type: 'ws', path: '/ws' },
      },
      {
        type: 'trojan',
        tag: 'trojan-in',
        listen: '127.0.0.1',
        listen_port: trojanPort,
        users: [{ password: 'trojan-pass' }],
        tls: tlsIn,
      },
      {
        type: 'shadowsocks',
        tag: 'ss-in',
        listen: '127.0.0.1',
        listen_port: ssPort,
        method: '2022-blake3-aes-128-gcm',
        password: SS_KEY,
      },
      {
        type: 'hysteria2',
        tag: 'hy2-in',
        listen: '127.0.0.1',
        listen_port: hy2Port,
        users: [{ password: 'hy2-pass' }],
        tls: { ...tlsIn, alpn: ['h3'] },
      },
      {
        type: 'tuic',
        tag: 'tuic-in',
        listen: '127.0.0.1',
        listen_port: tuicPort,
        users: [{ uuid: UUID, password: 'tuic-pass' }],
        tls: { ...tlsIn, alpn: ['h3'] },
      },
    ],
    outbounds: [{ type: 'direct', tag: 'direct' }],
    route: { final: 'direct', default_domain_resolver: 'loopback-only' },
  };
  const outside = nonLoopbackTargets(serverConfig);
  if (outside.length > 0) throw new Error(`lab server config leaves loopback: ${outside.join('; ')}`);
  const server = await runSingBox(bin, serverConfig, {
    waitForPorts: [vmessPort, realityPort, vlessWsPort, trojanPort, ssPort],
  });

  const at = (port: number, server_ = '127.0.0.1') => ({ server: server_, port });
  const tlsOut = (serverName: string, alpn?: readonly string[]) => ({
    enabled: true,
    serverName,
    ...(alpn ? { alpn } : {}),
  });
  const realityOut = (serverName: string) => ({
    enabled: true,
    serverName,
    fingerprint: 'chrome',
    reality: { publicKey: reality.publicKey, shortId: SHORT_ID },
  });

  const ok = (name: string, config: ProxyConfig): LabCase => ({
    name,
    config,
    expect: { stage: 'proxy', outcome: 'ok', code: null },
  });
  const broken = (
    name: string,
    config: ProxyConfig,
    stage: string,
    outcome: string,
    code: string,
  ): LabCase => ({
    name,
    config,
    expect: { stage, outcome, code },
  });

  const vmess = (uuid: string, port = vmessPort): ProxyConfig => ({
    protocol: 'vmess',
    name: 'vmess',
    ...at(port),
    uuid,
    alterId: 0,
    cipher: 'auto',
    tls: noTls,
    transport: tcp,
  });
  const realityVless = (uuid: string, sni: string): ProxyConfig => ({
    protocol: 'vless',
    name: 'reality',
    ...at(realityPort),
    uuid,
    flow: 'xtls-rprx-vision',
    encryption: 'none',
    tls: realityOut(sni),
    transport: tcp,
  });
  const vlessWs = (
    uuid: string,
    transport: VlessConfig['transport'] = { type: 'ws', path: '/ws' },
  ): ProxyConfig => ({
    protocol: 'vless',
    name: 'vless-ws',
    ...at(vlessWsPort),
    uuid,
    encryption: 'none',
    tls: tlsOut('localhost'),
    transport,
  });
  const trojan = (password: string, sni: string, port = trojanPort, host = '127.0.0.1'): ProxyConfig => ({
    protocol: 'trojan',
    name: 'trojan',
    ...at(port, host),
    password,
    tls: tlsOut(sni),
    transport: tcp,
  });
  const ss = (password: string, port = ssPort): ProxyConfig => ({
    protocol: 'shadowsocks',
    name: 'ss',
    ...at(port),
    method: '2022-blake3-aes-128-gcm',
    password,
  });
  const hy2 = (
    password: string,
    sni: string,
    port = hy2Port,
    obfs?: { type: string; password: string },
  ): ProxyConfig => ({
    protocol: 'hysteria2',
    name: 'hy2',
    ...at(port),
    password,
    ...(obfs === undefined ? {} : { obfs }),
    tls: tlsOut(sni, ['h3']),
  });
  const tuic = (password: string, port = tuicPort): ProxyConfig => ({
    protocol: 'tuic',
    name: 'tuic',
    ...at(port),
    uuid: UUID,
    password,
    congestionControl: 'bbr',
    tls: tlsOut('localhost', ['h3']),
  });

  const working = [
    ok('vmess', vmess(UUID)),
    ok('vless+reality', realityVless(UUID, 'localhost')),
    ok('vless+tls+ws', vlessWs(UUID)),
    ok('trojan', trojan('trojan-pass', 'localhost')),
    ok('shadowsocks-2022', ss(SS_KEY)),
    ok('hysteria2', hy2('hy2-pass', 'localhost')),
    ok('tuic', tuic('tuic-pass')),
  ];
  const cases: LabCase[] = [
    ...working,
    // A server named by host name: the cheap stage pins it, sing-box resolves only from the pin.
    ok('trojan via localhost name', trojan('trojan-pass', 'localhost', trojanPort, 'localhost')),
    // Wrong credentials: these servers close the connection; hysteria2 says so explicitly.
    broken('vmess wrong uuid', vmess(OTHER_UUID), 'proxy', 'proxy-error', 'PROXY_REJECTED'),
    broken(
      'vless+reality wrong uuid',
      realityVless(OTHER_UUID, 'localhost'),
      'proxy',
      'proxy-error',
      'PROXY_REJECTED',
    ),
    broken('vless+tls+ws wrong uuid', vlessWs(OTHER_UUID), 'proxy', 'proxy-error', 'PROXY_REJECTED'),
    broken('trojan wrong password', trojan('nope', 'localhost'), 'proxy', 'proxy-error', 'PROXY_REJECTED'),
    broken('shadowsocks wrong key', ss(OTHER_SS_KEY), 'proxy', 'proxy-error', 'PROXY_REJECTED'),
    broken('hysteria2 wrong password', hy2('nope', 'localhost'), 'proxy', 'proxy-error', 'PROXY_AUTH_FAILED'),
    broken('tuic wrong password', tuic('nope'), 'proxy', 'proxy-error', 'PROXY_REJECTED'),
    // Wrong SNI: plain TLS fails the cheap handshake; REALITY and QUIC only fail in the core.
    broken(
      'trojan wrong sni',
      trojan('trojan-pass', 'wrong.example'),
      'tls',
      'tls-error',
      'TLS_CERT_NAME_MISMATCH',
    ),
    broken(
      'vless+reality wrong sni',
      realityVless(UUID, 'wrong.example'),
      'proxy',
      'tls-error',
      'TLS_CERT_NAME_MISMATCH',
    ),
    broken(
      'hysteria2 wrong sni',
      hy2('hy2-pass', 'wrong.example'),
      'proxy',
      'tls-error',
      'TLS_CERT_NAME_MISMATCH',
    ),
    // Closed ports: refused in the cheap stage, TCP by its connect, QUIC by the ICMP port
    // unreachable that answers the Version Negotiation probe.
    broken('shadowsocks closed port', ss(SS_KEY, closedPort), 'tcp', 'refused', 'CONNECTION_REFUSED'),
    broken(
      'hysteria2 closed port',
      hy2('hy2-pass', 'localhost', closedPort),
      'udp',
      'refused',
      'CONNECTION_REFUSED',
    ),
    broken('tuic closed port', tuic('tuic-pass', closedPort), 'udp', 'refused', 'CONNECTION_REFUSED'),
    // Servers that accept and stall.
    broken('shadowsocks stalling server', ss(SS_KEY, stallPort), 'proxy', 'timeout', 'PROXY_TIMEOUT'),
    broken(
      'trojan stalling server',
      trojan('trojan-pass', 'localhost', stallPort),
      'tls',
      'timeout',
      'TLS_TIMEOUT',
    ),
    // A UDP socket that swallows everything: no Version Negotiation comes back.
    broken(
      'hysteria2 stalling server',
      hy2('hy2-pass', 'localhost', udpStallPort),
      'udp',
      'timeout',
      'QUIC_NO_RESPONSE',
    ),
    broken('tuic stalling server', tuic('tuic-pass', udpStallPort), 'udp', 'timeout', 'QUIC_NO_RESPONSE'),
    // Salamander-obfuscated hysteria2 hides QUIC, so the probe is skipped and sing-box finds the stall.
    broken(
      'hysteria2+salamander stalling server',
      hy2('hy2-pass', 'localhost', udpStallPort, { type: 'salamander', password: 'obfs' }),
      'proxy',
      'timeout',
      'PROXY_TIMEOUT',
    ),
    // Left alone: a transport sing-box lacks, and servers outside the loopback scope (never dialled).
    broken(
      'vless over xhttp',
      vlessWs(UUID, { type: 'xhttp', path: '/x' }),
      'proxy',
      'unsupported',
      'UNSUPPORTED_TRANSPORT',
    ),
    broken(
      'public address',
      { ...ss(SS_KEY), server: '192.0.2.10' },
      'resolve',
      'unsupported',
      'ADDRESS_NOT_ALLOWED',
    ),
    broken(
      'public host name',
      { ...ss(SS_KEY), server: 'proxy.example.com' },
      'resolve',
      'unsupported',
      'ADDRESS_NOT_ALLOWED',
    ),
  ];

  return {
    testUrl: new URL(`https://localhost:${String(targetPort)}/generate_204`),
    cert,
    certFile,
    cases,
    working,
    targetHits: () => hits,
    serverConfig,
    server,
    async stop() {
      await server.stop();
      for (const socket of stalled) socket.destroy();
      target.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => target.close(() => resolve())),
        new Promise<void>((resolve) => stall.close(() => resolve())),
        new Promise<void>((resolve) => udpStall.close(() => resolve())),
      ]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
