import { classifyAddress, hostTarget } from '../fetching/address-guard.ts';
import { classifyDomain } from '../validate/address-guard.ts';
import type { AddressClass } from '../validate/address-guard.ts';

/**
 * Which server addresses the prober may connect to. Configs come from public subscriptions, so
 * by default only public addresses are probed: a config pointing at 127.0.0.1, a private
 * network or a metadata endpoint would make the prober (and its sing-box) knock on our own
 * network. `loopback` is the opposite: tests and benchmarks, where nothing but 127.0.0.1/::1
 * may ever be reached.
 */
export const ADDRESS_SCOPES = {
  public: 'public',
  /** Private networks too (a prober inside a lab network); metadata and unusable addresses stay refused. */
  private: 'private',
  loopback: 'loopback',
} as const;
export type AddressScope = (typeof ADDRESS_SCOPES)[keyof typeof ADDRESS_SCOPES];

const NEVER: ReadonlySet<AddressClass> = new Set(['metadata', 'unusable']);

function classAllowed(addressClass: AddressClass, scope: AddressScope): boolean {
  switch (scope) {
    case ADDRESS_SCOPES.public:
      return addressClass === 'public';
    case ADDRESS_SCOPES.private:
      return !NEVER.has(addressClass);
    case ADDRESS_SCOPES.loopback:
      return addressClass === 'loopback';
  }
}

/** An IP address as DNS returned it or the config carries it. */
export function addressAllowed(address: string, scope: AddressScope): boolean {
  return classAllowed(classifyAddress(address), scope);
}

export type HostCheck =
  | { readonly kind: 'address'; readonly address: string; readonly allowed: boolean }
  | { readonly kind: 'name'; readonly name: string; readonly allowed: boolean };

/**
 * A server host before any lookup: literals are judged at once; names that can only be local
 * (localhost, *.internal, single labels) are judged by what they are. In loopback scope a name
 * must be localhost: nothing may make the prober ask a real resolver.
 */
export function checkServerHost(host: string, scope: AddressScope): HostCheck {
  const target = hostTarget(host);
  if (target.kind === 'address')
    return { kind: 'address', address: target.address, allowed: addressAllowed(target.address, scope) };
  const nameClass = classifyDomain(target.name);
  const allowed =
    scope === ADDRESS_SCOPES.loopback
      ? nameClass === 'loopback'
      : nameClass === 'public' || (scope === ADDRESS_SCOPES.private && !NEVER.has(nameClass));
  return { kind: 'name', name: target.name, allowed };
}
