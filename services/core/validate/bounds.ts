/** Upper bounds for strings a config may carry; longer values are junk or attacks. */
export const BOUNDS = {
  credential: 1024,
  path: 2048,
  headerHost: 255,
  xhttpExtra: 16384,
  token: 64,
  pluginOpts: 4096,
  encryption: 4096,
  echConfig: 8192,
} as const;

/**
 * C0 controls and DEL break every output format (YAML, JSON strings, share links); lone
 * UTF-16 surrogates cannot be encoded as UTF-8 at all (encodeURIComponent throws).
 */
export function hasControlChar(text: string): boolean {
  let wide = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
    if (c >= 0xd800) wide = true;
  }
  return wide && !text.isWellFormed();
}

/** Whitespace or controls: not allowed in a header value like Host or a token like ALPN. */
export function hasSpaceOrControl(text: string): boolean {
  let wide = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
    if (c >= 0xd800) wide = true;
  }
  return wide && !text.isWellFormed();
}
