import type { SchemeParser } from './link-context.ts';
import { parseAnytls, parseNaive } from './anytls-naive.ts';
import { parseHysteria, parseHysteria2 } from './hysteria.ts';
import { parseShadowsocks } from './shadowsocks.ts';
import { parseShadowsocksR } from './shadowsocksr.ts';
import { parseHttp, parseSocks } from './socks-http.ts';
import { parseTelegram } from './telegram.ts';
import { parseTrojan } from './trojan.ts';
import { parseVless } from './vless.ts';
import { parseVmess } from './vmess.ts';
import { parseWireguard } from './wireguard.ts';
import { parseTuic } from './tuic.ts';

/** Every scheme parseLink reads, aliases included (formats.md §1.1). */
export const SCHEME_PARSERS: ReadonlyMap<string, SchemeParser> = new Map<string, SchemeParser>([
  ['vmess', parseVmess],
  ['vless', parseVless],
  ['trojan', parseTrojan],
  ['ss', parseShadowsocks],
  ['ssr', parseShadowsocksR],
  ['hysteria', parseHysteria],
  ['hysteria2', parseHysteria2],
  ['hy2', parseHysteria2],
  ['tuic', parseTuic],
  ['wireguard', parseWireguard],
  ['wg', parseWireguard],
  ['socks', parseSocks],
  ['socks5', parseSocks],
  ['socks5h', parseSocks],
  ['socks4', parseSocks],
  ['socks4a', parseSocks],
  ['http', parseHttp],
  ['https', parseHttp],
  ['anytls', parseAnytls],
  ['naive', parseNaive],
  ['naive+https', parseNaive],
  ['naive+quic', parseNaive],
  ['tg', parseTelegram],
]);

/**
 * Schemes that exist in the wild but have no place in the model: recognised so glued
 * links split at them and the diagnostic says "unsupported" rather than "unknown".
 */
export const UNSUPPORTED_SCHEMES: ReadonlySet<string> = new Set([
  'vmess1',
  'ssd',
  'mieru',
  'mierus',
  'ssh',
  'juicity',
  'psiphon',
  'dnstt',
  'ssconf',
  'warp',
  'awg',
  'hysteria2+realm',
  'hysteria2+realm+http',
  'trojan-go',
  'snell',
  'shadowtls',
  'tt',
  'masque',
  'sudoku',
]);

/** Every scheme name a glued-link splitter should recognise, longest first. */
export function knownSchemeNames(): readonly string[] {
  return [...SCHEME_PARSERS.keys(), ...UNSUPPORTED_SCHEMES].sort((a, b) => b.length - a.length);
}
