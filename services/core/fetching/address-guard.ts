import { classifyDomain, classifyIpv4, classifyIpv6 } from '../validate/address-guard.ts';
import type { AddressClass } from '../validate/address-guard.ts';
import { parseIpv4, parseIpv6 } from '../validate/host.ts';

/**
 * Which addresses a fetch may connect to. Sources are URLs from the Internet, so by default
 * only public addresses are reachable: a catalog entry (or a redirect) pointing at loopback,
 * a private network, link-local space or a cloud metadata endpoint would turn the fetcher
 * into a proxy into our own network (SSRF).
 */
export interface AddressPolicy {
  /**
   * The catalog's `allowPrivateAddresses` (local test catalogs): loopback, private, link-local
   * and reserved ranges become reachable. Metadata endpoints and unusable addresses (0.0.0.0,
   * multicast) stay refused even then: nothing legitimate lives there.
   */
  readonly allowPrivateAddresses: boolean;
}

export type GuardVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly addressClass: AddressClass;
      /** The name or address that was refused, for the event's error message. */
      readonly subject: string;
    };

const ALWAYS_REFUSED: ReadonlySet<AddressClass> = new Set(['metadata', 'unusable']);

function verdictFor(addressClass: AddressClass, subject: string, policy: AddressPolicy): GuardVerdict {
  if (addressClass === 'public') return { allowed: true };
  if (policy.allowPrivateAddresses && !ALWAYS_REFUSED.has(addressClass)) return { allowed: true };
  return { allowed: false, addressClass, subject };
}

/** What a URL's host is, as far as the guard cares: an address literal needs no lookup. */
export type HostTarget =
  { readonly kind: 'address'; readonly address: string } | { readonly kind: 'name'; readonly name: string };

/** `URL.hostname` brackets IPv6 literals and may keep a trailing dot; both are noise here. */
export function hostTarget(hostname: string): HostTarget {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const name = bare.endsWith('.') ? bare.slice(0, -1) : bare;
  if (parseIpv4(name) !== -1 || (name.includes(':') && parseIpv6(name) !== undefined)) {
    return { kind: 'address', address: name };
  }
  return { kind: 'name', name: name.toLowerCase() };
}

/**
 * Classifies one IP address (as DNS returns it or as a URL literal carries it). Anything that
 * is not a plain address — a zone id, garbage — is refused: the guard fails closed.
 */
export function classifyAddress(address: string): AddressClass {
  const v4 = parseIpv4(address);
  if (v4 !== -1) return classifyIpv4(v4);
  const v6 = parseIpv6(address);
  if (v6 !== undefined) return classifyIpv6(v6);
  return 'unusable';
}

export function checkAddress(address: string, policy: AddressPolicy): GuardVerdict {
  return verdictFor(classifyAddress(address), address, policy);
}

/**
 * Checks a URL host before any lookup: address literals are judged directly (the socket layer
 * never resolves them), and names that can only be local (`localhost`, `*.internal`,
 * `metadata.google.internal`, single labels) are refused without asking DNS.
 */
export function checkHost(hostname: string, policy: AddressPolicy): GuardVerdict {
  const target = hostTarget(hostname);
  if (target.kind === 'address') return checkAddress(target.address, policy);
  return verdictFor(classifyDomain(target.name), target.name, policy);
}

/**
 * Checks what a name resolved to. Every address must pass: a name that resolves to one public
 * and one private address could otherwise be steered to the private one.
 */
export function checkResolved(addresses: readonly string[], policy: AddressPolicy): GuardVerdict {
  for (const address of addresses) {
    const verdict = checkAddress(address, policy);
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true };
}
