import { describe, expect, it } from 'vitest';
import { convert, summaryLine } from '../../../services/cli/convert.ts';
import { emitUri } from '../../../services/core/emit/uri.ts';
import { SAMPLE_CONFIGS as S } from '../core/emit/sample-configs.ts';

const links = emitUri([S.vlessRealityVision, S.ssAead, S.naive, S.ssr]).output;

describe('convert', () => {
  it('parses, emits and reports the read -> unique -> emitted funnel with per-protocol counts', () => {
    const { output, report, readAnything } = convert([{ source: 'a.txt', body: links }], { to: 'clash' });
    expect(readAnything).toBe(true);
    expect(output).toContain('proxies:');
    expect(report).toMatchObject({
      target: 'clash',
      dedupe: null,
      inputs: 1,
      configs: 4,
      unique: 4,
      emitted: 3,
      byProtocol: { vless: 1, shadowsocks: 1, naive: 1, shadowsocksr: 1 },
      emittedByProtocol: { vless: 1, shadowsocks: 1, shadowsocksr: 1 },
      sources: [{ source: 'a.txt', container: 'uri-list', configs: 4 }],
    });
  });

  it('lists each left-out config with its fingerprint and code', () => {
    const { report } = convert([{ source: 'a.txt', body: links }], { to: 'sip008' });
    expect(report.emitted).toBe(1);
    expect(report.incompatible).toHaveLength(3);
    for (const i of report.incompatible) {
      expect(i.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(i.code).toBe('UNSUPPORTED_PROTOCOL');
    }
  });

  it('folds the same node from two inputs when asked to dedupe, and keeps both otherwise', () => {
    const inputs = [
      { source: 'a.txt', body: links },
      { source: 'b.txt', body: emitUri([{ ...S.ssAead, name: 'renamed' }]).output },
    ];
    expect(convert(inputs, { to: 'uri' }).report).toMatchObject({ inputs: 2, configs: 5, unique: 5 });
    expect(convert(inputs, { to: 'uri', dedupe: 'credential' }).report).toMatchObject({
      configs: 5,
      unique: 4,
      dedupe: 'credential',
    });
  });

  it('reports diagnostics with source, code, line and message, and reads nothing from an HTML page', () => {
    const { report, readAnything } = convert(
      [{ source: 'page.html', body: '<!DOCTYPE html><html></html>' }],
      { to: 'uri' },
    );
    expect(readAnything).toBe(false);
    expect(report.diagnostics[0]).toMatchObject({
      source: 'page.html',
      code: 'HTML_BODY',
      severity: 'error',
    });
    expect(report.diagnostics[0]).toHaveProperty('line');
    expect(report.diagnostics[0]).toHaveProperty('message');
  });

  it('counts an unreadable input as a source with its error and no document', () => {
    const { report, readAnything } = convert(
      [
        { source: 'gone.txt', readError: 'ENOENT' },
        { source: 'a.txt', body: links },
      ],
      { to: 'uri' },
    );
    expect(readAnything).toBe(true);
    expect(report.inputs).toBe(1);
    expect(report.sources[0]).toEqual({ source: 'gone.txt', configs: 0, readError: 'ENOENT' });
  });

  it('passes the target build options to the sing-box emitter', () => {
    const body = emitUri([S.wireguard]).output;
    expect(convert([{ source: 'w', body }], { to: 'sing-box' }).report.emitted).toBe(1);
    expect(
      convert([{ source: 'w', body }], { to: 'sing-box', singBox: { wireguard: false } }).report.emitted,
    ).toBe(0);
  });

  it('summarises the run in one line', () => {
    const { report } = convert([{ source: 'a.txt', body: links }], { to: 'sing-box', dedupe: 'endpoint' });
    expect(summaryLine(report)).toBe(
      'submerge: read 4 configs from 1 input, 4 after endpoint dedupe, emitted 2 as sing-box, 2 left out as incompatible, 0 input errors',
    );
  });
});
