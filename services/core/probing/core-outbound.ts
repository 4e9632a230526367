import type { ProxyConfig } from '../model/config.ts';
import { emitSingBox } from '../emit/sing-box.ts';

/** One sing-box outbound (or endpoint) as JSON, ready to be tagged and put in a batch config. */
export interface CoreOutbound {
  readonly kind: 'outbound' | 'endpoint';
  readonly body: Readonly<Record<string, unknown>>;
}

export interface CoreRejection {
  /** The emitter's incompatibility code (UNSUPPORTED_TRANSPORT, INVALID_KEY, ...). */
  readonly code: string;
  readonly reason: string;
}

export interface CoreOutboundOptions {
  /** The prober's sing-box was built with with_wireguard (the infra/local build is not). */
  readonly wireguard?: boolean;
  /** The prober's sing-box was built with with_naive_outbound. */
  readonly naive?: boolean;
}

// The emitter wraps outbounds in a selector and a urltest (and a direct one when it emitted nothing).
const GROUP_TYPES = new Set(['selector', 'urltest', 'direct']);

/**
 * The outbound sing-box needs for one config, written by the same emitter users' sing-box
 * documents come from: a probe tests exactly what a user would run. A config the emitter leaves
 * out comes back as its incompatibility, so the prober reports it as unsupported, not failing.
 */
export function coreOutbound(
  config: ProxyConfig,
  { wireguard = false, naive = false }: CoreOutboundOptions = {},
): CoreOutbound | CoreRejection {
  const result = emitSingBox([config], { wireguard, naive });
  const left = result.incompatible[0];
  if (left !== undefined) return { code: left.code, reason: left.reason };
  const document = JSON.parse(result.output) as {
    outbounds?: Record<string, unknown>[];
    endpoints?: Record<string, unknown>[];
  };
  const endpoint = document.endpoints?.[0];
  if (endpoint !== undefined) return { kind: 'endpoint', body: withoutTag(endpoint) };
  const outbound = document.outbounds?.find((o) => !GROUP_TYPES.has(String(o['type'])));
  if (outbound === undefined)
    throw new Error(`sing-box emitter wrote no outbound for a ${config.protocol} config`);
  return { kind: 'outbound', body: withoutTag(outbound) };
}

export function isCoreRejection(value: CoreOutbound | CoreRejection): value is CoreRejection {
  return 'code' in value;
}

function withoutTag(entry: Record<string, unknown>): Record<string, unknown> {
  const { tag: _tag, ...body } = entry;
  return body;
}
