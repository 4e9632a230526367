import { gunzipSync } from 'node:zlib';
import type { FetchBody } from '../../generated/events.ts';
import { BODY_COMPRESSIONS } from '../../shared/events/fetch-outcome.ts';

export const BODY_ERROR_CODES = {
  /** The stored body's compression is not one we write. */
  unknownCompression: 'BODY_UNKNOWN_COMPRESSION',
  /** The stored bytes do not decompress. */
  corrupt: 'BODY_CORRUPT',
  /** Decompressed, the body exceeds the parser's cap (the fetcher caps it lower; this is a backstop). */
  tooLarge: 'BODY_TOO_LARGE',
} as const;
export type BodyErrorCode = (typeof BODY_ERROR_CODES)[keyof typeof BODY_ERROR_CODES];

export type BodyResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly code: BodyErrorCode; readonly message: string };

/**
 * The decoded body of a raw fetch event. Decompression is bounded: the raw topic is input like
 * any other, and a record written by a buggy producer must not take the parser's memory.
 */
export function decodeFetchedBody(body: FetchBody, maxBytes: number): BodyResult {
  const data = body.data;
  if (body.compression === BODY_COMPRESSIONS.identity) {
    if (data.byteLength > maxBytes) return tooLarge(data.byteLength, maxBytes);
    return { ok: true, bytes: data };
  }
  if (body.compression !== BODY_COMPRESSIONS.gzip) {
    return {
      ok: false,
      code: BODY_ERROR_CODES.unknownCompression,
      message: `compression ${body.compression}`,
    };
  }
  try {
    return { ok: true, bytes: gunzipSync(data, { maxOutputLength: maxBytes }) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return tooLarge(maxBytes + 1, maxBytes);
    return {
      ok: false,
      code: BODY_ERROR_CODES.corrupt,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

function tooLarge(size: number, max: number): BodyResult {
  return { ok: false, code: BODY_ERROR_CODES.tooLarge, message: `decoded body over ${max} bytes (${size})` };
}
