import { describe, expect, it } from 'vitest';
import { xhttpExtraOpts } from '../../../../services/core/emit/clash-xhttp.ts';

// An `extra` as published in the shared corpus (4n0nymou3, VLESS/XHTTP nodes).
const CORPUS_EXTRA = JSON.stringify({
  host: '',
  path: '/public/build/module-3ab1/',
  mode: '',
  headers: null,
  xPaddingBytes: '0',
  xPaddingObfsMode: true,
  xPaddingKey: 'hash',
  xPaddingHeader: 'X-Client-Version',
  xPaddingPlacement: 'queryInHeader',
  xPaddingMethod: 'tokenish',
  uplinkHTTPMethod: 'GET',
  sessionIDPlacement: 'header',
  sessionIDKey: 'X-Upload-Token',
  sessionIDTable: '',
  sessionIDLength: '0',
  seqPlacement: 'query',
  seqKey: 'chunk_id',
  uplinkChunkSize: 0,
  noGRPCHeader: false,
  noSSEHeader: false,
  scMaxEachPostBytes: '0',
  scMaxBufferedPosts: 0,
  serverMaxHeaderBytes: 0,
  xmux: {
    maxConcurrency: '12-24',
    maxConnections: '0',
    cMaxReuseTimes: '100',
    hMaxRequestTimes: '0',
    hMaxReusableSecs: '0',
    hKeepAlivePeriod: 0,
  },
  downloadSettings: null,
  extra: null,
});

describe('xhttpExtraOpts', () => {
  it('maps every client setting of a published extra to mihomo xhttp-opts keys, keeping false and empty defaults, leaving out zero ranges and server-only keys', () => {
    expect(xhttpExtraOpts(CORPUS_EXTRA)).toEqual({
      'x-padding-obfs-mode': true,
      'x-padding-key': 'hash',
      'x-padding-header': 'X-Client-Version',
      'x-padding-placement': 'queryInHeader',
      'x-padding-method': 'tokenish',
      'uplink-http-method': 'GET',
      'session-placement': 'header',
      'session-key': 'X-Upload-Token',
      'session-table': '',
      'seq-placement': 'query',
      'seq-key': 'chunk_id',
      'no-grpc-header': false,
      'reuse-settings': { 'max-concurrency': '12-24', 'c-max-reuse-times': '100' },
    });
  });

  it('writes a zero range as mihomo\'s default (left out), since mihomo reads "0" as a literal zero', () => {
    expect(
      xhttpExtraOpts(
        '{"scMaxEachPostBytes":0,"xPaddingBytes":"0","uplinkChunkSize":"0-0","scMinPostsIntervalMs":""}',
      ),
    ).toEqual({});
    expect(xhttpExtraOpts('{"scMaxEachPostBytes":1000000,"xPaddingBytes":"100-1000"}')).toEqual({
      'sc-max-each-post-bytes': 1000000,
      'x-padding-bytes': '100-1000',
    });
  });

  it('keeps a plain string setting that looks like a number or zero as text', () => {
    expect(xhttpExtraOpts('{"xPaddingKey":"0","seqKey":"123"}')).toEqual({
      'x-padding-key': '0',
      'seq-key': '123',
    });
  });

  it('treats a literal null extra as no extra', () => {
    expect(xhttpExtraOpts('null')).toEqual({});
  });

  it('refuses settings mihomo cannot carry instead of dropping them', () => {
    expect(xhttpExtraOpts('{"downloadSettings":{"address":"x"}}')).toMatchObject({
      code: 'UNSUPPORTED_TRANSPORT',
    });
    expect(xhttpExtraOpts('{"somethingNew":1}')).toMatchObject({ code: 'UNSUPPORTED_TRANSPORT' });
    expect(xhttpExtraOpts('{"xPaddingObfsMode":"yes"}')).toMatchObject({ code: 'UNREPRESENTABLE_VALUE' });
    expect(xhttpExtraOpts('{not json')).toMatchObject({ code: 'UNREPRESENTABLE_VALUE' });
  });
});
