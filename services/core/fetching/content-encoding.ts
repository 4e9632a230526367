/** Content-codings the fetcher decodes; anything else is refused rather than stored undecoded. */
export const CONTENT_CODINGS = { gzip: 'gzip', deflate: 'deflate', br: 'br' } as const;
export type ContentCoding = (typeof CONTENT_CODINGS)[keyof typeof CONTENT_CODINGS];

export type EncodingPlan =
  | {
      readonly ok: true;
      /** In decoding order: the last coding applied is undone first. */ readonly decoders: readonly ContentCoding[];
    }
  | { readonly ok: false; readonly coding: string };

const ALIASES: Readonly<Record<string, ContentCoding | 'identity'>> = {
  gzip: 'gzip',
  'x-gzip': 'gzip',
  deflate: 'deflate',
  br: 'br',
  identity: 'identity',
};

/**
 * Reads `Content-Encoding` (RFC 9110 §8.4: codings listed in the order applied) into the
 * decoders to run. More than `max` stacked codings is refused: nobody legitimate stacks them,
 * and each layer multiplies a bomb.
 */
export function planDecoding(header: string | null | undefined, max: number): EncodingPlan {
  if (header == null) return { ok: true, decoders: [] };
  const applied: ContentCoding[] = [];
  for (const raw of header.split(',')) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    const coding = ALIASES[name];
    if (coding === undefined) return { ok: false, coding: name.slice(0, 64) };
    if (coding !== 'identity') applied.push(coding);
  }
  if (applied.length > max) return { ok: false, coding: applied.join(', ') };
  return { ok: true, decoders: applied.reverse() };
}
