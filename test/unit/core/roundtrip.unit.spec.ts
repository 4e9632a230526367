import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EmitTarget } from '../../../services/core/emit/emit-result.ts';
import { parseSubscription } from '../../../services/core/formats/parse-subscription.ts';
import type { Protocol, ProxyConfig, TlsSettings, Transport } from '../../../services/core/model/index.ts';
import { PROTOCOL_LIST } from '../../../services/core/model/index.ts';
import { normalizeHost } from '../../../services/core/identity/normalize-host.ts';
import { EMITTERS } from '../../helpers/format-invariants.ts';
import { CONFIG_ARBITRARIES } from '../../helpers/model-arbitraries.ts';

/**
 * For every format that can represent a config, parse(emit(c)) equals c in the canonical
 * model. A target may leave a config out (with a code: that is the "cannot represent"
 * case); what it emits must come back identical, except for the few settings the emitter
 * documents as dropped because they do not change what goes on the wire (`project`).
 */

const dropSpiderX = (tls: TlsSettings): TlsSettings => {
  if (tls.reality?.spiderX === undefined) return tls;
  const { spiderX: _dropped, ...reality } = tls.reality;
  return { ...tls, reality };
};
const dropGrpcMulti = (t: Transport): Transport => {
  if (t.type !== 'grpc' || t.mode === undefined) return t;
  const { mode: _dropped, ...rest } = t;
  return rest;
};
const dropHttpUpgradeEarlyData = (t: Transport): Transport => {
  if (t.type !== 'httpupgrade' || t.maxEarlyData === undefined) return t;
  const { maxEarlyData: _dropped, ...rest } = t;
  return rest;
};

function mapTls(c: ProxyConfig, f: (tls: TlsSettings) => TlsSettings): ProxyConfig {
  return 'tls' in c && c.tls !== undefined ? { ...c, tls: f(c.tls) } : c;
}
function mapTransport(c: ProxyConfig, f: (t: Transport) => Transport): ProxyConfig {
  return 'transport' in c ? { ...c, transport: f(c.transport) } : c;
}

const dropRealityExtras = (tls: TlsSettings): TlsSettings => {
  if (tls.reality === undefined) return tls;
  const { alpn: _alpn, insecure: _insecure, ...rest } = tls;
  return rest;
};
const WITHOUT_CLIENT_FINGERPRINT: readonly Protocol[] = ['hysteria', 'hysteria2', 'tuic', 'socks', 'http'];
const dropFingerprint = (tls: TlsSettings): TlsSettings => {
  const { fingerprint: _dropped, ...rest } = tls;
  return rest;
};

/** What each target is documented to drop (see the emitter's header comment). */
const PROJECT: Readonly<Record<EmitTarget, (c: ProxyConfig) => ProxyConfig>> = {
  uri: (c) => c,
  base64: (c) => c,
  clash: (c) =>
    mapTransport(
      mapTransport(
        mapTls(c, (tls) =>
          WITHOUT_CLIENT_FINGERPRINT.includes(c.protocol)
            ? dropFingerprint(dropSpiderX(tls))
            : dropSpiderX(tls),
        ),
        dropGrpcMulti,
      ),
      dropHttpUpgradeEarlyData,
    ),
  'sing-box': (c) =>
    mapTransport(mapTransport(mapTls(c, dropSpiderX), dropGrpcMulti), dropHttpUpgradeEarlyData),
  sip008: (c) => {
    if (c.protocol !== 'shadowsocks' || c.udpOverTcp === undefined) return c;
    const { udpOverTcp: _dropped, ...rest } = c;
    return rest;
  },
  xray: (c) => mapTls(c, dropRealityExtras),
};

/**
 * The one spelling choice the model leaves open: an SNI equal to the server is the same as
 * no SNI (emitters write it explicitly where a parser would otherwise fall back to the Host
 * header). Fingerprints treat the two alike as well.
 */
function sameMeaning(c: ProxyConfig): ProxyConfig {
  return mapTls(c, (tls) => {
    if (tls.serverName === undefined || normalizeHost(tls.serverName) !== normalizeHost(c.server)) return tls;
    const { serverName: _same, ...rest } = tls;
    return rest;
  });
}

