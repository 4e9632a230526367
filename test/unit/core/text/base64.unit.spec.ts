import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64ByteLength,
  decodeBase64,
  decodeBase64Text,
  isStrictBase64,
  toStandardBase64,
  toUrlSafeBase64,
} from '../../../../services/core/text/base64.ts';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

describe('decodeBase64Text', () => {
  it('decodes standard padded base64', () => {
    expect(decodeBase64Text(b64('method:pass@host:1'))).toEqual({
      text: 'method:pass@host:1',
      junkCut: false,
    });
  });

  it('decodes url-safe and unpadded base64', () => {
    const text = 'a?>b~~~?';
    const urlSafe = Buffer.from(text).toString('base64url');
    expect(urlSafe).toMatch(/[-_]/);
    expect(decodeBase64Text(urlSafe)?.text).toBe(text);
    expect(decodeBase64Text(b64('abcd').replace(/=+$/, ''))?.text).toBe('abcd');
  });

  it('ignores whitespace, CR and LF inside the payload', () => {
    const wrapped = b64('{\r\n  "v": "2"\r\n}').replace(/(.{4})/g, '$1\r\n ');
    expect(decodeBase64Text(wrapped)?.text).toBe('{\r\n  "v": "2"\r\n}');
  });

  it('cuts junk after the payload and says so', () => {
    expect(decodeBase64Text(`${b64('{"a":1}')}\u200f⬅️`)).toEqual({ text: '{"a":1}', junkCut: true });
  });

  it('accepts %3D padding', () => {
    expect(decodeBase64Text('Og%3D%3D')?.text).toBe(':');
  });

  it('rejects payloads that are not UTF-8 or cannot be base64', () => {
    expect(decodeBase64Text(Buffer.from([0xff, 0xfe, 0x80]).toString('base64'))).toBeUndefined();
    expect(decodeBase64Text('A')).toBeUndefined();
    expect(decodeBase64Text('')).toBeUndefined();
  });

  it('round-trips any UTF-8 text in either alphabet, padded or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), fc.boolean(), (s, urlSafe) => {
        const enc = Buffer.from(s, 'utf8').toString(urlSafe ? 'base64url' : 'base64');
        expect(decodeBase64Text(enc)?.text).toBe(s);
      }),
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        decodeBase64Text(s);
      }),
    );
  });
});

describe('strict base64 helpers', () => {
  it('measures decoded key lengths', () => {
    expect(base64ByteLength('bmXOC+F1FxEMF9dyiK2H5/1SUtzH0JuVo51h2wPfgyo=')).toBe(32);
    expect(base64ByteLength('OCRYYq4e92sQ-wWFRX6WX9pdvuFBWOqybLhpSiv3nFA')).toBe(32);
    expect(base64ByteLength('not base64!')).toBe(-1);
  });

  it('converts between the two alphabets', () => {
    expect(toUrlSafeBase64('OCRYYq4e92sQ+wWFRX6WX9pdvuFBWOqybLhpSiv3nFA=')).toBe(
      'OCRYYq4e92sQ-wWFRX6WX9pdvuFBWOqybLhpSiv3nFA',
    );
    expect(toStandardBase64('bmXOC-F1FxEMF9dyiK2H5_1SUtzH0JuVo51h2wPfgyo')).toBe(
      'bmXOC+F1FxEMF9dyiK2H5/1SUtzH0JuVo51h2wPfgyo=',
    );
    expect(isStrictBase64('ab=c')).toBe(false);
    expect([...(decodeBase64('AAAA')?.bytes ?? [])]).toEqual([0, 0, 0]);
  });
});
