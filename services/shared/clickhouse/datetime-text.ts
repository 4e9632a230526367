/**
 * `YYYY-MM-DD hh:mm:ss.sss` in UTC: the text ClickHouse's default (basic) input format reads into
 * a DateTime64(3, 'UTC') column, exactly to the millisecond, on every server version. A bare
 * number is not safe there: whether it means seconds or milliseconds depends on the format and
 * version.
 */
export function dateTime64Text(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}
