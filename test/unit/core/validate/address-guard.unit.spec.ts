import { describe, expect, it } from 'vitest';
import { classifyHost } from '../../../../services/core/validate/address-guard.ts';
import { normaliseHost } from '../../../../services/core/validate/host.ts';

function cls(host: string): string {
  const h = normaliseHost(host);
  if (h === undefined) throw new Error(`not a host: ${host}`);
  return classifyHost(h);
}

describe('address guard classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['localhost', 'loopback'],
    ['foo.localhost', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12::1', 'private'],
    ['printer.local', 'private'],
    ['masir_sefid', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['metadata.google.internal', 'metadata'],
    ['0.0.0.0', 'unusable'],
    ['::', 'unusable'],
    ['224.0.0.1', 'unusable'],
    ['255.255.255.255', 'unusable'],
    ['ff02::1', 'unusable'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:0a00:0001::1', 'private'],
  ])('classifies %s as %s', (host, expected) => {
    expect(cls(host)).toBe(expected);
  });

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1',
    '::ffff:5b63:9012',
    'example.com',
    'de5.taskflowhub.org',
  ])('classifies %s as public', (host) => {
    expect(cls(host)).toBe('public');
  });
});
