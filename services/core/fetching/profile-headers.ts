import { decodeBase64Text } from '../text/base64.ts';

/** Longest profile title kept: it is a display name, not a payload. */
export const MAX_TITLE_LENGTH = 256;
/** A year; beyond that the header is noise, not a schedule. */
const MAX_UPDATE_INTERVAL_HOURS = 24 * 365;

/**
 * `profile-update-interval` is in hours (Clash convention), sometimes fractional (`0.5`).
 * Returns seconds, or undefined when absent, non-positive or absurd.
 */
export function parseProfileUpdateInterval(value: string | null | undefined): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (!/^[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+]?\d+)?$/i.test(text)) return undefined;
  const hours = Number(text);
  if (!(hours > 0) || hours > MAX_UPDATE_INTERVAL_HOURS) return undefined;
  return Math.round(hours * 3600);
}

/**
 * `profile-title` is either plain text or `base64:<utf-8 in base64>` (the prefix in any case,
 * standard or URL-safe alphabet, padding optional). Control characters are dropped and the
 * result is bounded; undefined when nothing printable is left or the base64 is broken.
 */
export function parseProfileTitle(value: string | null | undefined): string | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  let title = text;
  if (/^base64:/i.test(text)) {
    const decoded = decodeBase64Text(text.slice('base64:'.length).trim());
    if (decoded === undefined) return undefined;
    title = decoded.text;
  }
  return cleanTitle(title);
}

/**
 * The file name of `content-disposition` (Clash falls back to it for the profile name):
 * RFC 6266 / RFC 8187 `filename*=UTF-8''%E2%9C%93.yaml` wins over `filename="..."`.
 */
export function parseContentDispositionFilename(value: string | null | undefined): string | undefined {
  if (value == null) return undefined;
  let plain: string | undefined;
  let extended: string | undefined;
  for (const part of splitParams(value)) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    const raw = part.slice(eq + 1).trim();
    if (name === 'filename*') extended = decodeExtValue(raw);
    else if (name === 'filename') plain = unquote(raw);
  }
  const chosen = extended ?? plain;
  return chosen === undefined ? undefined : cleanTitle(baseName(chosen));
}

/** Splits on `;` outside quoted strings. */
function splitParams(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i] ?? '';
    if (c === '"') quoted = !quoted;
    if (c === '\\' && quoted) {
      current += c + (value[i + 1] ?? '');
      i += 1;
      continue;
    }
    if (c === ';' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

function unquote(raw: string): string {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"'))
    return raw.slice(1, -1).replace(/\\(.)/g, '$1');
  return raw;
}

/** `charset'lang'percent-encoded`; only UTF-8 and ISO-8859-1 are required by RFC 8187. */
function decodeExtValue(raw: string): string | undefined {
  const match = /^([\w!#$%&+^`{}~-]*)'[\w-]*'(.*)$/.exec(unquote(raw));
  if (match === null) return undefined;
  const charset = (match[1] ?? '').toLowerCase();
  const encoded = match[2] ?? '';
  try {
    if (charset === 'iso-8859-1' || charset === 'latin1') {
      return encoded.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/** A file name, never a path: servers have sent `../../etc/passwd`. */
function baseName(name: string): string {
  const slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return slash === -1 ? name : name.slice(slash + 1);
}

function cleanTitle(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  if (clean === '') return undefined;
  return [...clean].slice(0, MAX_TITLE_LENGTH).join('');
}
