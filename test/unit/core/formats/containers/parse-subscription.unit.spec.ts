import { describe, expect, it } from 'vitest';
import { detectBody } from '../../../../../services/core/formats/containers/detect-container.ts';
import { parseSubscription } from '../../../../../services/core/formats/parse-subscription.ts';
import { HOST, IP, UUID } from './fixtures.ts';

const TROJAN = `trojan://secret@${HOST}:443?sni=${HOST}#t1`;
const VLESS = `vless://${UUID}@${IP}:8443?security=tls&type=ws&path=%2Fws&host=${HOST}&sni=${HOST}#v1`;
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

describe('container detection', () => {
  it.each([
    ['', 'empty'],
    [' \r\n\t\n', 'empty'],
    ['<!DOCTYPE html><html><body>Just a moment...</body></html>', 'html'],
    ['  <html lang="en">', 'html'],
    ['{"outbounds": []}', 'json'],
    ['[{"type": "trojan"}]', 'json'],
    ['port: 7890\nproxies:\n  - {name: a}\n', 'yaml'],
    ['---\nProxy:\n- name: a\n', 'yaml'],
    ['[general]\nx=1\n[server_local]\ntrojan = a:1, password=p\n', 'quantumult-x'],
    ['[General]\nloglevel = notify\n[Proxy]\nA = ss, a, 1\n', 'surge'],
    [`${TROJAN}\n${VLESS}\n`, 'uri-list'],
    [`//profile-title: x\n\n${TROJAN}`, 'uri-list'],
    [b64(`${TROJAN}\n${VLESS}`), 'base64'],
    ['just some words here', 'unknown'],
  ])('detects %j as %s', (body, kind) => {
    expect(detectBody(body)).toBe(kind);
  });
});

