/**
 * Which HTTP statuses of the test URL count as a working proxy, written as `200-399` or
 * `204,200-299`. Any answer at all proves the tunnel works; the ranges let an operator insist on
 * what the test URL really returns (a captive portal answering 302 everywhere is not a proxy).
 */
export function parseStatusRanges(text: string): ((status: number) => boolean) | undefined {
  const ranges: [number, number][] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    if (match?.[1] === undefined) return undefined;
    const from = Number(match[1]);
    const to = Number(match[2] ?? match[1]);
    if (from < 100 || to > 599 || to < from) return undefined;
    ranges.push([from, to]);
  }
  if (ranges.length === 0) return undefined;
  return (status) => ranges.some(([from, to]) => status >= from && status <= to);
}
