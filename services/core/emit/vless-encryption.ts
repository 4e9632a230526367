/**
 * VLESS encryption (Xray PR #5067): `mlkem768x25519plus.<native|xorpub|random>.<1rtt|0rtt>.<parts>`
 * where each part of 20+ characters is a base64url (unpadded) X25519 key (32 bytes) or ML-KEM-768
 * client key (1184 bytes) and shorter parts are padding specs. mihomo and Xray refuse anything
 * else, so emitters that write the value check it first (transport/vless/encryption/factory.go).
 */
const X25519_KEY_BYTES = 32;
const MLKEM768_CLIENT_BYTES = 1184;

export function vlessEncryptionProblem(encryption: string): string | undefined {
  if (encryption === '' || encryption === 'none') return undefined;
  const parts = encryption.split('.');
  const [suite, mode, rtt] = parts;
  if (parts.length < 4 || suite !== 'mlkem768x25519plus')
    return `unknown VLESS encryption ${encryption.slice(0, 40)}`;
  if (mode !== 'native' && mode !== 'xorpub' && mode !== 'random')
    return `unknown VLESS encryption mode ${String(mode)}`;
  if (rtt !== '1rtt' && rtt !== '0rtt') return `unknown VLESS encryption handshake ${String(rtt)}`;
  for (const part of parts.slice(3)) {
    if (part.length < 20) continue;
    const bytes = Buffer.from(part, 'base64url');
    if (
      bytes.toString('base64url') !== part ||
      (bytes.length !== X25519_KEY_BYTES && bytes.length !== MLKEM768_CLIENT_BYTES)
    ) {
      return 'VLESS encryption key is not base64url of an X25519 or ML-KEM-768 client key';
    }
  }
  return undefined;
}
