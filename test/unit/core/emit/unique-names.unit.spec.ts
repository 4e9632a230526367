import { describe, expect, it } from 'vitest';
import { createNameAllocator, displayName, hostPort } from '../../../../services/core/emit/unique-names.ts';
import { SAMPLE_CONFIGS } from './sample-configs.ts';

describe('createNameAllocator', () => {
  it('keeps the first occurrence and suffixes later duplicates with -01, -02', () => {
    const names = createNameAllocator();
    expect(['a', 'a', 'a', 'b'].map((n) => names.take(n))).toEqual(['a', 'a-01', 'a-02', 'b']);
  });

  it('skips a suffix that another proxy already uses as its own name', () => {
    const names = createNameAllocator();
    expect(['a-01', 'a', 'a'].map((n) => names.take(n))).toEqual(['a-01', 'a', 'a-02']);
  });

  it('never hands out a reserved name', () => {
    const names = createNameAllocator(['DIRECT', 'PROXY']);
    expect(names.take('DIRECT')).toBe('DIRECT-01');
    expect(names.take('direct')).toBe('direct');
  });

  it('stays unique over thousands of equal names', () => {
    const names = createNameAllocator();
    const out = Array.from({ length: 5000 }, () => names.take('same'));
    expect(new Set(out).size).toBe(5000);
    expect(out[4999]).toBe('same-4999');
  });
});

describe('displayName', () => {
  it('synthesises protocol host:port for a config without a name, bracketing IPv6', () => {
    expect(displayName(SAMPLE_CONFIGS.httpPlain)).toBe('http 103.62.50.130:3128');
    expect(displayName({ ...SAMPLE_CONFIGS.ss2022MultiUser, name: '  ' })).toBe(
      'shadowsocks [2a0c:4ac1:8::1cb]:8388',
    );
  });

  it('brackets IPv6 literals in host:port', () => {
    expect(hostPort('2001:db8::1', 443)).toBe('[2001:db8::1]:443');
    expect(hostPort('example.com', 80)).toBe('example.com:80');
  });
});

describe('createNameAllocator with upcoming names', () => {
  it('lets a later proxy keep a published name that a generated suffix would otherwise take', () => {
    const wanted = ['a', 'a', 'a-01'];
    const names = createNameAllocator([], wanted);
    expect(wanted.map((n) => names.take(n))).toEqual(['a', 'a-02', 'a-01']);
  });
});
