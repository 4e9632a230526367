import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, cleanName } from '../../../../services/core/text/clean-name.ts';

describe('cleanName', () => {
  it('trims plain ASCII names without reporting a change', () => {
    expect(cleanName('  Delta-Kronecker ')).toEqual({
      name: 'Delta-Kronecker',
      stripped: false,
      truncated: false,
    });
  });

  it('strips control, bidi and BOM characters and reports it', () => {
    expect(cleanName('\u200eUS\u200f node\u0007\ufeff\u202e')).toEqual({
      name: 'US node',
      stripped: true,
      truncated: false,
    });
  });

  it('keeps emoji sequences (ZWJ) and Persian text (ZWNJ)', () => {
    expect(cleanName('🏳️‍🌈 می‌خواهم').name).toBe('🏳️‍🌈 می‌خواهم');
  });

  it('NFC-normalises', () => {
    expect(cleanName('Cafe\u0301').name).toBe('Café');
  });

  it('drops lone surrogates from broken JSON escapes', () => {
    expect(cleanName('A\ud83cB')).toEqual({ name: 'AB', stripped: true, truncated: false });
  });

  it('bounds the length without splitting a surrogate pair', () => {
    const long = `${'a'.repeat(MAX_NAME_LENGTH - 1)}🇺🇸`;
    const r = cleanName(long);
    expect(r.truncated).toBe(true);
    expect(r.name).toBe('a'.repeat(MAX_NAME_LENGTH - 1));
  });

  it('always yields well-formed, bounded, control-free text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const { name } = cleanName(s);
        expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
        expect(name.isWellFormed()).toBe(true);
        const forbidden = [...name].some((ch) => {
          const c = ch.codePointAt(0) ?? 0;
          return (
            c < 0x20 ||
            c === 0x7f ||
            c === 0x200e ||
            c === 0x200f ||
            (c >= 0x202a && c <= 0x202e) ||
            (c >= 0x2066 && c <= 0x2069) ||
            c === 0xfeff
          );
        });
        expect(forbidden).toBe(false);
      }),
    );
  });
});

describe('cleanName NFC fast path', () => {
  it('gives the same result as a full NFC normalisation for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const { name } = cleanName(s);
        expect(name).toBe(name.normalize('NFC'));
      }),
      { numRuns: 2000 },
    );
  });

  it('normalises combining marks next to characters of otherwise stable blocks', () => {
    expect(cleanName('\u0418\u0306 ж').name).toBe('\u0419 ж');
    expect(cleanName('\u1100\u1161').name).toBe('\uac00');
    expect(cleanName('\u2126').name).toBe('\u03a9');
  });
});
