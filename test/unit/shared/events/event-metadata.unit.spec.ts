import { hash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  derivedMetadata,
  nameBasedUuid,
  originMetadata,
} from '../../../../services/shared/events/event-metadata.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const deps = { now: () => 1_000, newId: () => '11111111-1111-4111-8111-111111111111' };

describe('event metadata', () => {
  it('starts a new causal chain for an origin event', () => {
    expect(originMetadata({ producer: 'fetcher/a' }, deps)).toEqual({
      eventId: '11111111-1111-4111-8111-111111111111',
      eventTime: 1_000,
      producer: 'fetcher/a',
      correlationId: '11111111-1111-4111-8111-111111111111',
      causationId: null,
    });
  });

  it('joins an existing chain and keeps an explicit event time', () => {
    const meta = originMetadata({ producer: 'catalog/a', correlationId: 'req-7', eventTime: 5 }, deps);
    expect(meta).toMatchObject({ correlationId: 'req-7', eventTime: 5, causationId: null });
  });

  it('derives an event caused by another, in the same chain, at the time of the cause', () => {
    const cause = originMetadata({ producer: 'fetcher/a' }, deps);
    const derived = derivedMetadata(cause, {
      producer: 'parser/b',
      discriminator: 'configs.observed.v1/fp1',
    });
    expect(derived).toMatchObject({
      eventTime: cause.eventTime,
      producer: 'parser/b',
      correlationId: cause.correlationId,
      causationId: cause.eventId,
    });
    expect(derived.eventId).toMatch(UUID);
  });

  it('gives the same derived id when the same input is processed again, and distinct ids per output', () => {
    const cause = originMetadata({ producer: 'fetcher/a' }, deps);
    const a = derivedMetadata(cause, { producer: 'parser', discriminator: 'fp1' });
    const again = derivedMetadata(cause, { producer: 'parser', discriminator: 'fp1' });
    const other = derivedMetadata(cause, { producer: 'parser', discriminator: 'fp2' });
    expect(again.eventId).toBe(a.eventId);
    expect(other.eventId).not.toBe(a.eventId);
  });

  it('builds well-formed version 8 UUIDs from names', () => {
    for (const name of ['', 'a', 'x'.repeat(10_000)]) expect(nameBasedUuid(name)).toMatch(UUID);
    expect(nameBasedUuid('a')[14]).toBe('8');
  });

  it('keeps every derived id of earlier releases: the digest bytes with version and variant bits set', () => {
    // The byte-level definition the ids were first computed with; a replay must reproduce them.
    const reference = (name: string): string => {
      const bytes = hash('sha256', name, 'buffer').subarray(0, 16);
      bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
      bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
      const hex = bytes.toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    };
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (name) => {
        expect(nameBasedUuid(name)).toBe(reference(name));
      }),
      { numRuns: 2000 },
    );
    for (let i = 0; i < 256; i += 1) expect(nameBasedUuid(`n${i}`)).toBe(reference(`n${i}`));
  });
});
