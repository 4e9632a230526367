/**
 * Fetch intervals are written as durations: `30m`, `1h`, `1h30m`, `90s`, `2d`. Bare numbers
 * are refused on purpose: `interval: 30` could mean seconds or minutes.
 */

/** Short enough for local catalogs and tests; the fetcher's per-host politeness still applies. */
export const MIN_INTERVAL_SECONDS = 10;
/** A source polled less than weekly is effectively dead weight; disable it instead. */
export const MAX_INTERVAL_SECONDS = 7 * 24 * 60 * 60;

const UNIT_SECONDS = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Seconds of a duration string, or undefined when it is not one (`''`, `1x`, `1.5h`, `m30`). */
export function parseInterval(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || match.slice(1).every((part) => part === undefined)) return undefined;
  const [, d = '0', h = '0', m = '0', s = '0'] = match;
  return (
    Number(d) * UNIT_SECONDS.d +
    Number(h) * UNIT_SECONDS.h +
    Number(m) * UNIT_SECONDS.m +
    Number(s) * UNIT_SECONDS.s
  );
}

/** The shortest duration string for a number of seconds: 5400 -> `1h30m`. */
export function formatInterval(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0)
    throw new RangeError(`not a positive whole number of seconds: ${seconds}`);
  let rest = seconds;
  let out = '';
  for (const [unit, size] of Object.entries(UNIT_SECONDS)) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}
