/**
 * `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns the delay in
 * milliseconds from `now`, never negative and never above `capMs` (a server must not be able
 * to park a source for a year); undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number,
  capMs: number,
): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let delayMs: number;
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    // Fractions are not in the grammar, but some servers send them; the meaning is clear.
    delayMs = Number(text) * 1000;
  } else {
    // Only real dates: Date.parse accepts bare numbers and odd fragments too.
    if (!/[a-z]{3}/i.test(text)) return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    delayMs = at - now;
  }
  if (!Number.isFinite(delayMs)) return capMs;
  return Math.min(capMs, Math.max(0, Math.round(delayMs)));
}
