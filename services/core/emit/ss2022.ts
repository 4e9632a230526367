/**
 * Shadowsocks 2022 keys: every `:`-separated PSK (iPSK:uPSK for multi-user) must be base64 of
 * exactly the cipher's key size. Clients refuse the whole document otherwise ("bad key
 * length"), so emitters that write structured configs check it before writing.
 */
export function ss2022KeyProblem(method: string, password: string): string | undefined {
  if (!method.startsWith('2022-blake3-')) return undefined;
  const size = method.includes('aes-128') ? 16 : 32;
  for (const key of password.split(':')) {
    const bytes = Buffer.from(key, 'base64');
    // Buffer.from ignores junk; re-encoding tells whether the text really was base64 of `bytes`.
    if (bytes.length !== size || bytes.toString('base64').replace(/=+$/, '') !== key.replace(/=+$/, '')) {
      return `${method} needs base64 keys of ${size} bytes; this one is not`;
    }
  }
  return undefined;
}
