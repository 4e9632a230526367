import type { Obj } from './values.ts';
import { bool, int, isObj, str } from './values.ts';

/**
 * mihomo `xhttp-opts` keys beyond path/host/mode are Xray's xhttp client settings under
 * kebab-case names (mihomo adapter/outbound/vless.go); the model keeps them as Xray's
 * `extra` JSON, so the same node reads alike from a link's `extra=` and from YAML.
 */
/** Range settings: Xray takes a number or `"a-b"`, so a bare integer becomes a number. */
const RANGE_KEYS: Readonly<Record<string, string>> = {
  'x-padding-bytes': 'xPaddingBytes',
  'session-length': 'sessionLength',
  'uplink-chunk-size': 'uplinkChunkSize',
  'sc-max-each-post-bytes': 'scMaxEachPostBytes',
  'sc-min-posts-interval-ms': 'scMinPostsIntervalMs',
};
/** Plain strings: kept as text (Xray refuses a number for them), the empty string included. */
const STRING_KEYS: Readonly<Record<string, string>> = {
  'x-padding-key': 'xPaddingKey',
  'x-padding-header': 'xPaddingHeader',
  'x-padding-placement': 'xPaddingPlacement',
  'x-padding-method': 'xPaddingMethod',
  'uplink-http-method': 'uplinkHTTPMethod',
  'session-placement': 'sessionPlacement',
  'session-key': 'sessionKey',
  'session-table': 'sessionTable',
  'seq-placement': 'seqPlacement',
  'seq-key': 'seqKey',
  'uplink-data-placement': 'uplinkDataPlacement',
  'uplink-data-key': 'uplinkDataKey',
};
const BOOLEAN_KEYS: Readonly<Record<string, string>> = {
  'x-padding-obfs-mode': 'xPaddingObfsMode',
  'no-grpc-header': 'noGRPCHeader',
};
const REUSE_STRING_KEYS: Readonly<Record<string, string>> = {
  'max-concurrency': 'maxConcurrency',
  'max-connections': 'maxConnections',
  'c-max-reuse-times': 'cMaxReuseTimes',
  'h-max-request-times': 'hMaxRequestTimes',
  'h-max-reusable-secs': 'hMaxReusableSecs',
};
const OUTER_KEYS = new Set(['path', 'host', 'mode']);

export interface XhttpExtra {
  /** The Xray `extra` JSON text, absent when the options carry nothing beyond path/host/mode. */
  readonly extra?: string;
  /** Keys with no Xray equivalent (dropped, worth a warning). */
  readonly dropped: readonly string[];
}

export function xhttpExtraFromClash(opts: Obj): XhttpExtra {
  const extra: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(opts)) {
    if (OUTER_KEYS.has(key) || value === null || value === undefined) continue;
    const rangeKey = RANGE_KEYS[key];
    const stringKey = STRING_KEYS[key];
    const booleanKey = BOOLEAN_KEYS[key];
    if (rangeKey !== undefined && str(value) !== undefined)
      extra[rangeKey] = rangeValue(str(value) as string);
    else if (stringKey !== undefined && (value === '' || str(value) !== undefined))
      extra[stringKey] = str(value) ?? '';
    else if (booleanKey !== undefined && bool(value) !== undefined) extra[booleanKey] = bool(value);
    else if (key === 'headers' && isObj(value)) extra['headers'] = stringMap(value);
    else if (key === 'reuse-settings' && isObj(value)) extra['xmux'] = reuse(value, dropped);
    else dropped.push(key);
  }
  return Object.keys(extra).length > 0 ? { extra: JSON.stringify(extra), dropped } : { dropped };
}

/** Xray ranges are numbers or `"a-b"` strings; YAML gives text, so a bare integer becomes a number again. */
function rangeValue(text: string): string | number {
  return /^(0|[1-9][0-9]{0,14})$/.test(text) ? Number(text) : text;
}

function stringMap(o: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    const s = str(v);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function reuse(o: Obj, dropped: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) {
    const mapped = REUSE_STRING_KEYS[key];
    if (mapped !== undefined && str(value) !== undefined) out[mapped] = rangeValue(str(value) as string);
    else if (key === 'h-keep-alive-period' && int(value) !== undefined) out['hKeepAlivePeriod'] = int(value);
    else dropped.push(`reuse-settings.${key}`);
  }
  return out;
}
