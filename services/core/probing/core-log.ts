/**
 * Reading sing-box's own log (run with --disable-color, timestamps off). Our side of a tunnel
 * only sees a connection close; sing-box logs why it failed, naming the outbound by tag:
 *
 *   ERROR[0000] [1876032070 1ms] connection: open connection to localhost:443 using outbound/shadowsocks[p0]: dial tcp 127.0.0.1:9: connect: connection refused
 *
 * and when it refuses a config on start it names the outbound by index:
 *
 *   FATAL[0000] create service: initialize outbound[1]: invalid public_key
 *   FATAL[0000] decode config at /tmp/x/config.json: outbounds[0].bogus: json: unknown field "bogus"
 */

const CONNECTION_ERROR = /^(?:ERROR|WARN)\S*\s.*?\busing (?:outbound|endpoint)\/[\w-]+\[([^\]]+)\]: (.+)$/;
const OUTBOUND_ERROR =
  /^(?:ERROR|WARN)\S*\s(?:\[[^\]]*\]\s)?(?:outbound|endpoint)\/[\w-]+\[([^\]]+)\]: (.+)$/;

/** Per tag, the latest error sing-box logged for a connection through it. */
export function connectionErrors(lines: Iterable<string>): Map<string, string> {
  const errors = new Map<string, string>();
  for (const line of lines) {
    const match = CONNECTION_ERROR.exec(line) ?? OUTBOUND_ERROR.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) errors.set(match[1], match[2].trim());
  }
  return errors;
}

export type StartFailure =
  /** One config's outbound (or endpoint), by its index in that list of the batch config. */
  | {
      readonly kind: 'entry';
      readonly list: 'outbounds' | 'endpoints';
      readonly index: number;
      readonly message: string;
    }
  /** The inbound or Clash API port was taken between picking and binding it: retry elsewhere. */
  | { readonly kind: 'port-in-use'; readonly message: string }
  | { readonly kind: 'other'; readonly message: string };

const ENTRY_PATTERNS: readonly RegExp[] = [
  /initialize (outbound|endpoint)\[(\d+)\]: (.*)$/,
  /\b(outbounds|endpoints)\[(\d+)\][.:]\s*(.*)$/,
];

/** Why sing-box exited before it was ready, from what it printed. */
export function startFailure(output: string): StartFailure {
  const fatal = output.split('\n').find((line) => /^(?:FATAL|PANIC|ERROR)/.test(line)) ?? output.trim();
  for (const pattern of ENTRY_PATTERNS) {
    const match = pattern.exec(fatal);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      const list = match[1].startsWith('endpoint') ? 'endpoints' : 'outbounds';
      return { kind: 'entry', list, index: Number(match[2]), message: (match[3] ?? fatal).trim() };
    }
  }
  if (/address already in use/.test(fatal)) return { kind: 'port-in-use', message: fatal };
  return { kind: 'other', message: fatal };
}
