import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { guardedLookup } from '../../../services/fetcher/guarded-connector.ts';
import type { ConnectionFacts } from '../../../services/fetcher/guarded-connector.ts';
import type { Resolver } from '../../../services/fetcher/resolver.ts';
import { staticResolver } from '../../../services/fetcher/resolver.ts';

const strict = { allowPrivateAddresses: false };

interface Answer {
  readonly error: NodeJS.ErrnoException | null;
  readonly address: string | LookupAddress[];
  readonly family: number | undefined;
}

/** Runs the lookup as the socket layer would and returns what the socket would be handed. */
function lookup(
  resolver: Resolver,
  hostname: string,
  options: { all?: boolean; family?: number } = {},
): Promise<Answer> {
  const facts: ConnectionFacts = { dnsMs: null, connectMs: null, remoteAddress: null };
  return new Promise((resolve) => {
    guardedLookup(resolver, strict, facts)(hostname, options, (error, address, family) =>
      resolve({ error, address, family }),
    );
  });
}

/** A rebinding name: public on the first question, loopback on every later one. */
function rebinding(): Resolver & { calls: number } {
  const state = {
    calls: 0,
    resolve(_hostname: string) {
      state.calls += 1;
      return Promise.resolve([
        { address: state.calls === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 as const },
      ]);
    },
  };
  return state;
}

describe('guarded lookup', () => {
  it('hands the socket exactly the addresses it checked, asking DNS once per connection', async () => {
    const resolver = rebinding();
    const first = await lookup(resolver, 'rebind.example');
    expect(first).toMatchObject({ error: null, address: '93.184.216.34', family: 4 });
    expect(resolver.calls).toBe(1);
    // The next connection asks again, and this time the answer is judged, not trusted.
    const second = await lookup(resolver, 'rebind.example');
    expect(second.error?.code).toBe('ADDRESS_BLOCKED');
    expect(resolver.calls).toBe(2);
  });

  it('refuses a name when any address it resolves to is private', async () => {
    const answer = await lookup(
      staticResolver({ 'split.example': ['93.184.216.34', '10.0.0.1'] }),
      'split.example',
      {
        all: true,
      },
    );
    expect(answer.error?.code).toBe('ADDRESS_BLOCKED');
    expect(answer.error?.message).toContain('10.0.0.1 (private)');
  });

  it('answers the happy-eyeballs form with every checked address', async () => {
    const answer = await lookup(
      staticResolver({ 'dual.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'] }),
      'dual.example',
      { all: true },
    );
    expect(answer).toEqual({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
      ],
      family: undefined,
    });
  });

  it('keeps only the family asked for, and says so when none is left', async () => {
    const resolver = staticResolver({ 'v4only.example': ['93.184.216.34'] });
    expect((await lookup(resolver, 'v4only.example', { family: 4 })).address).toBe('93.184.216.34');
    expect((await lookup(resolver, 'v4only.example', { family: 6 })).error?.code).toBe('DNS_NO_ADDRESS');
  });

  it('passes resolver failures through with their code', async () => {
    expect((await lookup(staticResolver({}), 'nowhere.example')).error?.code).toBe('ENOTFOUND');
  });
});
