import { describe, expect, it } from 'vitest';
import {
  ADDRESS_SCOPES,
  addressAllowed,
  checkServerHost,
} from '../../../../services/core/probing/address-scope.ts';
import { cheapPlan } from '../../../../services/core/probing/probe-plan.ts';
import { parseStatusRanges } from '../../../../services/core/probing/status-ranges.ts';
import type { ProxyConfig } from '../../../../services/core/model/config.ts';

const UUID = 'c9e0e536-2bca-45cc-881c-ec7e5979ad70';
const tcp = { type: 'tcp' } as const;

describe('cheapPlan', () => {
  it('checks TLS with the config SNI and ALPN, verifying the certificate', () => {
    const trojan: ProxyConfig = {
      protocol: 'trojan',
      name: 't',
      server: '1.2.3.4',
      port: 443,
      password: 'p',
      tls: { enabled: true, serverName: 'cdn.example.com', alpn: ['h2', 'http/1.1'] },
      transport: tcp,
    };
    expect(cheapPlan(trojan)).toEqual({
      host: '1.2.3.4',
      port: 443,
      network: 'tcp',
      tls: { servername: 'cdn.example.com', alpn: ['h2', 'http/1.1'], verify: true },
    });
  });

  it('falls back to the server name as SNI, never to an IP, and honours insecure and disabled SNI', () => {
    const vless = (server: string, tls: object): ProxyConfig => ({
      protocol: 'vless',
      name: 'v',
      server,
      port: 443,
      uuid: UUID,
      encryption: 'none',
      tls: { enabled: true, ...tls },
      transport: tcp,
    });
    expect(cheapPlan(vless('proxy.example.com', {})).tls).toEqual({
      servername: 'proxy.example.com',
      alpn: [],
      verify: true,
    });
    expect(cheapPlan(vless('1.2.3.4', {})).tls?.servername).toBeUndefined();
    expect(cheapPlan(vless('proxy.example.com', { insecure: true })).tls?.verify).toBe(false);
    expect(cheapPlan(vless('proxy.example.com', { disableSni: true })).tls?.servername).toBeUndefined();
  });

  it('does not verify the certificate a REALITY server relays (the key authenticates it)', () => {
    const reality: ProxyConfig = {
      protocol: 'vless',
      name: 'r',
      server: '1.2.3.4',
      port: 443,
      uuid: UUID,
      encryption: 'none',
      flow: 'xtls-rprx-vision',
      tls: { enabled: true, serverName: 'www.microsoft.com', reality: { publicKey: 'k', shortId: 'ab' } },
      transport: tcp,
    };
    expect(cheapPlan(reality).tls).toEqual({ servername: 'www.microsoft.com', alpn: [], verify: false });
  });

  it('plans a QUIC version probe instead of TCP and TLS for QUIC-based protocols', () => {
    const quic: ProxyConfig[] = [
      {
        protocol: 'hysteria2',
        name: 'h',
        server: '1.2.3.4',
        port: 443,
        password: 'p',
        tls: { enabled: true },
      },
      {
        protocol: 'tuic',
        name: 't',
        server: '1.2.3.4',
        port: 443,
        uuid: UUID,
        password: 'p',
        tls: { enabled: true },
      },
      { protocol: 'hysteria', name: 'h1', server: '1.2.3.4', port: 443, tls: { enabled: true } },
      {
        protocol: 'naive',
        name: 'n',
        server: '1.2.3.4',
        port: 443,
        username: 'u',
        password: 'p',
        quic: true,
        tls: { enabled: true },
      },
      {
        protocol: 'vmess',
        name: 'q',
        server: '1.2.3.4',
        port: 443,
        uuid: UUID,
        alterId: 0,
        cipher: 'auto',
        tls: { enabled: true },
        transport: { type: 'quic' },
      },
    ];
    for (const config of quic) expect(cheapPlan(config)).toMatchObject({ network: 'quic', tls: null });
  });

  it('only resolves UDP protocols that drop what they cannot authenticate or unmask', () => {
    const silent: ProxyConfig[] = [
      {
        protocol: 'hysteria2',
        name: 'h',
        server: '1.2.3.4',
        port: 443,
        password: 'p',
        obfs: { type: 'salamander', password: 'o' },
        tls: { enabled: true },
      },
      { protocol: 'hysteria', name: 'h1', server: '1.2.3.4', port: 443, obfs: 'x', tls: { enabled: true } },
      {
        protocol: 'hysteria',
        name: 'h1',
        server: '1.2.3.4',
        port: 443,
        transportProtocol: 'faketcp',
        tls: { enabled: true },
      },
      {
        protocol: 'wireguard',
        name: 'w',
        server: '1.2.3.4',
        port: 51820,
        privateKey: 'k',
        peerPublicKey: 'p',
        addresses: ['10.0.0.2/32'],
      },
      {
        protocol: 'vmess',
        name: 'k',
        server: '1.2.3.4',
        port: 443,
        uuid: UUID,
        alterId: 0,
        cipher: 'auto',
        tls: { enabled: false },
        transport: { type: 'kcp' },
      },
    ];
    for (const config of silent) expect(cheapPlan(config)).toMatchObject({ network: 'udp', tls: null });
  });

  it('only connects over TCP for plain protocols and shadowsocks plugins', () => {
    const ss: ProxyConfig = {
      protocol: 'shadowsocks',
      name: 's',
      server: '1.2.3.4',
      port: 8388,
      method: 'aes-128-gcm',
      password: 'p',
      plugin: { name: 'v2ray-plugin', opts: [['tls', '']] },
    };
    expect(cheapPlan(ss)).toEqual({ host: '1.2.3.4', port: 8388, network: 'tcp', tls: null });
    const vmess: ProxyConfig = {
      protocol: 'vmess',
      name: 'v',
      server: '1.2.3.4',
      port: 80,
      uuid: UUID,
      alterId: 0,
      cipher: 'auto',
      tls: { enabled: false },
      transport: { type: 'ws', path: '/' },
    };
    expect(cheapPlan(vmess).tls).toBeNull();
  });
});

