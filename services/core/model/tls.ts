/** uTLS client fingerprints understood by sing-box / mihomo ("randomized" is Xray's). */
export const UTLS_FINGERPRINTS = [
  'chrome',
  'firefox',
  'edge',
  'safari',
  '360',
  'qq',
  'ios',
  'android',
  'random',
  'randomized',
] as const;
export type UtlsFingerprint = (typeof UTLS_FINGERPRINTS)[number];

export interface RealitySettings {
  /** base64url (no padding) of a 32-byte X25519 public key, as in `pbk`. */
  readonly publicKey: string;
  /** hex, 0..16 chars; empty is valid. */
  readonly shortId: string;
  /** `spx`: spider path; only Xray uses it. */
  readonly spiderX?: string;
}

/**
 * TLS as the client sees it. `enabled` false means plain transport even when other
 * fields were present in the source (they are then dropped with a warning).
 */
export interface TlsSettings {
  readonly enabled: boolean;
  readonly serverName?: string;
  readonly alpn?: readonly string[];
  readonly insecure?: boolean;
  /** uTLS client hello to imitate (`fp`, `client-fingerprint`, `utls.fingerprint`). */
  readonly fingerprint?: string;
  readonly reality?: RealitySettings;
  /** Certificate SHA-256 pin (hy2 `pinSHA256`, Clash `fingerprint`). */
  readonly certSha256?: string;
  /** ECH config (base64), `ech` / `ech-opts.config`. */
  readonly echConfig?: string;
  readonly disableSni?: boolean;
}
