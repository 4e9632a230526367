import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { etagFor } from '../../../services/core/read-model/etag.ts';
import type { RenderedSubscription } from '../../../services/core/read-model/render-subscription.ts';
import { createRenderCache, pickEncoding } from '../../../services/read-api/render-cache.ts';
import { coalescedGeneration } from '../../../services/read-api/app.ts';

const rendered = (bytes: number): RenderedSubscription => {
  const body = Buffer.from('vless://example\n'.repeat(Math.ceil(bytes / 16)).slice(0, bytes));
  return { target: 'uri', body, etag: etagFor(body), headers: {}, emitted: 1, leftOut: 0 };
};

describe('render cache', () => {
  it('compresses a small body once, synchronously, and keeps it', () => {
    const cache = createRenderCache({ maxEntries: 10, maxBytes: 10_000_000 });
    const entry = cache.put('k', rendered(20_000));
    const first = cache.body('k', entry, 'gzip');
    expect(first).toBeInstanceOf(Buffer);
    expect(cache.body('k', entry, 'gzip')).toBe(first);
    expect(gunzipSync(first as Buffer).equals(entry.rendered.body)).toBe(true);
    expect(cache.body('k', entry, 'identity')).toBe(entry.rendered.body);
  });

  it('compresses a large body off the event loop, once for concurrent requests', async () => {
    const cache = createRenderCache({ maxEntries: 10, maxBytes: 10_000_000 });
    const entry = cache.put('k', rendered(600_000));
    const a = cache.body('k', entry, 'br');
    const b = cache.body('k', entry, 'br');
    expect(a).toBeInstanceOf(Promise);
    expect(b).toBe(a);
    const compressed = await a;
    expect(brotliDecompressSync(compressed).equals(entry.rendered.body)).toBe(true);
    expect(cache.body('k', entry, 'br')).toBe(compressed);
  });

  it('picks br over gzip, honours q=0, and falls back to identity', () => {
    expect(pickEncoding('gzip, deflate, br')).toBe('br');
    expect(pickEncoding('gzip;q=1.0, br;q=0')).toBe('gzip');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('deflate')).toBe('identity');
    expect(pickEncoding(undefined)).toBe('identity');
  });
});

describe('render generation', () => {
  it('shows the first change at once and coalesces a burst into one step per interval', () => {
    const state = { generation: 0 };
    let now = 0;
    const generation = coalescedGeneration(state, 1_000, () => now);
    expect(generation()).toBe(0);
    state.generation = 1;
    expect(generation()).toBe(1);
    state.generation = 5;
    now = 999;
    expect(generation()).toBe(1);
    now = 1_000;
    expect(generation()).toBe(5);
    state.generation = 6;
    now = 1_500;
    expect(generation()).toBe(5);
    now = 2_000;
    expect(generation()).toBe(6);
  });
});