describe('address scope', () => {
  it.each([
    ['public', '8.8.8.8', true],
    ['public', '127.0.0.1', false],
    ['public', '10.1.2.3', false],
    ['public', '169.254.169.254', false],
    ['private', '10.1.2.3', true],
    ['private', '169.254.169.254', false],
    ['private', '0.0.0.0', false],
    ['loopback', '127.0.0.1', true],
    ['loopback', '::1', true],
    ['loopback', '::ffff:127.0.0.1', true],
    ['loopback', '8.8.8.8', false],
    ['loopback', '10.0.0.1', false],
  ] as const)('%s scope: %s allowed=%s', (scope, address, allowed) => {
    expect(addressAllowed(address, scope)).toBe(allowed);
  });

  it('judges names before any lookup: loopback scope accepts only localhost', () => {
    expect(checkServerHost('localhost', ADDRESS_SCOPES.loopback)).toEqual({
      kind: 'name',
      name: 'localhost',
      allowed: true,
    });
    expect(checkServerHost('proxy.example.com', ADDRESS_SCOPES.loopback).allowed).toBe(false);
    expect(checkServerHost('proxy.example.com', ADDRESS_SCOPES.public).allowed).toBe(true);
    expect(checkServerHost('localhost', ADDRESS_SCOPES.public).allowed).toBe(false);
    expect(checkServerHost('metadata.google.internal', ADDRESS_SCOPES.private).allowed).toBe(false);
    expect(checkServerHost('[::1]', ADDRESS_SCOPES.loopback)).toEqual({
      kind: 'address',
      address: '::1',
      allowed: true,
    });
  });
});

describe('accepted test URL statuses', () => {
  it('parses ranges and lists', () => {
    const accept = parseStatusRanges('204, 200-299');
    expect([200, 204, 299, 300, 404].map((s) => accept?.(s))).toEqual([true, true, true, false, false]);
  });

  it.each(['', '2xx', '399-200', '99', '600', '200-'])('refuses %j', (text) => {
    expect(parseStatusRanges(text)).toBeUndefined();
  });
});
