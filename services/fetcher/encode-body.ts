import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FetchBody } from '../generated/events.ts';
import { BODY_COMPRESSIONS } from '../shared/events/fetch-outcome.ts';

const gzipAsync = promisify(gzip);

/**
 * The body as the raw topic stores it: gzip (off the event loop, in libuv's pool) plus the
 * SHA-256 of the decoded bytes. Returns undefined when even compressed it would not fit one
 * record of the topic.
 */
export async function encodeBody(decoded: Buffer, maxStoredBytes: number): Promise<FetchBody | undefined> {
  const data = await gzipAsync(decoded, { level: 6 });
  if (data.length > maxStoredBytes) return undefined;
  return {
    compression: BODY_COMPRESSIONS.gzip,
    data,
    sha256: createHash('sha256').update(decoded).digest('hex'),
  };
}
