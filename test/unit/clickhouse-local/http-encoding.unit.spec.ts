import { describe, expect, it } from 'vitest';
import {
  decodeBody,
  encodeBody,
  pickResponseCoding,
  toContentCoding,
} from '../../../services/clickhouse-local/http-encoding.ts';

describe('HTTP content codings', () => {
  it('recognises the codings it can decode and nothing else', () => {
    expect(toContentCoding(undefined)).toBe('identity');
    expect(toContentCoding('GZIP')).toBe('gzip');
    expect(toContentCoding('x-gzip')).toBe('gzip');
    expect(toContentCoding('zstd')).toBe('zstd');
    expect(toContentCoding('lz4')).toBeUndefined();
  });

  it('answers in the first coding the client accepts, skipping q=0', () => {
    expect(pickResponseCoding('br;q=0, gzip, deflate')).toBe('gzip');
    expect(pickResponseCoding('identity')).toBeUndefined();
    expect(pickResponseCoding(undefined)).toBeUndefined();
  });

  it('round-trips every coding', async () => {
    const body = Buffer.from('SELECT 1\n'.repeat(100));
    for (const coding of ['gzip', 'deflate', 'br', 'zstd'] as const) {
      expect(await decodeBody(await encodeBody(body, coding), coding, 10_000)).toEqual(body);
    }
  });

  it('stops decoding past the size limit, so a small bomb cannot grow large', async () => {
    const bomb = await encodeBody(Buffer.alloc(1_000_000), 'gzip');
    await expect(decodeBody(bomb, 'gzip', 1000)).rejects.toBeInstanceOf(RangeError);
  });
});
