import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

/** Content codings both ClickHouse's HTTP interface and Node's zlib speak. */
export const CONTENT_CODING = { gzip: 'gzip', deflate: 'deflate', br: 'br', zstd: 'zstd' } as const;
export type ContentCoding = (typeof CONTENT_CODING)[keyof typeof CONTENT_CODING];

const decoders = {
  gzip: promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
  zstd: promisify(zlib.zstdDecompress),
} as const;
const encoders = {
  gzip: promisify(zlib.gzip),
  deflate: promisify(zlib.deflate),
  br: promisify(zlib.brotliCompress),
  zstd: promisify(zlib.zstdCompress),
} as const;

export function toContentCoding(value: string | undefined): ContentCoding | 'identity' | undefined {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'identity' || v === 'none') return 'identity';
  if (v === 'x-gzip') return 'gzip';
  return Object.values(CONTENT_CODING).find((c) => c === v);
}

/** Decode a request body; output beyond maxBytes rejects with a RangeError (a zip bomb stays small). */
export async function decodeBody(body: Buffer, coding: ContentCoding, maxBytes: number): Promise<Buffer> {
  return decoders[coding](body, { maxOutputLength: maxBytes });
}

export async function encodeBody(body: Buffer, coding: ContentCoding): Promise<Buffer> {
  return encoders[coding](body);
}

/** The first coding the client accepts that we can produce, in the client's order. */
export function pickResponseCoding(acceptEncoding: string | undefined): ContentCoding | undefined {
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p))) continue;
    const coding = toContentCoding(name);
    if (coding !== undefined && coding !== 'identity') return coding;
  }
  return undefined;
}