/** Protocols a target has no outbound for at all: every such config must be left out with a code. */
const UNSUPPORTED: Readonly<Record<EmitTarget, readonly Protocol[]>> = {
  uri: [],
  base64: [],
  clash: ['naive'],
  'sing-box': ['shadowsocksr', 'naive'],
  sip008: PROTOCOL_LIST.filter((p) => p !== 'shadowsocks'),
  xray: ['shadowsocksr', 'hysteria', 'hysteria2', 'tuic', 'anytls', 'naive'],
};

// Names a document defines itself (groups, built-in policies) get a suffix; keep clear of them.
const RESERVED = new Set([
  'proxy',
  'auto',
  'direct',
  'reject',
  'reject-drop',
  'pass',
  'compatible',
  'select',
  'block',
  'dns-out',
  'global',
]);

function batchOf<P extends Protocol>(protocol: P): fc.Arbitrary<ProxyConfig[]> {
  return fc.uniqueArray(
    CONFIG_ARBITRARIES[protocol].filter((c) => c.name !== '' && !RESERVED.has(c.name.toLowerCase())),
    { minLength: 1, maxLength: 3, selector: (c) => c.name },
  );
}

const RUNS = 150;

for (const [target, emit] of Object.entries(EMITTERS) as [EmitTarget, (typeof EMITTERS)[EmitTarget]][]) {
  describe(`round trip through ${target}`, () => {
    for (const protocol of PROTOCOL_LIST) {
      if (UNSUPPORTED[target].includes(protocol)) {
        it(`leaves every ${protocol} config out with UNSUPPORTED_PROTOCOL`, () => {
          fc.assert(
            fc.property(batchOf(protocol), (configs) => {
              const result = emit(configs);
              expect(result.emitted).toBe(0);
              expect(result.incompatible.map((i) => i.code)).toEqual(
                configs.map(() => 'UNSUPPORTED_PROTOCOL'),
              );
            }),
            { numRuns: 20 },
          );
        });
        continue;
      }
      it(`parses every emitted ${protocol} config back to the same canonical config`, () => {
        let emittedTotal = 0;
        fc.assert(
          fc.property(batchOf(protocol), (configs) => {
            const result = emit(configs);
            const left = new Set(result.incompatible.map((i) => i.index));
            const kept = configs.filter((_, i) => !left.has(i));
            expect(result.emitted).toBe(kept.length);
            emittedTotal += kept.length;
            if (kept.length === 0) return;
            const parsed = parseSubscription(result.output);
            expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
            expect(parsed.configs.map((p) => sameMeaning(p.config))).toEqual(
              kept.map((c) => sameMeaning(PROJECT[target](c))),
            );
          }),
          { numRuns: RUNS },
        );
        // Not vacuous: a supported protocol must mostly survive the target.
        expect(emittedTotal).toBeGreaterThan(RUNS / 4);
      });
    }
  });
}

/**
 * Concrete cases the properties above found, one per defect, named after the owner's
 * area so a failure says where to look. They pass once the defect is fixed.
 */
