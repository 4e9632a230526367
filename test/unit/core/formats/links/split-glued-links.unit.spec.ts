import { describe, expect, it } from 'vitest';
import { splitGluedLinks } from '../../../../../services/core/formats/links/split-glued-links.ts';

describe('splitGluedLinks', () => {
  it('returns an ordinary line unchanged', () => {
    const line = 'trojan://p@h.com:443?path=/https://t.me/x#name https://t.me/y';
    expect(splitGluedLinks(line)).toEqual([line]);
  });

  it('splits a link glued after a base64 body', () => {
    expect(splitGluedLinks('vmess://eyJhIjoxfQ==vless://id@h.com:1#n')).toEqual([
      'vmess://eyJhIjoxfQ==',
      'vless://id@h.com:1#n',
    ]);
  });

  it('splits inside a fragment, even right after letters (…#@V2rayNG3trojan://)', () => {
    expect(splitGluedLinks('trojan://a@h.com:1#@V2rayNG3trojan://b@g.com:2#x')).toEqual([
      'trojan://a@h.com:1#@V2rayNG3',
      'trojan://b@g.com:2#x',
    ]);
  });

  it('takes the longest scheme name (vless, not ss; hysteria2, not hysteria)', () => {
    expect(splitGluedLinks('ss://YWVzOnA=@h.com:1#a vless://id@h.com:1')).toEqual([
      'ss://YWVzOnA=@h.com:1#a',
      'vless://id@h.com:1',
    ]);
    expect(splitGluedLinks('vless://id@h.com:1#a hysteria2://p@h.com:2')).toEqual([
      'vless://id@h.com:1#a',
      'hysteria2://p@h.com:2',
    ]);
  });

  it('never splits at :// inside userinfo or the query', () => {
    const line = 'hysteria2://https://xship.2fa.cat@host.com:443?sni=ss://x';
    expect(splitGluedLinks(line)).toEqual([line]);
  });

  it('splits space- and pipe-separated lists', () => {
    expect(splitGluedLinks('vless://a@h.com:1 | trojan://b@g.com:2')).toEqual([
      'vless://a@h.com:1',
      'trojan://b@g.com:2',
    ]);
    expect(splitGluedLinks('ssr://AAAA ssr://BBBB')).toEqual(['ssr://AAAA', 'ssr://BBBB']);
  });

  it('keeps a hiddify detour chain (A -> B) together for parseLink to report', () => {
    const line = 'socks://#Anonymous -> dnstt://?domain=x';
    expect(splitGluedLinks(line)).toEqual([line]);
  });

  it('never splits at http(s):// so web addresses in names do not become proxies', () => {
    const line = 'vless://a@h.com:1#join https://t.me/channel';
    expect(splitGluedLinks(line)).toEqual([line]);
  });
});
