import { describe, expect, it } from 'vitest';
import {
  checkAddress,
  checkHost,
  checkResolved,
  hostTarget,
} from '../../../../services/core/fetching/address-guard.ts';

const strict = { allowPrivateAddresses: false };
const local = { allowPrivateAddresses: true };
const hostOf = (url: string) => new URL(url).hostname;

describe('address guard', () => {
  it('lets public addresses and names through', () => {
    expect(checkAddress('1.1.1.1', strict)).toEqual({ allowed: true });
    expect(checkAddress('2606:4700:4700::1111', strict)).toEqual({ allowed: true });
    expect(checkHost('raw.githubusercontent.com', strict)).toEqual({ allowed: true });
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.10.10', 'link-local'],
    ['fe80::1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['0.0.0.0', 'unusable'],
    ['::', 'unusable'],
    ['224.0.0.1', 'unusable'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['64:ff9b::a00:1', 'private'],
  ])('refuses %s (%s) by default', (address, addressClass) => {
    expect(checkAddress(address, strict)).toEqual({ allowed: false, addressClass, subject: address });
  });

  it('judges URL literals the way the URL parser normalises them', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://0x7f.1/',
      'http://2130706433/',
      'http://017700000001/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[0:0:0:0:0:ffff:7f00:1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/',
    ]) {
      expect(checkHost(hostOf(url), strict).allowed, url).toBe(false);
    }
  });

  it('refuses names that can only be local before any lookup', () => {
    for (const name of [
      'localhost',
      'LOCALHOST.',
      'api.localhost',
      'metadata.google.internal',
      'intranet',
      'nas.local',
    ]) {
      expect(checkHost(name, strict).allowed, name).toBe(false);
    }
  });

  it('refuses a name when any of its addresses is refused', () => {
    expect(checkResolved(['93.184.216.34', '10.0.0.5'], strict)).toEqual({
      allowed: false,
      addressClass: 'private',
      subject: '10.0.0.5',
    });
    expect(checkResolved(['93.184.216.34', '2606:2800:220:1::1'], strict)).toEqual({ allowed: true });
  });

  it('fails closed on anything that is not a plain address', () => {
    expect(checkAddress('fe80::1%eth0', strict).allowed).toBe(false);
    expect(checkAddress('not-an-ip', local).allowed).toBe(false);
  });

  it('lets a local catalog reach loopback and private networks, but never metadata endpoints', () => {
    expect(checkAddress('127.0.0.1', local)).toEqual({ allowed: true });
    expect(checkAddress('::1', local)).toEqual({ allowed: true });
    expect(checkAddress('10.0.0.5', local)).toEqual({ allowed: true });
    expect(checkHost('localhost', local)).toEqual({ allowed: true });
    expect(checkAddress('169.254.169.254', local).allowed).toBe(false);
    expect(checkHost('metadata.google.internal', local).allowed).toBe(false);
    expect(checkAddress('0.0.0.0', local).allowed).toBe(false);
  });

  it('tells address literals from names', () => {
    expect(hostTarget('[::1]')).toEqual({ kind: 'address', address: '::1' });
    expect(hostTarget('10.0.0.1')).toEqual({ kind: 'address', address: '10.0.0.1' });
    expect(hostTarget('Example.COM.')).toEqual({ kind: 'name', name: 'example.com' });
  });
});
