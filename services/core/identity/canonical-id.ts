import { hash } from 'node:crypto';

const ZERO_NAMESPACE = new Uint8Array(16);
const encoder = new TextEncoder();

/**
 * The UUID an Xray server derives from a VLESS/VMess id: a UUID in any case (with or
 * without dashes) is itself; any other 1..30-byte string maps to UUIDv5 under the zero
 * namespace (Xray common/uuid ParseString). So `monacoVPN` and its UUIDv5 are the same
 * user and must fold into one identity. Anything else is kept verbatim.
 */
export function canonicalXrayId(id: string): string {
  const uuid = canonicalUuid(id);
  if (uuid !== undefined) return uuid;
  const bytes = encoder.encode(id);
  if (bytes.length === 0 || bytes.length > 30) return id;
  const input = new Uint8Array(16 + bytes.length);
  input.set(ZERO_NAMESPACE, 0);
  input.set(bytes, 16);
  const digest = hash('sha1', input, 'buffer');
  const u = Uint8Array.from(digest.subarray(0, 16));
  u[6] = ((u[6] ?? 0) & 0x0f) | 0x50;
  u[8] = ((u[8] ?? 0) & 0x3f) | 0x80;
  return formatUuid(u);
}

/** Lower-case dashed form of a UUID written with or without dashes; undefined otherwise. */
const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function canonicalUuid(text: string): string | undefined {
  if (text.length === 36) {
    // Validated ids are lower-case already: recognised by regex, returned without a copy.
    if (LOWER_UUID.test(text)) return text;
    let upper = false;
    for (let i = 0; i < 36; i++) {
      const c = text.charCodeAt(i);
      const dash = i === 8 || i === 13 || i === 18 || i === 23;
      if (dash ? c !== 0x2d : !isHex(c)) return undefined;
      if (c >= 0x41 && c <= 0x46) upper = true;
    }
    return upper ? text.toLowerCase() : text;
  }
  if (text.length === 32) {
    for (let i = 0; i < 32; i++) if (!isHex(text.charCodeAt(i))) return undefined;
    const t = text.toLowerCase();
    return `${t.slice(0, 8)}-${t.slice(8, 12)}-${t.slice(12, 16)}-${t.slice(16, 20)}-${t.slice(20)}`;
  }
  return undefined;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function formatUuid(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
