import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants as zlibConstants, gzip, gzipSync } from 'node:zlib';
import { createLruCache } from '../core/read-model/lru-cache.ts';
import type { RenderedSubscription } from '../core/read-model/render-subscription.ts';
import type { ConfigEntry } from '../core/read-model/config-entry.ts';
import type { ReadApiMetrics } from './read-api-metrics.ts';

export const CONTENT_ENCODINGS = { br: 'br', gzip: 'gzip', identity: 'identity' } as const;
export type ContentEncoding = (typeof CONTENT_ENCODINGS)[keyof typeof CONTENT_ENCODINGS];

/** A rendered subscription plus its compressed forms, made on first demand and then reused. */
export interface CachedRender {
  readonly rendered: RenderedSubscription;
  gzip: Buffer | null;
  br: Buffer | null;
  /** Compressions of large bodies running in the thread pool, shared by concurrent requests. */
  readonly pending: Map<ContentEncoding, Promise<Buffer>>;
}

/**
 * Rendered subscriptions by (state generation, format, profile, normalized query), bounded by
 * count and bytes. Compressed bodies live in the entry too: a polling client costs a lookup,
 * not an emit plus a brotli pass. Stale generations are never looked up again and age out.
 */
export interface RenderCache {
  get(key: string): CachedRender | undefined;
  put(key: string, rendered: RenderedSubscription): CachedRender;
  /**
   * The body in `encoding`, compressed and cached on first use: synchronously for small bodies,
   * in the thread pool for large ones (a 4 MiB list must not stall every other request).
   */
  body(key: string, entry: CachedRender, encoding: ContentEncoding): Buffer | Promise<Buffer>;
  selection(key: string, make: () => ConfigEntry[]): ConfigEntry[];
  /** A serialized JSON page, made once per key (state generation + query + page). */
  page(key: string, make: () => string): string;
}

/** Below this size compression does not pay for its headers. */
const MIN_COMPRESS_BYTES = 1024;
/** Above this size compression leaves the event loop. */
const ASYNC_COMPRESS_BYTES = 128 * 1024;
const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export function createRenderCache({
  maxEntries,
  maxBytes,
  metrics,
}: {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly metrics?: ReadApiMetrics;
}): RenderCache {
  const renders = createLruCache<CachedRender>({ maxEntries, maxWeight: maxBytes });
  // Selections hold references to entries the state holds anyway: weigh them by slots.
  const selections = createLruCache<ConfigEntry[]>({
    maxEntries: Math.max(16, maxEntries >> 2),
    maxWeight: 8_000_000,
  });
  const pages = createLruCache<string>({ maxEntries, maxWeight: Math.max(1, maxBytes >> 2) });
  const weigh = (entry: CachedRender): number =>
    entry.rendered.body.length + (entry.gzip?.length ?? 0) + (entry.br?.length ?? 0) + 512;
  const gauge = (): void => {
    metrics?.cacheBytes.set({ cache: 'render' }, renders.weight);
    metrics?.cacheBytes.set({ cache: 'selection' }, selections.weight * 8);
  };
  return {
    get(key) {
      const entry = renders.get(key);
      metrics?.cacheLookups.inc({ cache: 'render', result: entry === undefined ? 'miss' : 'hit' });
      return entry;
    },
    put(key, rendered) {
      const entry: CachedRender = { rendered, gzip: null, br: null, pending: new Map() };
      renders.set(key, entry, weigh(entry));
      gauge();
      return entry;
    },
    body(key, entry, encoding) {
      const plain = entry.rendered.body;
      if (encoding === CONTENT_ENCODINGS.identity || plain.length < MIN_COMPRESS_BYTES) return plain;
      const held = encoding === CONTENT_ENCODINGS.br ? entry.br : entry.gzip;
      if (held !== null) return held;
      const keep = (compressed: Buffer): Buffer => {
        if (encoding === CONTENT_ENCODINGS.br) entry.br = compressed;
        else entry.gzip = compressed;
        renders.set(key, entry, weigh(entry));
        gauge();
        return compressed;
      };
      const brotliOptions = {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: plain.length,
        },
      };
      if (plain.length < ASYNC_COMPRESS_BYTES) {
        return keep(
          encoding === CONTENT_ENCODINGS.br
            ? brotliCompressSync(plain, brotliOptions)
            : gzipSync(plain, { level: 6 }),
        );
      }
      let running = entry.pending.get(encoding);
      if (running === undefined) {
        running = (
          encoding === CONTENT_ENCODINGS.br
            ? brotliAsync(plain, brotliOptions)
            : gzipAsync(plain, { level: 6 })
        )
          .then(keep)
          .finally(() => entry.pending.delete(encoding));
        entry.pending.set(encoding, running);
      }
      return running;
    },
    page(key, make) {
      const held = pages.get(key);
      metrics?.cacheLookups.inc({ cache: 'page', result: held === undefined ? 'miss' : 'hit' });
      if (held !== undefined) return held;
      const made = make();
      pages.set(key, made, made.length * 2);
      metrics?.cacheBytes.set({ cache: 'page' }, pages.weight);
      return made;
    },
    selection(key, make) {
      const held = selections.get(key);
      metrics?.cacheLookups.inc({ cache: 'selection', result: held === undefined ? 'miss' : 'hit' });
      if (held !== undefined) return held;
      const made = make();
      selections.set(key, made, made.length + 1);
      gauge();
      return made;
    },
  };
}

/**
 * The encoding to answer with: br, then gzip, when the client accepts it (q > 0), else identity.
 * Only what we serve matters, so this is a small parser, not full negotiation.
 */
export function pickEncoding(acceptEncoding: string | undefined): ContentEncoding {
  if (acceptEncoding === undefined || acceptEncoding === '') return CONTENT_ENCODINGS.identity;
  let br = false;
  let gzip = false;
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const accepted = q === undefined || Number(q.slice(2)) > 0;
    if (!accepted) continue;
    if (name === 'br') br = true;
    else if (name === 'gzip' || name === 'x-gzip') gzip = true;
    else if (name === '*') {
      br = true;
      gzip = true;
    }
  }
  return br ? CONTENT_ENCODINGS.br : gzip ? CONTENT_ENCODINGS.gzip : CONTENT_ENCODINGS.identity;
}
