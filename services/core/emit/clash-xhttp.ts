import type { Rejection } from './emit-result.ts';
import { INCOMPATIBILITY_CODES as C, reject } from './emit-result.ts';
import type { YamlValue } from './yaml-flow.ts';

/**
 * Xray's xhttp `extra` (a whole SplitHTTPConfig as JSON) into mihomo `xhttp-opts` keys.
 * mihomo's xhttp is a port of Xray's and reads the same client settings under kebab-case
 * names (adapter/outbound/vless.go, v1.19.30). As in Xray, host/path/mode inside `extra` are
 * ignored (the outer ones win: SplitHTTPConfig.Build). Server-only settings are ignored
 * because they do not change what the client sends. Anything else mihomo has no key for
 * leaves the node out: dropping a padding or session setting changes the wire format.
 *
 * Default values: the model keeps `extra` as published (vectors.md V19), so a setting at its
 * default is written in mihomo's spelling of that default wherever one reads back the same:
 * `false` stays `false`, `""` stays `""`. A zero range is the one exception: Xray reads `0`
 * as "use the default" but mihomo parses `"0"` as a literal zero (transport/xhttp ParseRange),
 * so a zero range is left out (mihomo's default) and does not come back.
 */
type Opts = { [key: string]: YamlValue | undefined };

/** Xray key -> mihomo key, for range settings (`"a-b"`, `"a"` or a number). */
const RANGE_KEYS: Readonly<Record<string, string>> = {
  xPaddingBytes: 'x-padding-bytes',
  sessionIDLength: 'session-length',
  sessionLength: 'session-length',
  uplinkChunkSize: 'uplink-chunk-size',
  scMaxEachPostBytes: 'sc-max-each-post-bytes',
  scMinPostsIntervalMs: 'sc-min-posts-interval-ms',
};
/** Xray key -> mihomo key, for plain string settings. */
const STRING_KEYS: Readonly<Record<string, string>> = {
  xPaddingKey: 'x-padding-key',
  xPaddingHeader: 'x-padding-header',
  xPaddingPlacement: 'x-padding-placement',
  xPaddingMethod: 'x-padding-method',
  uplinkHTTPMethod: 'uplink-http-method',
  // Xray renamed sessionID* to session*; both spellings occur in published links.
  sessionIDPlacement: 'session-placement',
  sessionPlacement: 'session-placement',
  sessionIDKey: 'session-key',
  sessionKey: 'session-key',
  sessionIDTable: 'session-table',
  sessionTable: 'session-table',
  seqPlacement: 'seq-placement',
  seqKey: 'seq-key',
  uplinkDataPlacement: 'uplink-data-placement',
  uplinkDataKey: 'uplink-data-key',
};
const BOOLEAN_KEYS: Readonly<Record<string, string>> = {
  xPaddingObfsMode: 'x-padding-obfs-mode',
  noGRPCHeader: 'no-grpc-header',
};
const XMUX_STRING_KEYS: Readonly<Record<string, string>> = {
  maxConcurrency: 'max-concurrency',
  maxConnections: 'max-connections',
  cMaxReuseTimes: 'c-max-reuse-times',
  hMaxRequestTimes: 'h-max-request-times',
  hMaxReusableSecs: 'h-max-reusable-secs',
};
/** Read by Xray servers only (or shadowed by the outer settings). */
const IGNORED_KEYS = new Set([
  'host',
  'path',
  'mode',
  'noSSEHeader',
  'scMaxBufferedPosts',
  'scStreamUpServerSecs',
  'serverMaxHeaderBytes',
]);

export function xhttpExtraOpts(extraText: string): Opts | Rejection {
  let extra: unknown;
  try {
    extra = JSON.parse(extraText);
  } catch {
    return reject(C.unrepresentableValue, 'xhttp extra is not JSON');
  }
  if (extra === null) return {};
  if (typeof extra !== 'object' || Array.isArray(extra))
    return reject(C.unrepresentableValue, 'xhttp extra is not a JSON object');
  const opts: Opts = {};
  for (const [key, value] of Object.entries(extra as Record<string, unknown>)) {
    if (IGNORED_KEYS.has(key) || value === null) continue;
    const rangeKey = RANGE_KEYS[key];
    if (rangeKey !== undefined) {
      const range = rangeValue(value);
      if (range === null)
        return reject(C.unrepresentableValue, `xhttp extra ${key} is not a string or number`);
      if (range !== undefined) opts[rangeKey] = range;
      continue;
    }
    const stringKey = STRING_KEYS[key];
    if (stringKey !== undefined) {
      // A number where Xray wants a string is written as its text (mihomo reads text anyway).
      if (typeof value === 'number' && Number.isFinite(value)) opts[stringKey] = String(value);
      else if (typeof value === 'string') opts[stringKey] = value;
      else return reject(C.unrepresentableValue, `xhttp extra ${key} is not a string`);
      continue;
    }
    const booleanKey = BOOLEAN_KEYS[key];
    if (booleanKey !== undefined) {
      if (typeof value !== 'boolean')
        return reject(C.unrepresentableValue, `xhttp extra ${key} is not a boolean`);
      opts[booleanKey] = value;
      continue;
    }
    if (key === 'headers') {
      const headers = stringMap(value);
      if (headers === undefined)
        return reject(C.unrepresentableValue, 'xhttp extra headers is not a string map');
      if (Object.keys(headers).length > 0) opts['headers'] = headers;
      continue;
    }
    if (key === 'xmux') {
      const reuse = xmux(value);
      if ('code' in reuse) return reuse;
      if (Object.keys(reuse).length > 0) opts['reuse-settings'] = reuse;
      continue;
    }
    if (key === 'downloadSettings' || key === 'extra') {
      return reject(C.unsupportedTransport, `mihomo xhttp-opts cannot carry xhttp extra ${key}`);
    }
    return reject(C.unsupportedTransport, `mihomo xhttp-opts has no equivalent for xhttp extra ${key}`);
  }
  return opts;
}

const ZERO_RANGE = /^\s*0\s*(-\s*0\s*)?$/;

/**
 * Xray ranges are `"a-b"`, `"a"` or numbers, written with their JSON type (mihomo reads a
 * number into its string field). Zero (`0`, `"0"`, `"0-0"`) means "default" to Xray but a
 * literal zero to mihomo, and `""` is mihomo's default: both are left out (undefined).
 */
function rangeValue(value: unknown): string | number | undefined | null {
  if (typeof value === 'number') return Number.isFinite(value) && value !== 0 ? value : undefined;
  if (typeof value !== 'string') return null;
  return value === '' || ZERO_RANGE.test(value) ? undefined : value;
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') return undefined;
    out[k] = v;
  }
  return out;
}

function xmux(value: unknown): Opts | Rejection {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject(C.unrepresentableValue, 'xhttp extra xmux is not an object');
  }
  const out: Opts = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null) continue;
    const mapped = XMUX_STRING_KEYS[key];
    if (mapped !== undefined) {
      const range = rangeValue(v);
      if (range === null)
        return reject(C.unrepresentableValue, `xhttp extra xmux.${key} is not a string or number`);
      if (range !== undefined) out[mapped] = range;
    } else if (key === 'hKeepAlivePeriod') {
      if (typeof v !== 'number' || !Number.isInteger(v))
        return reject(C.unrepresentableValue, 'xhttp extra xmux.hKeepAlivePeriod is not an integer');
      if (v !== 0) out['h-keep-alive-period'] = v;
    } else {
      return reject(C.unsupportedTransport, `mihomo reuse-settings has no equivalent for xmux.${key}`);
    }
  }
  return out;
}
