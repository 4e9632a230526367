import type { ProxyConfig } from '../model/config.ts';

/**
 * Hands out display names that are unique within one output document. Clash refuses a
 * whole profile on a duplicate proxy name and sing-box on a duplicate tag, so duplicates get
 * mihomo's own `-01`, `-02` suffixes. Names the document itself uses (group names, built-in
 * policies) are reserved so a proxy called `DIRECT` cannot shadow the real one.
 */
export interface NameAllocator {
  take(name: string): string;
}

/**
 * `upcoming` are the names still to be taken (the whole document's): a generated suffix avoids
 * them, so a proxy published as `x-01` keeps its name even after two earlier `x`s. A name that
 * occurs once and is not reserved is handed back without further bookkeeping (the common case).
 */
export function createNameAllocator(
  reserved: readonly string[] = [],
  upcoming: readonly string[] = [],
): NameAllocator {
  const reservedSet = new Set<string>(reserved);
  const occurrences = new Map<string, number>();
  for (const name of upcoming) occurrences.set(name, (occurrences.get(name) ?? 0) + 1);
  // Names handed out that another occurrence or a suffix could collide with.
  const used = new Set<string>();
  // Next suffix to try per base name: keeps a run of N equal names linear, not quadratic.
  const nextSuffix = new Map<string, number>();
  const taken = (candidate: string): boolean =>
    used.has(candidate) || occurrences.has(candidate) || reservedSet.has(candidate);
  return {
    take(name) {
      const count = occurrences.get(name);
      if (count === 1 && !reservedSet.has(name)) return name;
      if (count === undefined ? !taken(name) : !used.has(name) && !reservedSet.has(name)) {
        used.add(name);
        return name;
      }
      let n = nextSuffix.get(name) ?? 1;
      let candidate = `${name}-${n < 10 ? '0' : ''}${n}`;
      while (taken(candidate)) {
        n += 1;
        candidate = `${name}-${n < 10 ? '0' : ''}${n}`;
      }
      nextSuffix.set(name, n + 1);
      used.add(candidate);
      return candidate;
    },
  };
}

/** `host:port` with IPv6 literals bracketed, as every URL-like syntax wants them. */
export function hostPort(server: string, port: number): string {
  return server.includes(':') ? `[${server}]:${port}` : `${server}:${port}`;
}

/** The config's name, or a readable stand-in when the source gave none. */
export function displayName(config: ProxyConfig): string {
  const name = config.name.trim();
  return name === '' ? `${config.protocol} ${hostPort(config.server, config.port)}` : name;
}
