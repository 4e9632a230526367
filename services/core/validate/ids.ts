/** Canonical 8-4-4-4-12 hex UUID (any case). */
export function isUuid(text: string): boolean {
  return uuidCase(text) !== NOT_UUID;
}

const NOT_UUID = 0;
const LOWER_UUID = 1;
const UPPER_UUID = 2;

/** NOT_UUID, LOWER_UUID (already canonical) or UPPER_UUID (some A-F). */
const LOWER_UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function uuidCase(text: string): number {
  if (text.length !== 36) return NOT_UUID;
  if (LOWER_UUID_TEXT.test(text)) return LOWER_UUID;
  let result = LOWER_UUID;
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return NOT_UUID;
    } else if (c >= 0x41 && c <= 0x46) {
      result = UPPER_UUID;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) {
      return NOT_UUID;
    }
  }
  return result;
}

function isHex32(text: string): boolean {
  return text.length === 32 && /^[0-9a-fA-F]{32}$/.test(text);
}

/** A UUID written without hyphens, re-hyphenated; undefined otherwise. */
export function hyphenateUuid(text: string): string | undefined {
  if (!isHex32(text)) return undefined;
  const t = text.toLowerCase();
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-${t.slice(12, 16)}-${t.slice(16, 20)}-${t.slice(20)}`;
}

/**
 * Xray, sing-box and mihomo map any user id of 1..30 bytes that is not a UUID to a
 * UUIDv5 (vectors V20 `monacoVPN`); anything longer must be a real UUID, which is how
 * the 35-character pseudo-UUIDs of placeholder nodes (V23) are caught.
 */
export const MAX_CUSTOM_ID_BYTES = 30;

export type IdCheck =
  { readonly ok: true; readonly id: string; readonly repaired: boolean } | { readonly ok: false };

/** Validate a vmess/vless user id: a UUID (lower-cased) or a short custom string. */
export function checkUserId(raw: string): IdCheck {
  const text = raw.trim();
  const uuid = uuidCase(text);
  if (uuid !== NOT_UUID)
    return { ok: true, id: uuid === LOWER_UUID ? text : text.toLowerCase(), repaired: false };
  const hyphenated = hyphenateUuid(text);
  if (hyphenated !== undefined) return { ok: true, id: hyphenated, repaired: true };
  if (text.length === 0 || !text.isWellFormed() || Buffer.byteLength(text, 'utf8') > MAX_CUSTOM_ID_BYTES)
    return { ok: false };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c === 0x7f) return { ok: false };
  }
  return { ok: true, id: text, repaired: text !== raw };
}

/** TUIC carries the 16 UUID bytes on the wire: only a real UUID works. */
export function checkStrictUuid(raw: string): IdCheck {
  const text = raw.trim();
  const uuid = uuidCase(text);
  if (uuid !== NOT_UUID)
    return { ok: true, id: uuid === LOWER_UUID ? text : text.toLowerCase(), repaired: false };
  const hyphenated = hyphenateUuid(text);
  if (hyphenated !== undefined) return { ok: true, id: hyphenated, repaired: true };
  return { ok: false };
}
