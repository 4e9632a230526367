import { describe, expect, it } from 'vitest';
import { canonicalUuid, canonicalXrayId } from '../../../../services/core/identity/canonical-id.ts';

describe('canonicalXrayId', () => {
  it('maps a custom string id to the UUIDv5 Xray derives from it', () => {
    // Xray documents this pair: a client with the string reaches a server configured with the UUID.
    expect(canonicalXrayId('我爱🍉老师1314')).toBe('5783a3e7-e373-51cd-8642-c83782b807c5');
  });

  it('lower-cases UUIDs and accepts the undashed 32-hex form', () => {
    expect(canonicalXrayId('CA58B165-0F7D-49AA-9FAE-A017E8A0F884')).toBe(
      'ca58b165-0f7d-49aa-9fae-a017e8a0f884',
    );
    expect(canonicalXrayId('ca58b1650f7d49aa9faea017e8a0f884')).toBe('ca58b165-0f7d-49aa-9fae-a017e8a0f884');
  });

  it('keeps ids Xray would reject verbatim', () => {
    const long = 'x'.repeat(31);
    expect(canonicalXrayId(long)).toBe(long);
    expect(canonicalXrayId('')).toBe('');
  });

  it('recognises only well-formed UUIDs', () => {
    expect(canonicalUuid('ca58b165-0f7d-49aa-9fae-a017e8a0f88')).toBeUndefined();
    expect(canonicalUuid('ca58b165x0f7d-49aa-9fae-a017e8a0f884')).toBeUndefined();
    expect(canonicalUuid('ga58b1650f7d49aa9faea017e8a0f884')).toBeUndefined();
  });
});