describe('parseSubscription', () => {
  it('reads a plain list with CRLF, lone CR, blank lines, comments and hiddify metadata lines', () => {
    const body = [
      '//profile-title: base64:8J+RvUFub255bW91cy3wnZWP',
      '//profile-update-interval: 1',
      '//subscription-userinfo: upload=0; download=0; total=10737418240000000; expire=2546249531',
      '//support-url: https://t.me/BXAMbot',
      '//profile-web-page-url: https://github.com/4n0nymou3',
      '',
      '# a plain comment',
      TROJAN,
      '',
      VLESS,
    ].join('\r\n');
    const r = parseSubscription(body.replace(`\r\n${VLESS}`, `\r${VLESS}`));
    expect(r.container).toBe('uri-list');
    expect(r.configs.map((p) => p.origin)).toEqual([
      { line: 8, from: 'trojan' },
      { line: 10, from: 'vless' },
    ]);
    expect(r.metadata).toEqual({
      profileTitle: '👽Anonymous-𝕏',
      updateIntervalHours: 1,
      userinfo: { upload: 0, download: 0, total: 10737418240000000, expire: 2546249531 },
      supportUrl: 'https://t.me/BXAMbot',
      webPageUrl: 'https://github.com/4n0nymou3',
    });
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['METADATA_LINE', 1],
      ['METADATA_LINE', 2],
      ['METADATA_LINE', 3],
      ['METADATA_LINE', 4],
      ['METADATA_LINE', 5],
      ['COMMENT_LINE', 7],
    ]);
  });

  it('reads the CFW first-line userinfo comment with floats and no spaces', () => {
    const r = parseSubscription(`# upload=1.5E+3;download=20;total=1.0737407502582E+15;expire=\n${TROJAN}`);
    expect(r.metadata.userinfo).toEqual({ upload: 1500, download: 20, total: 1073740750258200 });
  });

  it('counts garbage lines and keeps the good links around them (V56)', () => {
    const r = parseSubscription([TROJAN, '---@Ho3ein_ezd', '---@Ho3ein_ezd#🇳🇱 267 - NL', VLESS].join('\n'));
    expect(r.configs).toHaveLength(2);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([
      ['GARBAGE_LINE', 'error', 2],
      ['GARBAGE_LINE', 'error', 3],
    ]);
  });

  it('skips unknown schemes and hiddify detour chains with a diagnostic naming the scheme (V57)', () => {
    const r = parseSubscription(
      [
        'psiphon://auto/?region=AT#Psiphon_🇦🇹',
        'socks://#Anonymous -> dnstt://?tunnel_per_resolver=4&resolver=auto&domain=rent.snapp.autos',
        TROJAN,
      ].join('\n'),
    );
    expect(r.configs).toHaveLength(1);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.scheme])).toEqual([
      ['UNKNOWN_SCHEME', 1, 'psiphon'],
      ['UNSUPPORTED_ENTRY', 2, 'socks'],
    ]);
  });

  it('splits links glued on one line and warns once for the line (V30)', () => {
    const glued = `trojan://a1@${HOST}:443?sni=${HOST}#@V2rayNG3trojan://a2@${IP}:1935?security=tls#@V2rayNG3trojan://a3@${IP}:80?security=none#x`;
    const r = parseSubscription(`${glued}\n${VLESS}`);
    expect(
      r.configs.map((p) => [
        p.origin.line,
        (p.config as { password?: string }).password ?? p.config.protocol,
      ]),
    ).toEqual([
      [1, 'a1'],
      [1, 'a2'],
      [1, 'a3'],
      [2, 'vless'],
    ]);
    expect(r.diagnostics.filter((d) => d.code === 'GLUED_LINKS')).toMatchObject([
      { severity: 'warning', line: 1, scheme: 'trojan' },
    ]);
  });

  it('decodes base64 bodies: std or url-safe, padded or not, MIME-wrapped with CRLF, nested once', () => {
    const list = `${TROJAN}\n${VLESS}\n`;
    const std = b64(list);
    const urlSafe = Buffer.from(list).toString('base64url');
    const wrapped = (std.match(/.{1,76}/g) ?? []).join('\r\n');
    for (const body of [std, std.replace(/=+$/, ''), urlSafe, wrapped, b64(std)]) {
      const r = parseSubscription(body);
      expect(r.container).toBe('base64');
      expect(r.configs.map((p) => p.config.protocol)).toEqual(['trojan', 'vless']);
    }
  });

  it('reports base64 that decodes to nothing readable as UNKNOWN_CONTAINER', () => {
    const r = parseSubscription(Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x90, 0xa0]).toString('base64'));
    expect(r.container).toBe('unknown');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['UNKNOWN_CONTAINER']);
  });

  it('recognises empty bodies, HTML pages and bodies of unknown shape, never as configs', () => {
    expect(parseSubscription('')).toMatchObject({
      container: 'empty',
      configs: [],
      diagnostics: [{ code: 'EMPTY_BODY' }],
    });
    expect(parseSubscription('\uFEFF  \n')).toMatchObject({
      container: 'empty',
      diagnostics: [{ code: 'EMPTY_BODY' }],
    });
    expect(parseSubscription('<!doctype html><title>404</title>')).toMatchObject({
      container: 'html',
      configs: [],
      diagnostics: [{ code: 'HTML_BODY' }],
    });
    expect(parseSubscription('hello world, no proxies')).toMatchObject({
      container: 'unknown',
      diagnostics: [{ code: 'UNKNOWN_CONTAINER' }],
    });
    expect(parseSubscription('{"a": 1}')).toMatchObject({
      container: 'unknown',
      diagnostics: [{ code: 'UNKNOWN_CONTAINER' }],
    });
    expect(parseSubscription('{"outbounds": [')).toMatchObject({
      container: 'unknown',
      diagnostics: [{ code: 'INVALID_JSON' }],
    });
  });

  it('strips a UTF-8 BOM from byte and string bodies', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(`${TROJAN}\n`)]);
    expect(parseSubscription(bytes).configs).toHaveLength(1);
    expect(parseSubscription(`\uFEFF${TROJAN}`).configs).toHaveLength(1);
    expect(parseSubscription(`\uFEFF${b64(TROJAN)}`).configs).toHaveLength(1);
  });

  it('refuses a body larger than maxBytes with BODY_TOO_LARGE and reads nothing', () => {
    const r = parseSubscription(`${TROJAN}\n`.repeat(10), { maxBytes: 100 });
    expect(r).toMatchObject({ container: 'unknown', configs: [], diagnostics: [{ code: 'BODY_TOO_LARGE' }] });
    expect(
      parseSubscription(new TextEncoder().encode(`${TROJAN}\n`.repeat(10)), { maxBytes: 100 }).diagnostics[0]
        ?.code,
    ).toBe('BODY_TOO_LARGE');
  });

  it('stops at maxEntries and says so, keeping what was read', () => {
    const r = parseSubscription(`${TROJAN}\n`.repeat(5), { maxEntries: 3 });
    expect(r.configs).toHaveLength(3);
    expect(r.diagnostics).toMatchObject([{ code: 'BODY_TOO_LARGE', line: 4 }]);
  });

  it('rejects overlong lines with LINE_TOO_LONG without reading them', () => {
    const r = parseSubscription(`${TROJAN}\ntrojan://${'a'.repeat(200)}@${HOST}:443\n`, {
      maxLineLength: 150,
    });
    expect(r.configs).toHaveLength(1);
    expect(r.diagnostics).toMatchObject([{ code: 'LINE_TOO_LONG', line: 2 }]);
  });

  it('reads Quantumult X and Surge proxy lines pasted into a plain list', () => {
    const r = parseSubscription(
      [
        TROJAN,
        `trojan = ${HOST}:443, password=p, over-tls=true, tag=qx`,
        `sg = trojan, ${HOST}, 443, password=p`,
      ].join('\n'),
    );
    expect(r.container).toBe('uri-list');
    expect(r.configs.map((p) => p.origin.from)).toEqual(['trojan', 'quantumult-x:trojan', 'surge:trojan']);
  });

  it('refuses JSON nested deeper than maxDepth with INVALID_JSON', () => {
    const r = parseSubscription(`{"outbounds": ${'['.repeat(100)}${']'.repeat(100)}}`);
    expect(r).toMatchObject({ container: 'unknown', configs: [], diagnostics: [{ code: 'INVALID_JSON' }] });
  });

  it('never throws on hostile input', () => {
    for (const body of [
      '\u0000'.repeat(100),
      '{'.repeat(10000),
      `proxies: ${'{'.repeat(10000)}`,
      '[Proxy]\n= , ,',
      'vmess://',
      '://',
      '=====',
    ]) {
      expect(() => parseSubscription(body)).not.toThrow();
    }
  });
});
