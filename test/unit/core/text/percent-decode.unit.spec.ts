import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksPercentEncoded, percentDecode } from '../../../../services/core/text/percent-decode.ts';

describe('percentDecode', () => {
  it('returns text without escapes unchanged', () => {
    expect(percentDecode('plain text+more')).toBe('plain text+more');
  });

  it('decodes UTF-8 escapes and never turns + into a space', () => {
    expect(percentDecode('%F0%9F%87%BA%F0%9F%87%B8%20US+x%2B')).toBe('🇺🇸 US+x+');
  });

  it('keeps a truncated escape literally instead of throwing', () => {
    expect(percentDecode('%E8%8B%B1%E5%9B%BD-21.7MB%2')).toBe('英国-21.7MB%2');
  });

  it('keeps non-hex escapes and stray percent signs literally', () => {
    expect(percentDecode('100% fast %ZZ %4')).toBe('100% fast %ZZ %4');
  });

  it('keeps bytes that are not UTF-8 as their escapes and decodes the rest', () => {
    expect(percentDecode('%E8%8B%41%20ok%C3')).toBe('%E8%8BA ok%C3');
    expect(percentDecode('%C0%AF')).toBe('%C0%AF');
  });

  it('never throws and is the identity on text without %', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const out = percentDecode(s);
        if (!s.includes('%')) expect(out).toBe(s);
      }),
    );
  });

  it('inverts encodeURIComponent for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(percentDecode(encodeURIComponent(s))).toBe(s);
      }),
    );
  });
});

describe('looksPercentEncoded', () => {
  it('spots delimiters hidden by a second encoding pass', () => {
    expect(looksPercentEncoded('%2Fapi')).toBe(true);
    expect(looksPercentEncoded('x%3fed%3D2048')).toBe(true);
    expect(looksPercentEncoded('100%')).toBe(false);
    expect(looksPercentEncoded('%F0%9F')).toBe(false);
  });
});
