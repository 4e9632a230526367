import { describe, expect, it } from 'vitest';
import { CORE_INBOUND_TAG, coreConfig } from '../../../../services/core/probing/core-config.ts';
import { coreOutbound, isCoreRejection } from '../../../../services/core/probing/core-outbound.ts';
import type { CoreOutbound } from '../../../../services/core/probing/core-outbound.ts';
import { nonLoopbackTargets } from '../../../../services/core/probing/loopback-scope.ts';
import type { ProxyConfig } from '../../../../services/core/model/config.ts';

const ss = (server: string): ProxyConfig => ({
  protocol: 'shadowsocks',
  name: 'ss',
  server,
  port: 8388,
  method: 'aes-128-gcm',
  password: 'secret',
});

function outbound(config: ProxyConfig): CoreOutbound {
  const o = coreOutbound(config);
  if (isCoreRejection(o)) throw new Error(o.reason);
  return o;
}

describe('coreOutbound (the sing-box emitter, one config at a time)', () => {
  it('writes the same outbound a user would get, without its display tag', () => {
    expect(outbound(ss('1.2.3.4'))).toEqual({
      kind: 'outbound',
      body: {
        type: 'shadowsocks',
        server: '1.2.3.4',
        server_port: 8388,
        method: 'aes-128-gcm',
        password: 'secret',
      },
    });
  });

  it("returns the emitter's incompatibility for a config sing-box cannot run", () => {
    const xhttp: ProxyConfig = {
      protocol: 'vless',
      name: 'x',
      server: '1.2.3.4',
      port: 443,
      uuid: 'c9e0e536-2bca-45cc-881c-ec7e5979ad70',
      encryption: 'none',
      tls: { enabled: true },
      transport: { type: 'xhttp', path: '/' },
    };
    expect(coreOutbound(xhttp)).toMatchObject({ code: 'UNSUPPORTED_TRANSPORT' });
    const wg: ProxyConfig = {
      protocol: 'wireguard',
      name: 'wg',
      server: '1.2.3.4',
      port: 51820,
      privateKey: 'MOk00UwV3wD7E01ZkbqFDAgRHIEtFRDCLVgX2rwb5Ws=',
      peerPublicKey: 'obrmrmICba8l9AsSreGMX94U8BVJl+jXorPZtvRPRhw=',
      addresses: ['10.0.0.2/32'],
    };
    // The infra/local build has no with_wireguard; a build that has it gets an endpoint.
    expect(coreOutbound(wg)).toMatchObject({ code: 'UNSUPPORTED_PROTOCOL' });
    expect(coreOutbound(wg, { wireguard: true })).toMatchObject({ kind: 'endpoint' });
  });
});

describe('coreConfig (one sing-box process per batch)', () => {
  const config = coreConfig({
    entries: [
      { tag: 'p0', outbound: outbound(ss('127.0.0.1')) },
      { tag: 'p1', outbound: outbound(ss('localhost')) },
    ],
    listenPort: 4000,
    apiPort: 4001,
    secret: 's3cret',
    hosts: new Map([['localhost', ['127.0.0.1']]]),
  });

  it('routes each proxy user to the outbound of the same tag and rejects everything else', () => {
    expect(config['inbounds']).toEqual([
      {
        type: 'mixed',
        tag: CORE_INBOUND_TAG,
        listen: '127.0.0.1',
        listen_port: 4000,
        users: [
          { username: 'p0', password: 's3cret' },
          { username: 'p1', password: 's3cret' },
        ],
      },
    ]);
    expect(config['route']).toEqual({
      rules: [
        { auth_user: ['p0'], outbound: 'p0' },
        { auth_user: ['p1'], outbound: 'p1' },
        { action: 'reject' },
      ],
      default_domain_resolver: 'pinned',
    });
    expect((config['outbounds'] as { tag: string }[]).map((o) => o.tag)).toEqual(['p0', 'p1']);
  });

  it('resolves names only from the pinned hosts table and serves the Clash API on loopback with the secret', () => {
    expect(config['dns']).toEqual({
      servers: [{ type: 'hosts', tag: 'pinned', predefined: { localhost: ['127.0.0.1'] } }],
      final: 'pinned',
    });
    expect(config['experimental']).toEqual({
      clash_api: { external_controller: '127.0.0.1:4001', secret: 's3cret' },
    });
  });

  it('passes the loopback check', () => {
    expect(nonLoopbackTargets(config)).toEqual([]);
  });
});

describe('nonLoopbackTargets', () => {
  const base = () =>
    coreConfig({
      entries: [{ tag: 'p0', outbound: outbound(ss('127.0.0.1')) }],
      listenPort: 1,
      apiPort: 2,
      secret: 's',
      hosts: new Map(),
    });

  it('names a server outside loopback', () => {
    const config = coreConfig({
      entries: [
        { tag: 'p0', outbound: outbound(ss('8.8.8.8')) },
        { tag: 'p1', outbound: outbound(ss('proxy.example.com')) },
        { tag: 'p2', outbound: outbound(ss('::1')) },
      ],
      listenPort: 1,
      apiPort: 2,
      secret: 's',
      hosts: new Map([['proxy.example.com', ['127.0.0.1', '10.0.0.1']]]),
    });
    expect(nonLoopbackTargets(config)).toEqual([
      'dns hosts proxy.example.com -> 10.0.0.1',
      'outbounds[0].server 8.8.8.8',
      'outbounds[1].server proxy.example.com',
    ]);
  });

  it('names a real DNS server, a public listen address and a public Clash API', () => {
    const config = {
      ...base(),
      dns: { servers: [{ type: 'udp', tag: 'google', server: '8.8.8.8' }] },
      inbounds: [{ type: 'mixed', listen: '0.0.0.0', listen_port: 1 }],
      experimental: { clash_api: { external_controller: '0.0.0.0:9090' } },
    };
    expect(nonLoopbackTargets(config)).toEqual([
      'dns.servers[0] is a udp server, not a hosts table',
      'inbounds[0].listen 0.0.0.0',
      'clash_api.external_controller 0.0.0.0:9090',
    ]);
  });

  it('names a REALITY handshake target and a WireGuard peer outside loopback', () => {
    const config = {
      ...base(),
      inbounds: [
        {
          type: 'vless',
          listen: '127.0.0.1',
          tls: { reality: { handshake: { server: 'www.example.com', server_port: 443 } } },
        },
      ],
      endpoints: [{ type: 'wireguard', peers: [{ address: '198.51.100.1', port: 51820 }] }],
    };
    expect(nonLoopbackTargets(config)).toEqual([
      'inbounds[0] REALITY handshake www.example.com',
      'endpoints[0].peers[0].address 198.51.100.1',
    ]);
  });
});
