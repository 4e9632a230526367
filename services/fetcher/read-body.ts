import { Transform, Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { ContentCoding } from '../core/fetching/content-encoding.ts';
import { FETCH_ERROR_CODES } from '../core/fetching/fetch-failure.ts';
import { fetchError } from './fetch-error.ts';

export interface BodyRead {
  readonly decoded: Buffer;
  readonly wireBytes: number;
  readonly decodedBytes: number;
}

/** Where reading stopped when it failed; the caller records it. */
export interface PartialRead {
  wireBytes: number;
  decodedBytes: number;
}

const decoderFor = (coding: ContentCoding): Transform => {
  switch (coding) {
    case 'gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
  }
};

/**
 * Reads a response body under both caps. The wire cap counts bytes as they arrive; the decoded
 * cap counts bytes as the decoders produce them. Streams carry backpressure end to end, so a
 * decoder only inflates as fast as the sink accepts: a gzip bomb is stopped when its output
 * reaches the cap, having held at most the cap plus one chunk, never its full inflated size.
 * Hitting either cap destroys the pipeline, which closes the connection: the rest of a 200 MB
 * body is never read.
 */
export async function readBody(
  body: Readable,
  decoders: readonly ContentCoding[],
  {
    maxWireBytes,
    maxDecodedBytes,
    signal,
    progress,
  }: {
    readonly maxWireBytes: number;
    readonly maxDecodedBytes: number;
    readonly signal: AbortSignal;
    /** Updated as reading goes, so a failure can still report how far it got. */
    readonly progress: PartialRead;
  },
): Promise<BodyRead> {
  const chunks: Buffer[] = [];
  const wireCounter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      progress.wireBytes += chunk.length;
      if (progress.wireBytes > maxWireBytes) {
        done(
          fetchError(FETCH_ERROR_CODES.bodyTooLarge, `body exceeds ${maxWireBytes} bytes on the wire`, {
            wireBytes: progress.wireBytes,
          }),
        );
        return;
      }
      done(null, chunk);
    },
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      progress.decodedBytes += chunk.length;
      if (progress.decodedBytes > maxDecodedBytes) {
        done(
          fetchError(FETCH_ERROR_CODES.decodedTooLarge, `decoded body exceeds ${maxDecodedBytes} bytes`, {
            decodedBytes: progress.decodedBytes,
          }),
        );
        return;
      }
      chunks.push(chunk);
      done();
    },
  });
  await pipeline([body, wireCounter, ...decoders.map(decoderFor), sink], { signal });
  return {
    decoded: Buffer.concat(chunks, progress.decodedBytes),
    wireBytes: progress.wireBytes,
    decodedBytes: progress.decodedBytes,
  };
}
