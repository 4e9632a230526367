import type { ProxyConfig } from '../model/config.ts';
import type { Protocol } from '../model/protocol.ts';

/** Every client format submerge writes. */
export const EMIT_TARGETS = {
  uri: 'uri',
  base64: 'base64',
  clash: 'clash',
  singBox: 'sing-box',
  sip008: 'sip008',
  xray: 'xray',
} as const;
export type EmitTarget = (typeof EMIT_TARGETS)[keyof typeof EMIT_TARGETS];
export const EMIT_TARGET_LIST: readonly EmitTarget[] = Object.values(EMIT_TARGETS);

export function isEmitTarget(value: string): value is EmitTarget {
  return (EMIT_TARGET_LIST as readonly string[]).includes(value);
}

/**
 * Why a target left a config out. Stable strings: reports and stored statistics match on
 * them. A config is left out rather than emitted with a setting silently changed, because a
 * "converted" node that connects differently (or not at all) is worse than a missing one.
 */
export const INCOMPATIBILITY_CODES = {
  /** The target has no outbound for this protocol at all (ssr in sing-box, naive in mihomo). */
  unsupportedProtocol: 'UNSUPPORTED_PROTOCOL',
  /** The transport (xhttp, kcp, quic, ...) or one of its essential options has no equivalent. */
  unsupportedTransport: 'UNSUPPORTED_TRANSPORT',
  /** TLS settings the target cannot express (REALITY where unsupported, certificate pins, TLS on socks). */
  unsupportedSecurity: 'UNSUPPORTED_SECURITY',
  unsupportedCipher: 'UNSUPPORTED_CIPHER',
  unsupportedPlugin: 'UNSUPPORTED_PLUGIN',
  unsupportedFlow: 'UNSUPPORTED_FLOW',
  /** VLESS `encryption` other than `none` where the target only speaks plain VLESS. */
  unsupportedEncryption: 'UNSUPPORTED_ENCRYPTION',
  /** Another essential protocol option without an equivalent (hysteria faketcp, socks4 in mihomo...). */
  unsupportedOption: 'UNSUPPORTED_OPTION',
  /** The value exists in the target but its syntax cannot carry this one (line break in a header...). */
  unrepresentableValue: 'UNREPRESENTABLE_VALUE',
  /** A key no client accepts for its cipher (Shadowsocks 2022 PSK of the wrong length). */
  invalidKey: 'INVALID_KEY',
  /** The target requires a value the config does not carry (hysteria v1 bandwidth in sing-box). */
  missingRequiredField: 'MISSING_REQUIRED_FIELD',
} as const;
export type IncompatibilityCode = (typeof INCOMPATIBILITY_CODES)[keyof typeof INCOMPATIBILITY_CODES];

/** One config a target left out, and why. */
export interface Incompatibility {
  /** Position of the config in the emitter's input. */
  readonly index: number;
  readonly fingerprint?: string;
  readonly name: string;
  readonly protocol: Protocol;
  readonly code: IncompatibilityCode;
  readonly reason: string;
}

export interface EmitResult {
  readonly output: string;
  readonly emitted: number;
  readonly incompatible: readonly Incompatibility[];
}

export interface EmitOptions {
  /** Identity of a config, used to label left-out configs in the report (the CLI passes F4's fingerprint). */
  readonly fingerprint?: (config: ProxyConfig) => string;
}

/** What a per-config writer returns when the target cannot express the config. */
export interface Rejection {
  readonly code: IncompatibilityCode;
  readonly reason: string;
}

export function reject(code: IncompatibilityCode, reason: string): Rejection {
  return { code, reason };
}

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}

export type Emitter = (configs: readonly ProxyConfig[], options?: EmitOptions) => EmitResult;
