import { describe, expect, it } from 'vitest';
import { emitXray } from '../../../../services/core/emit/xray.ts';
import { ALL_SAMPLES, SAMPLE_CONFIGS as S } from './sample-configs.ts';

interface XrayDoc {
  outbounds: Record<string, unknown>[];
}

function outbound(output: string, tag: string): Record<string, unknown> {
  const found = (JSON.parse(output) as XrayDoc).outbounds.find((o) => o['tag'] === tag);
  if (found === undefined) throw new Error(`no outbound ${tag}`);
  return found;
}

describe('emitXray', () => {
  it('writes vless REALITY with vnext users and realitySettings including spiderX', () => {
    const o = outbound(emitXray([S.vlessRealityNoFp]).output, S.vlessRealityNoFp.name);
    expect(o).toEqual({
      tag: S.vlessRealityNoFp.name,
      protocol: 'vless',
      settings: {
        vnext: [
          {
            address: 'reality.example.net',
            port: 443,
            users: [{ id: S.vlessRealityNoFp.uuid, encryption: 'none' }],
          },
        ],
      },
      streamSettings: {
        network: 'grpc',
        grpcSettings: { serviceName: 'grpc-svc', multiMode: true },
        security: 'reality',
        realitySettings: {
          serverName: 'www.microsoft.com',
          fingerprint: 'chrome',
          publicKey: S.vlessRealityNoFp.tls.reality.publicKey,
          shortId: '00000000',
          spiderX: '/',
        },
      },
    });
  });

  it('passes xhttp extra through as JSON and keeps ws early data in the path', () => {
    const xhttp = outbound(emitXray([S.vlessXhttpExtra]).output, S.vlessXhttpExtra.name);
    expect(xhttp['streamSettings']).toMatchObject({
      network: 'xhttp',
      xhttpSettings: { path: '/x', mode: 'auto', extra: { xPaddingBytes: '100-1000' } },
    });
    const ws = outbound(emitXray([S.vlessWsEarlyData]).output, S.vlessWsEarlyData.name);
    expect(ws['streamSettings']).toMatchObject({
      wsSettings: { path: '/ws/path?ed=2048', headers: { Host: 'cdn.example.com' } },
    });
  });

  it('writes TCP HTTP camouflage as a tcpSettings http header', () => {
    const o = outbound(emitXray([S.vmessTcpHttp]).output, S.vmessTcpHttp.name);
    expect(o['streamSettings']).toEqual({
      network: 'tcp',
      tcpSettings: {
        header: { type: 'http', request: { path: ['/'], headers: { Host: ['www.bing.com'] } } },
      },
      security: 'none',
    });
  });

  it('writes wireguard with secretKey, peers and reserved bytes', () => {
    const o = outbound(emitXray([S.wireguard]).output, 'warp');
    expect(o['settings']).toMatchObject({
      secretKey: S.wireguard.privateKey,
      peers: [{ endpoint: 'engage.cloudflareclient.com:2408', keepAlive: 5 }],
      reserved: [242, 128, 94],
    });
  });

  it('leaves out what Xray-core cannot express, each with a stable code', () => {
    const result = emitXray(ALL_SAMPLES);
    const codes = Object.fromEntries(result.incompatible.map((i) => [i.name, i.code]));
    expect(codes).toEqual({
      [S.vmessH2Plain.name]: 'UNSUPPORTED_TRANSPORT',
      [S.ssObfs.name]: 'UNSUPPORTED_PLUGIN',
      [S.ssV2rayPlugin.name]: 'UNSUPPORTED_PLUGIN',
      [S.ssShadowTls.name]: 'UNSUPPORTED_PLUGIN',
      [S.ssr.name]: 'UNSUPPORTED_PROTOCOL',
      [S.hysteria.name]: 'UNSUPPORTED_PROTOCOL',
      [S.hysteriaNoBandwidth.name]: 'UNSUPPORTED_PROTOCOL',
      [S.hysteria2Hopping.name]: 'UNSUPPORTED_PROTOCOL',
      [S.hysteria2Pinned.name]: 'UNSUPPORTED_PROTOCOL',
      [S.tuic.name]: 'UNSUPPORTED_PROTOCOL',
      [S.socks4.name]: 'UNSUPPORTED_OPTION',
      [S.anytls.name]: 'UNSUPPORTED_PROTOCOL',
      [S.naive.name]: 'UNSUPPORTED_PROTOCOL',
    });
    expect((JSON.parse(result.output) as XrayDoc).outbounds).toHaveLength(result.emitted);
  });
});

describe('emitXray UDP packet encoding', () => {
  it('accepts XUDP and plain (Xray relays both as XUDP) and refuses packetaddr', () => {
    expect(emitXray([{ ...S.vlessRealityVision, packetEncoding: 'xudp' }]).emitted).toBe(1);
    expect(emitXray([{ ...S.vlessRealityVision, packetEncoding: 'none' }]).emitted).toBe(1);
    const packetaddr = emitXray([{ ...S.vmessWsTls, packetEncoding: 'packetaddr' }]);
    expect(packetaddr.incompatible[0]?.code).toBe('UNSUPPORTED_OPTION');
  });
});
