import { createHash } from 'node:crypto';

/**
 * ETags derive from the bytes served, not from a state counter: every replica renders the same
 * bytes from the same state, so a client bouncing between replicas keeps getting 304s. They are
 * weak (`W/`) because the same entity is served gzip, br or identity.
 */
export function etagFor(body: Uint8Array): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/** If-None-Match semantics (RFC 9110 §13.1.2): weak comparison, any listed tag or `*` matches. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined || header === '') return false;
  if (header.trim() === '*') return true;
  const opaque = stripWeak(etag);
  // Fast path: the common client sends back exactly the tag it got.
  if (header === etag || header === opaque) return true;
  for (const part of header.split(',')) if (stripWeak(part.trim()) === opaque) return true;
  return false;
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
