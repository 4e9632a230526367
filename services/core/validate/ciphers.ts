/** VMess body ciphers (`scy`). Empty / absent means `auto`. */
export const VMESS_CIPHERS: ReadonlySet<string> = new Set([
  'auto',
  'aes-128-gcm',
  'chacha20-poly1305',
  'none',
  'zero',
]);

/** Shadowsocks 2022 (SIP022) methods and their PSK length in bytes. */
export const SS2022_KEY_BYTES: ReadonlyMap<string, number> = new Map([
  ['2022-blake3-aes-128-gcm', 16],
  ['2022-blake3-aes-256-gcm', 32],
  ['2022-blake3-chacha20-poly1305', 32],
  ['2022-blake3-chacha8-poly1305', 32],
]);

/**
 * Shadowsocks methods some current client accepts (sing-box list plus the mihomo
 * extras). Stream ciphers are insecure but still deployed; they are kept, not judged.
 */
export const SS_CIPHERS: ReadonlySet<string> = new Set([
  'none',
  'plain',
  'aes-128-gcm',
  'aes-192-gcm',
  'aes-256-gcm',
  'chacha20-ietf-poly1305',
  'xchacha20-ietf-poly1305',
  ...SS2022_KEY_BYTES.keys(),
  'aes-128-ccm',
  'aes-192-ccm',
  'aes-256-ccm',
  'aes-128-gcm-siv',
  'aes-256-gcm-siv',
  'chacha8-ietf-poly1305',
  'xchacha8-ietf-poly1305',
  'rabbit128-poly1305',
  'aegis-128l',
  'aegis-256',
  'aez-384',
  'deoxys-ii-256-128',
  'lea-128-gcm',
  'lea-192-gcm',
  'lea-256-gcm',
  'aes-128-ctr',
  'aes-192-ctr',
  'aes-256-ctr',
  'aes-128-cfb',
  'aes-192-cfb',
  'aes-256-cfb',
  'aes-128-cfb8',
  'aes-192-cfb8',
  'aes-256-cfb8',
  'aes-128-ofb',
  'aes-192-ofb',
  'aes-256-ofb',
  'camellia-128-cfb',
  'camellia-192-cfb',
  'camellia-256-cfb',
  'bf-cfb',
  'cast5-cfb',
  'des-cfb',
  'idea-cfb',
  'rc2-cfb',
  'seed-cfb',
  'salsa20',
  'chacha20',
  'chacha20-ietf',
  'xchacha20',
  'rc4',
  'rc4-md5',
  'rc4-md5-6',
  'table',
]);

/** Names seen in links for the same cipher; value is the canonical method. */
export const SS_CIPHER_ALIASES: ReadonlyMap<string, string> = new Map([
  ['chacha20-poly1305', 'chacha20-ietf-poly1305'],
  ['xchacha20-poly1305', 'xchacha20-ietf-poly1305'],
  ['aead_aes_128_gcm', 'aes-128-gcm'],
  ['aead_aes_256_gcm', 'aes-256-gcm'],
  ['aead_chacha20_poly1305', 'chacha20-ietf-poly1305'],
  ['dummy', 'none'],
]);

/** ShadowsocksR: stream ciphers only (no AEAD). */
export const SSR_CIPHERS: ReadonlySet<string> = new Set([
  'none',
  'table',
  'rc4',
  'rc4-md5',
  'rc4-md5-6',
  'aes-128-cfb',
  'aes-192-cfb',
  'aes-256-cfb',
  'aes-128-ctr',
  'aes-192-ctr',
  'aes-256-ctr',
  'aes-128-cfb8',
  'aes-192-cfb8',
  'aes-256-cfb8',
  'aes-128-ofb',
  'aes-192-ofb',
  'aes-256-ofb',
  'bf-cfb',
  'camellia-128-cfb',
  'camellia-192-cfb',
  'camellia-256-cfb',
  'cast5-cfb',
  'des-cfb',
  'idea-cfb',
  'rc2-cfb',
  'seed-cfb',
  'salsa20',
  'chacha20',
  'chacha20-ietf',
  'xchacha20',
  'dummy',
]);

export const SSR_PROTOCOLS: ReadonlySet<string> = new Set([
  'origin',
  'verify_simple',
  'verify_deflate',
  'verify_sha1',
  'auth_simple',
  'auth_sha1',
  'auth_sha1_v2',
  'auth_sha1_v4',
  'auth_aes128_md5',
  'auth_aes128_sha1',
  'auth_chain_a',
  'auth_chain_b',
  'auth_chain_c',
  'auth_chain_d',
  'auth_chain_e',
  'auth_chain_f',
]);

export const SSR_OBFS: ReadonlySet<string> = new Set([
  'plain',
  'http_simple',
  'http_post',
  'random_head',
  'tls_simple',
  'tls1.2_ticket_auth',
  'tls1.2_ticket_fastauth',
]);

/** Strip the `_compatible` suffix SSR uses for "accept plain SS too". */
export function ssrBaseName(name: string): string {
  return name.endsWith('_compatible') ? name.slice(0, -'_compatible'.length) : name;
}
