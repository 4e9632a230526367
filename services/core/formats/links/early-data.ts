/**
 * Xray puts WebSocket early data into the path as `?ed=2048`. Split it out when `ed` is a
 * pure integer; other path query parts stay in the path (vector V16, V30).
 */
export function splitEarlyData(path: string): { path: string; earlyData: number | undefined } {
  const q = path.indexOf('?');
  if (q === -1) return { path, earlyData: undefined };
  const params = path.slice(q + 1).split('&');
  let earlyData: number | undefined;
  const kept: string[] = [];
  for (const p of params) {
    if (earlyData === undefined && p.startsWith('ed=') && /^[0-9]{1,7}$/.test(p.slice(3))) {
      earlyData = Number(p.slice(3));
    } else {
      kept.push(p);
    }
  }
  if (earlyData === undefined) return { path, earlyData: undefined };
  const base = path.slice(0, q);
  return { path: kept.length > 0 ? `${base}?${kept.join('&')}` : base, earlyData };
}
