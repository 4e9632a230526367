/**
 * `subscription-userinfo: upload=455727941; download=6174315083; total=1073741824000; expire=1671815872`
 * as panels really send it: any case, `;` or `,` between pairs, spaces anywhere or nowhere,
 * floats and scientific notation (`total=1.1e12`), empty or zero expiry, unknown keys.
 */
export interface SubscriptionUserinfo {
  /** Bytes uploaded, when stated. */
  readonly upload: number | null;
  /** Bytes downloaded, when stated. */
  readonly download: number | null;
  /** Byte quota; null when absent (0 is kept: some panels mean "unlimited", others "used up"). */
  readonly total: number | null;
  /** Expiry as epoch seconds; null when absent, empty or 0 (panels write 0 for "never"). */
  readonly expire: number | null;
}

const KEYS = ['upload', 'download', 'total', 'expire'] as const;
type Key = (typeof KEYS)[number];

/** Header values are attacker-controlled; a bounded length keeps a hostile header cheap. */
const MAX_LENGTH = 1024;
const NUMBER = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+]?\d+)?$/i;

/** Parses the header leniently; undefined when it carries none of the four fields. */
export function parseSubscriptionUserinfo(
  value: string | null | undefined,
): SubscriptionUserinfo | undefined {
  if (value == null) return undefined;
  const found: Record<Key, number | null> = { upload: null, download: null, total: null, expire: null };
  let any = false;
  for (const pair of value.slice(0, MAX_LENGTH).split(/[;,]/)) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const key = pair.slice(0, eq).trim().toLowerCase();
    if (!(KEYS as readonly string[]).includes(key)) continue;
    any = true;
    found[key as Key] = toWholeNumber(pair.slice(eq + 1));
  }
  if (!any) return undefined;
  // Zero expiry is "never" in every panel that sends it; a real expiry is never 1970.
  const expire = found.expire === 0 ? null : found.expire;
  return { upload: found.upload, download: found.download, total: found.total, expire };
}

function toWholeNumber(raw: string): number | null {
  const text = raw.trim().replace(/^["']|["']$/g, '');
  if (text === '' || !NUMBER.test(text)) return null;
  const n = Number(text);
  // Byte counters beyond 2^53 lose precision anyway; refuse instead of pretending.
  return Number.isFinite(n) && n <= Number.MAX_SAFE_INTEGER ? Math.floor(n) : null;
}
