import { percentDecode } from '../../text/percent-decode.ts';

/**
 * A share link cut the way real data survives (formats.md §1.3): name at the first `#`,
 * query at the first `?`, userinfo up to the LAST `@` before the query (passwords carry
 * raw `@`, `:` and even `://`), then host[:port] and an optional `/path`. Nothing here
 * lower-cases or decodes the authority: base64 in the host position must survive.
 */
export interface LinkParts {
  /** Raw text after `scheme://` up to the fragment, trimmed. */
  readonly body: string;
  /** Raw (still percent-encoded) fragment, or undefined when there is no `#`. */
  readonly fragment: string | undefined;
  /** Raw userinfo (before the last `@`), or undefined when there is no `@`. */
  readonly userinfo: string | undefined;
  /** Raw host[:port] text. */
  readonly hostPort: string;
  /** Raw path after host:port (starts with `/`), or ''. */
  readonly path: string;
  /** Raw query (after `?`), or undefined. */
  readonly query: string | undefined;
}

export function splitLink(afterScheme: string): LinkParts {
  let rest = afterScheme;
  let fragment: string | undefined;
  const hash = rest.indexOf('#');
  if (hash !== -1) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  rest = rest.trim();
  const body = rest;
  let query: string | undefined;
  const q = rest.indexOf('?');
  if (q !== -1) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let userinfo: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let path = '';
  // A `/` inside brackets cannot occur in an IPv6 literal, so the first `/` starts the path.
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    path = rest.slice(slash);
    rest = rest.slice(0, slash);
  }
  return { body, fragment, userinfo, hostPort: rest.trim(), path, query };
}

export interface HostPort {
  /** Host as written, brackets removed for IPv6. */
  readonly host: string;
  /** Port text after the separating colon (may be a hysteria2 port list), or undefined. */
  readonly portText: string | undefined;
  /** An IPv6 literal without brackets whose last group was read as the port. */
  readonly unbracketedIpv6: boolean;
}

/** Bracket-aware host/port split. Undefined when brackets are unbalanced. */
export function splitHostPort(text: string): HostPort | undefined {
  if (text.charCodeAt(0) === 0x5b) {
    const close = text.indexOf(']');
    if (close === -1) return undefined;
    const host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after === '') return { host, portText: undefined, unbracketedIpv6: false };
    if (after.charCodeAt(0) !== 0x3a) return undefined;
    return { host, portText: after.slice(1), unbracketedIpv6: false };
  }
  const colon = text.lastIndexOf(':');
  if (colon === -1) return { host: text, portText: undefined, unbracketedIpv6: false };
  const first = text.indexOf(':');
  if (first !== colon) {
    // Several colons without brackets: an IPv6 literal some generators forgot to bracket.
    return { host: text.slice(0, colon), portText: text.slice(colon + 1), unbracketedIpv6: true };
  }
  return { host: text.slice(0, colon), portText: text.slice(colon + 1), unbracketedIpv6: false };
}

/** Strict port text: 1-5 digits. NaN when not. */
export function parsePort(text: string): number {
  const t = text.trim();
  if (t.length === 0 || t.length > 5) return NaN;
  let value = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return NaN;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

/** The display name from a raw fragment: lenient percent-decoding (cleaning happens in validation). */
export function fragmentName(fragment: string | undefined): string {
  return fragment === undefined ? '' : percentDecode(fragment);
}
