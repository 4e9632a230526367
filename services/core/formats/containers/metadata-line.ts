import type { SubscriptionMetadata } from '../../model/parse-result.ts';
import { decodeBase64Text } from '../../text/base64.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Userinfo = Mutable<NonNullable<SubscriptionMetadata['userinfo']>>;

const MAX_TEXT = 512;

/**
 * Body-embedded metadata (formats.md §3.7): hiddify / Happ `//profile-title: base64:...`,
 * `#profile-update-interval: 12`, `//subscription-userinfo: upload=0; ...` and the CFW
 * first line `# upload=...; download=...; total=...; expire=...`. `comment` is the line
 * without its `//` or `#`. Returns false when it is an ordinary comment.
 */
export function readMetadataComment(comment: string, into: Mutable<SubscriptionMetadata>): boolean {
  const text = comment.trim();
  const colon = text.indexOf(':');
  const key = colon > 0 ? text.slice(0, colon).trim().toLowerCase() : '';
  const value = colon > 0 ? text.slice(colon + 1).trim() : '';
  switch (key) {
    case 'profile-title': {
      const title = value.startsWith('base64:') ? decodeBase64Text(value.slice(7).trim())?.text : value;
      if (title !== undefined && title.trim() !== '') into.profileTitle = title.trim().slice(0, MAX_TEXT);
      return true;
    }
    case 'profile-update-interval': {
      const hours = Number(value);
      if (value !== '' && Number.isFinite(hours) && hours >= 0) into.updateIntervalHours = hours;
      return true;
    }
    case 'subscription-userinfo': {
      const info = parseUserinfo(value);
      if (info !== undefined) into.userinfo = info;
      return true;
    }
    case 'support-url':
      if (value !== '') into.supportUrl = value.slice(0, MAX_TEXT);
      return true;
    case 'profile-web-page-url':
      if (value !== '') into.webPageUrl = value.slice(0, MAX_TEXT);
      return true;
    case 'announce':
    case 'routing':
    case 'content-disposition':
      return true;
    default: {
      // CFW: `# upload=1; download=2; total=3; expire=4`
      if (/^\s*(upload|download|total|expire)\s*=/i.test(text)) {
        const info = parseUserinfo(text);
        if (info !== undefined) into.userinfo = info;
        return true;
      }
      return false;
    }
  }
}

/**
 * `upload=<bytes>; download=<bytes>; total=<bytes>; expire=<unix s>`, tolerantly: keys in any
 * case, missing spaces, floats and scientific notation, empty values (formats.md §3.7).
 */
export function parseUserinfo(text: string): Userinfo | undefined {
  const info: Userinfo = {};
  let any = false;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const raw = part.slice(eq + 1).trim();
    const n = Number(raw);
    if (raw === '' || !Number.isFinite(n) || n < 0) continue;
    const v = Math.trunc(n);
    if (key === 'upload' || key === 'download' || key === 'total' || key === 'expire') {
      info[key] = v;
      any = true;
    }
  }
  return any ? info : undefined;
}