describe('round-trip defects found by the properties', () => {
  const roundTrip = (target: EmitTarget, config: ProxyConfig): ProxyConfig | undefined => {
    const result = EMITTERS[target]([config]);
    expect(result.incompatible).toEqual([]);
    return parseSubscription(result.output).configs[0]?.config;
  };
  const vmess: ProxyConfig = {
    protocol: 'vmess',
    name: 'n',
    server: 'v.example.com',
    port: 443,
    uuid: 'ca58b165-0f7d-49aa-9fae-a017e8a0f884',
    alterId: 0,
    cipher: 'auto',
    tls: { enabled: false },
    transport: { type: 'tcp' },
  };

  it('share-link parser: a socks username containing an encoded ":" stays in the username', () => {
    const socks: ProxyConfig = {
      protocol: 'socks',
      name: 'n',
      server: '8.8.4.4',
      port: 1080,
      version: '5',
      username: ':u',
      password: 'p',
    };
    expect(roundTrip('uri', socks)).toEqual(socks);
  });

  it('share-link parser: an https proxy link keeps its ALPN', () => {
    const https: ProxyConfig = {
      protocol: 'http',
      name: 'n',
      server: 'p.example.com',
      port: 443,
      tls: { enabled: true, alpn: ['h2'] },
    };
    expect(roundTrip('uri', https)).toEqual(https);
  });

  it('validation: gRPC mode "gun" (the default) and no mode are one canonical value', () => {
    const grpc: ProxyConfig = { ...vmess, transport: { type: 'grpc', serviceName: 'svc' } };
    expect(roundTrip('uri', grpc)).toEqual(grpc);
  });

  it('validation: a hop-port list written with the main port in it is the same hop set', () => {
    const hy2: ProxyConfig = {
      protocol: 'hysteria2',
      name: 'n',
      server: 'h.example.com',
      port: 443,
      password: 'p',
      ports: [{ from: 20000, to: 20100 }],
      tls: { enabled: true },
    };
    expect(roundTrip('clash', hy2)).toEqual(hy2);
    expect(roundTrip('sing-box', hy2)).toEqual(hy2);
  });

  it('vmess link: a name that contains a percent escape survives the ps decoding heuristic (V11)', () => {
    const named: ProxyConfig = { ...vmess, name: '100%25 free' };
    expect(roundTrip('uri', named)).toEqual(named);
  });

  it('uri emitter: TLS without SNI but with a Host header still connects to the server name, not the Host', () => {
    const ws: ProxyConfig = {
      ...vmess,
      tls: { enabled: true },
      transport: { type: 'ws', host: 'cdn.example.net', path: '/' },
    };
    expect(sameMeaning(roundTrip('uri', ws) ?? vmess)).toEqual(ws);
  });

  it('uri emitter: vmess packet encoding is kept or the config is reported, never dropped silently', () => {
    const xudp: ProxyConfig = { ...vmess, packetEncoding: 'xudp' };
    const result = EMITTERS.uri([xudp]);
    if (result.emitted === 1) expect(parseSubscription(result.output).configs[0]?.config).toEqual(xudp);
    else expect(result.incompatible).toHaveLength(1);
  });

  it('xray reader: the vmess packetEncoding the Xray emitter writes on the user is read back', () => {
    const xudp: ProxyConfig = { ...vmess, packetEncoding: 'xudp' };
    expect(roundTrip('xray', xudp)).toEqual(xudp);
  });

  it('clash emitter: xhttp extra settings at their default value (noGRPCHeader: false) survive', () => {
    const xhttp: ProxyConfig = {
      protocol: 'vless',
      name: 'n',
      server: 'v.example.com',
      port: 443,
      uuid: 'ca58b165-0f7d-49aa-9fae-a017e8a0f884',
      encryption: 'none',
      tls: { enabled: true },
      transport: { type: 'xhttp', path: '/x', extra: '{"noGRPCHeader":false,"scMaxEachPostBytes":1000000}' },
    };
    expect(roundTrip('clash', xhttp)).toEqual(xhttp);
  });

  it('xray emitter: vless packet encoding is kept or the config is reported', () => {
    const vless: ProxyConfig = {
      protocol: 'vless',
      name: 'n',
      server: 'v.example.com',
      port: 443,
      uuid: 'ca58b165-0f7d-49aa-9fae-a017e8a0f884',
      encryption: 'none',
      packetEncoding: 'xudp',
      tls: { enabled: true },
      transport: { type: 'tcp' },
    };
    expect(roundTrip('xray', vless)).toEqual(vless);
  });

  it('sing-box reader: an ECH config written as PEM lines (what sing-box expects) is read back', () => {
    const ech: ProxyConfig = {
      ...vmess,
      tls: { enabled: true, serverName: 'e.example.com', echConfig: 'AEX+DQBBpQAgACCm' },
    };
    expect(roundTrip('sing-box', ech)).toEqual(ech);
  });

  it('xray reader: socks over TLS keeps its TLS settings', () => {
    const socks: ProxyConfig = {
      protocol: 'socks',
      name: 'n',
      server: 's.example.com',
      port: 443,
      version: '5',
      tls: { enabled: true },
    };
    expect(roundTrip('xray', socks)).toEqual(socks);
  });
});
