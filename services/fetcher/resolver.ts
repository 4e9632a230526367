import { lookup } from 'node:dns/promises';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * Name resolution as a port, so tests can make any name resolve anywhere without sending a
 * packet (a hostname resolving to 10.0.0.5 is proven refused without a 10.x network).
 */
export interface Resolver {
  resolve(hostname: string): Promise<readonly ResolvedAddress[]>;
}

/** The system resolver (getaddrinfo: /etc/hosts, nsswitch, DNS), every address it knows. */
export const systemResolver: Resolver = {
  async resolve(hostname) {
    const found = await lookup(hostname, { all: true, order: 'verbatim' });
    return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  },
};

/** A fixed table, for tests and local catalogs: names missing from it fail like NXDOMAIN. */
export function staticResolver(table: Readonly<Record<string, readonly string[]>>): Resolver {
  return {
    resolve(hostname) {
      const addresses = table[hostname.toLowerCase()];
      if (addresses === undefined) {
        return Promise.reject(
          Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
        );
      }
      return Promise.resolve(
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    },
  };
}
