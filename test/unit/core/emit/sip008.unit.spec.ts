import { describe, expect, it } from 'vitest';
import { emitSip008 } from '../../../../services/core/emit/sip008.ts';
import { ALL_SAMPLES, SAMPLE_CONFIGS as S } from './sample-configs.ts';

interface Sip008 {
  version: number;
  servers: Record<string, unknown>[];
}

describe('emitSip008', () => {
  it('writes SIP008 servers for shadowsocks with SIP003 plugin options', () => {
    const doc = JSON.parse(emitSip008([S.ssObfs]).output) as Sip008;
    expect(doc.version).toBe(1);
    expect(doc.servers[0]).toEqual({
      id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ) as string,
      remarks: 'ss obfs',
      server: '38.54.1.1',
      server_port: 443,
      password: 'pa;ss=word',
      method: 'aes-256-gcm',
      plugin: 'obfs-local',
      plugin_opts: 'obfs=http;obfs-host=www.bing.com',
    });
  });

  it('gives a server the same id on every run and a different server a different id', () => {
    const a = JSON.parse(emitSip008([S.ssAead, S.ssObfs]).output) as Sip008;
    const b = JSON.parse(emitSip008([S.ssAead, S.ssObfs]).output) as Sip008;
    expect(a.servers.map((s) => s['id'])).toEqual(b.servers.map((s) => s['id']));
    expect(a.servers[0]?.['id']).not.toBe(a.servers[1]?.['id']);
  });

  it('leaves every non-shadowsocks config out as UNSUPPORTED_PROTOCOL', () => {
    const result = emitSip008(ALL_SAMPLES);
    const ss = ALL_SAMPLES.filter((c) => c.protocol === 'shadowsocks').length;
    expect(result.emitted).toBe(ss);
    expect(result.incompatible).toHaveLength(ALL_SAMPLES.length - ss);
    expect(new Set(result.incompatible.map((i) => i.code))).toEqual(new Set(['UNSUPPORTED_PROTOCOL']));
  });
});
