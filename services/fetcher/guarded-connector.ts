import type { LookupAddress, LookupOptions } from 'node:dns';
import { performance } from 'node:perf_hooks';
import { buildConnector } from 'undici';
import { checkResolved } from '../core/fetching/address-guard.ts';
import type { AddressPolicy } from '../core/fetching/address-guard.ts';
import { FETCH_ERROR_CODES } from '../core/fetching/fetch-failure.ts';
import { fetchError } from './fetch-error.ts';
import type { Resolver } from './resolver.ts';

/** What the connection layer saw during one attempt; the last connection made wins. */
export interface ConnectionFacts {
  dnsMs: number | null;
  connectMs: number | null;
  remoteAddress: string | null;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * The `lookup` every socket of an attempt uses. The address guard judges exactly the
 * addresses the socket is then handed, inside the connect itself: there is no second
 * resolution between check and use, so a name that answers "public" to a first query and
 * "127.0.0.1" to the next (DNS rebinding) cannot slip through.
 */
export function guardedLookup(
  resolver: Resolver,
  policy: AddressPolicy,
  facts: ConnectionFacts,
): (hostname: string, options: LookupOptions, callback: LookupCallback) => void {
  return (hostname, options, callback) => {
    const started = performance.now();
    resolver.resolve(hostname).then(
      (resolved) => {
        facts.dnsMs = performance.now() - started;
        const wanted =
          options.family === 4 || options.family === 6
            ? resolved.filter((a) => a.family === options.family)
            : resolved;
        if (wanted.length === 0) {
          callback(fetchError(FETCH_ERROR_CODES.noAddress, `${hostname} resolved to no usable address`), '');
          return;
        }
        const verdict = checkResolved(
          wanted.map((a) => a.address),
          policy,
        );
        if (!verdict.allowed) {
          callback(
            fetchError(
              FETCH_ERROR_CODES.addressBlocked,
              `${hostname} resolves to ${verdict.subject} (${verdict.addressClass}); refused by the address guard`,
            ),
            '',
          );
          return;
        }
        const first = wanted[0];
        if (options.all === true)
          callback(
            null,
            wanted.map((a) => ({ address: a.address, family: a.family })),
          );
        else if (first !== undefined) callback(null, first.address, first.family);
      },
      (error: unknown) => {
        facts.dnsMs = performance.now() - started;
        callback(error as NodeJS.ErrnoException, '');
      },
    );
  };
}

/**
 * undici's connector with the guarded lookup, timing each connection. `connectMs` is the TCP
 * (and TLS) part only: the connector's span minus the lookup inside it.
 */
export function guardedConnector({
  resolver,
  policy,
  facts,
  connectTimeoutMs,
}: {
  readonly resolver: Resolver;
  readonly policy: AddressPolicy;
  readonly facts: ConnectionFacts;
  readonly connectTimeoutMs: number;
}): buildConnector.connector {
  const base = buildConnector({ timeout: connectTimeoutMs, lookup: guardedLookup(resolver, policy, facts) });
  return (options, callback) => {
    const started = performance.now();
    facts.dnsMs = null;
    base(options, (...args) => {
      const [error, socket] = args;
      if (error === null) {
        facts.connectMs = Math.max(0, performance.now() - started - (facts.dnsMs ?? 0));
        facts.remoteAddress = socket.remoteAddress ?? null;
      }
      callback(...args);
    });
  };
}
