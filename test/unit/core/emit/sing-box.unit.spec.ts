import { describe, expect, it } from 'vitest';
import { emitSingBox } from '../../../../services/core/emit/sing-box.ts';
import { INCOMPATIBILITY_CODES } from '../../../../services/core/emit/emit-result.ts';
import { ALL_SAMPLES, DUPLICATE_NAMES, SAMPLE_CONFIGS as S } from './sample-configs.ts';

interface Doc {
  outbounds: Record<string, unknown>[];
  endpoints?: Record<string, unknown>[];
  route: { final: string };
}

function doc(output: string): Doc {
  return JSON.parse(output) as Doc;
}

function byTag(d: Doc, tag: string): Record<string, unknown> {
  const found = [...d.outbounds, ...(d.endpoints ?? [])].find((o) => o['tag'] === tag);
  if (found === undefined) throw new Error(`no outbound ${tag}`);
  return found;
}

describe('emitSingBox', () => {
  it('writes a selector over a urltest and every proxy, with route.final on the selector', () => {
    const result = emitSingBox([S.vmessWsTls, S.wireguard]);
    const d = doc(result.output);
    expect(result.emitted).toBe(2);
    expect(d.outbounds[0]).toMatchObject({
      type: 'selector',
      tag: 'select',
      outbounds: ['auto', '12345678', 'warp'],
    });
    expect(d.outbounds[1]).toMatchObject({ type: 'urltest', tag: 'auto', outbounds: ['12345678', 'warp'] });
    expect(d.route.final).toBe('select');
  });

  it('puts WireGuard in endpoints with peers, CIDR addresses and both allowed-ip families', () => {
    const d = doc(emitSingBox([S.wireguard]).output);
    expect(d.endpoints?.[0]).toEqual({
      type: 'wireguard',
      tag: 'warp',
      address: ['172.16.0.2/32', '2606:4700:110:8758:a54c:ef3b:14c6:9cfd/128'],
      private_key: S.wireguard.privateKey,
      mtu: 1280,
      peers: [
        {
          address: 'engage.cloudflareclient.com',
          port: 2408,
          public_key: S.wireguard.peerPublicKey,
          allowed_ips: ['0.0.0.0/0', '::/0'],
          persistent_keepalive_interval: 5,
          reserved: [242, 128, 94],
        },
      ],
    });
  });

  it('leaves WireGuard out when the target build has no with_wireguard', () => {
    const result = emitSingBox([S.wireguard], { wireguard: false });
    expect(result.emitted).toBe(0);
    expect(result.incompatible[0]?.code).toBe(INCOMPATIBILITY_CODES.unsupportedProtocol);
  });

  it('enables uTLS chrome for REALITY when the source named no fingerprint', () => {
    const tls = byTag(doc(emitSingBox([S.vlessRealityNoFp]).output), S.vlessRealityNoFp.name)['tls'];
    expect(tls).toEqual({
      enabled: true,
      server_name: 'www.microsoft.com',
      utls: { enabled: true, fingerprint: 'chrome' },
      reality: { enabled: true, public_key: S.vlessRealityNoFp.tls.reality.publicKey, short_id: '00000000' },
    });
  });

  it('writes ws early data with the Sec-WebSocket-Protocol header Xray servers expect', () => {
    const o = byTag(doc(emitSingBox([S.vlessWsEarlyData]).output), S.vlessWsEarlyData.name);
    expect(o['transport']).toEqual({
      type: 'ws',
      path: '/ws/path',
      headers: { Host: 'cdn.example.com' },
      max_early_data: 2048,
      early_data_header_name: 'Sec-WebSocket-Protocol',
    });
    expect(o['server']).toBe('2001:db8::10');
  });

  it('turns hysteria2 port hopping into colon ranges and the hop interval into a duration', () => {
    const o = byTag(doc(emitSingBox([S.hysteria2Hopping]).output), S.hysteria2Hopping.name);
    expect(o).toMatchObject({
      server_port: 21000,
      server_ports: ['21000:21199'],
      hop_interval: '30s',
      obfs: { type: 'salamander', password: 'M2UyNTc5OWUwYjkyM2Q2OQ==' },
      password: 'https://xship.2fa.cat',
    });
  });

  it('adds the main port as its own range when the hopping ranges do not cover it', () => {
    const o = byTag(doc(emitSingBox([{ ...S.hysteria2Hopping, port: 443 }]).output), S.hysteria2Hopping.name);
    expect(o['server_ports']).toEqual(['443:443', '21000:21199']);
  });

  it('writes TCP HTTP camouflage as the http transport only when TLS is off', () => {
    const o = byTag(doc(emitSingBox([S.vmessTcpHttp]).output), S.vmessTcpHttp.name);
    expect(o['transport']).toEqual({ type: 'http', host: ['www.bing.com'], path: '/' });
    const overTls = emitSingBox([{ ...S.vmessTcpHttp, tls: { enabled: true } }]);
    expect(overTls.incompatible[0]?.code).toBe(INCOMPATIBILITY_CODES.unsupportedTransport);
  });

  it('leaves out what sing-box cannot express, each with a stable code', () => {
    const result = emitSingBox(ALL_SAMPLES);
    const codes = Object.fromEntries(result.incompatible.map((i) => [i.name, i.code]));
    expect(codes).toEqual({
      [S.vlessXhttpExtra.name]: 'UNSUPPORTED_TRANSPORT',
      [S.vmessH2Plain.name]: 'UNSUPPORTED_TRANSPORT',
      [S.vmessKcpLegacy.name]: 'UNSUPPORTED_TRANSPORT',
      [S.ssShadowTls.name]: 'UNSUPPORTED_PLUGIN',
      [S.ssr.name]: 'UNSUPPORTED_PROTOCOL',
      [S.hysteriaNoBandwidth.name]: 'MISSING_REQUIRED_FIELD',
      [S.hysteria2Pinned.name]: 'UNSUPPORTED_SECURITY',
      [S.naive.name]: 'UNSUPPORTED_PROTOCOL',
    });
    expect(result.emitted + result.incompatible.length).toBe(ALL_SAMPLES.length);
  });

  it('emits naive only for a build with the naive outbound', () => {
    const o = byTag(doc(emitSingBox([S.naive], { naive: true }).output), 'naive');
    expect(o).toMatchObject({ type: 'naive', username: 'user', password: 'pass', tls: { enabled: true } });
  });

  it('labels left-out configs with the fingerprint the caller supplies and their input index', () => {
    const result = emitSingBox([S.vmessWsTls, S.ssr], { fingerprint: (c) => `fp:${c.server}` });
    expect(result.incompatible).toEqual([
      {
        index: 1,
        name: 'ssr',
        protocol: 'shadowsocksr',
        code: 'UNSUPPORTED_PROTOCOL',
        reason: expect.any(String) as string,
        fingerprint: 'fp:120.232.1.1',
      },
    ]);
  });

  it('gives duplicate names unique tags and never reuses a group tag', () => {
    const d = doc(emitSingBox([...DUPLICATE_NAMES, { ...S.ssAead, name: 'select' }]).output);
    const tags = d.outbounds.slice(2).map((o) => o['tag']);
    expect(tags).toEqual(['ss aead', 'ss aead-02', 'ss aead-03', 'ss aead-01', 'select-01']);
  });

  it('writes a document with a direct fallback when nothing could be emitted', () => {
    const d = doc(emitSingBox([S.ssr]).output);
    expect(d.outbounds.map((o) => o['type'])).toEqual(['selector', 'urltest', 'direct']);
    expect(d.outbounds[0]?.['outbounds']).toEqual(['auto', 'direct']);
  });
});

describe('emitSingBox keys and flows', () => {
  it('writes xtls-rprx-vision-udp443 as the vision flow it puts on the wire', () => {
    const d = doc(emitSingBox([{ ...S.vlessRealityVision, flow: 'xtls-rprx-vision-udp443' }]).output);
    expect(byTag(d, S.vlessRealityVision.name)['flow']).toBe('xtls-rprx-vision');
  });

  it('leaves out a Shadowsocks 2022 config whose key has the wrong length for its cipher', () => {
    const wrong = {
      ...S.ss2022MultiUser,
      password: 'XV+umcZHRuSpfrigrIbOloRZZ7rMFZTASosT7FrbqCY=:A7xAzHKaAILMfIeQvXAbI6qQzT5zQGSP5WvxlZlwZQM=',
    };
    expect(emitSingBox([wrong]).incompatible[0]?.code).toBe('INVALID_KEY');
    expect(emitSingBox([{ ...wrong, method: '2022-blake3-aes-256-gcm' }]).emitted).toBe(1);
  });
});
