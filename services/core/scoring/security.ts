/**
 * How well a config protects the user's traffic, in [0, 1], with the reasons. Judged from the
 * canonical model (configs.current.v1 `config`, ProxyConfig JSON): what an observer on the
 * path can read or tamper with, and how recognisable the protocol is.
 */
export interface SecurityAssessment {
  readonly value: number;
  readonly notes: readonly string[];
}

const AEAD_SS = new Set([
  'aes-128-gcm',
  'aes-192-gcm',
  'aes-256-gcm',
  'chacha20-ietf-poly1305',
  'xchacha20-ietf-poly1305',
  'chacha20-poly1305',
]);

/** Plain TLS-wrapped protocols, and the TLS-native QUIC ones. */
const BASE: Readonly<Record<string, number>> = {
  trojan: 0.9,
  hysteria: 0.75,
  hysteria2: 0.9,
  tuic: 0.9,
  anytls: 0.9,
  naive: 0.95,
  wireguard: 0.85,
  shadowsocksr: 0.25,
};

const UNKNOWN = 0.3;
/** Skipping certificate verification invites a man in the middle. */
const INSECURE_PENALTY = 0.3;

type Json = Readonly<Record<string, unknown>>;

const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function assessSecurity(configJson: string, protocolHint: string): SecurityAssessment {
  let config: Json | undefined;
  try {
    config = obj(JSON.parse(configJson));
  } catch {
    config = undefined;
  }
  if (config === undefined) return { value: UNKNOWN, notes: ['config unreadable: security unknown'] };
  const protocol = str(config['protocol']) ?? protocolHint;
  const tls = obj(config['tls']);
  const tlsOn = tls?.['enabled'] === true;
  const reality = obj(tls?.['reality']) !== undefined;
  const notes: string[] = [];
  let value: number;

  switch (protocol) {
    case 'vless': {
      const encryption = str(config['encryption']) ?? 'none';
      if (reality) {
        value = 1;
        notes.push('VLESS over REALITY');
      } else if (tlsOn) {
        value = 0.9;
        notes.push('VLESS over TLS');
      } else if (encryption !== 'none') {
        value = 0.8;
        notes.push('VLESS encryption without TLS');
      } else {
        value = 0.2;
        notes.push('VLESS without TLS: traffic is not encrypted');
      }
      break;
    }
    case 'vmess': {
      const cipher = str(config['cipher']) ?? 'auto';
      const alterId = typeof config['alterId'] === 'number' ? config['alterId'] : 0;
      if (tlsOn) {
        value = 0.9;
        notes.push('VMess over TLS');
      } else if (cipher === 'none' || cipher === 'zero') {
        value = 0.15;
        notes.push(`VMess with cipher ${cipher} and no TLS: traffic is not encrypted`);
      } else if (alterId > 0) {
        value = 0.35;
        notes.push('legacy VMess (alterId > 0) without TLS');
      } else {
        value = 0.5;
        notes.push('VMess AEAD without TLS: recognisable protocol');
      }
      break;
    }
    case 'shadowsocks': {
      const method = (str(config['method']) ?? '').toLowerCase();
      if (method.startsWith('2022-blake3-')) {
        value = 0.8;
        notes.push('Shadowsocks 2022');
      } else if (AEAD_SS.has(method)) {
        value = 0.65;
        notes.push(`Shadowsocks AEAD (${method})`);
      } else if (method === 'none' || method === 'plain' || method === '') {
        value = 0.05;
        notes.push('Shadowsocks without a cipher: traffic is not encrypted');
      } else {
        value = 0.25;
        notes.push(`Shadowsocks stream cipher ${method}: no integrity protection`);
      }
      const plugin = str(obj(config['plugin'])?.['name']);
      if (plugin === 'shadow-tls' || plugin === 'v2ray-plugin') {
        value = Math.min(0.9, value + 0.1);
        notes.push(`wrapped by ${plugin}`);
      }
      break;
    }
    case 'socks':
    case 'http': {
      value = tlsOn ? 0.6 : 0.05;
      notes.push(
        tlsOn ? `${protocol} proxy over TLS` : `${protocol} proxy without TLS: traffic is not encrypted`,
      );
      break;
    }
    default: {
      const base = BASE[protocol];
      value = base ?? UNKNOWN;
      if (base === undefined) notes.push(`protocol ${protocol}: security unknown`);
      else if (protocol === 'trojan' && !tlsOn) {
        value = 0.2;
        notes.push('Trojan without TLS: traffic is not encrypted');
      } else notes.push(`${protocol}`);
    }
  }

  if (tlsOn && !reality && tls?.['insecure'] === true && str(tls['certSha256']) === undefined) {
    value -= INSECURE_PENALTY;
    notes.push('TLS without certificate verification');
  }
  return { value: Math.max(0, Math.min(1, value)), notes };
}
