import { describe, expect, it } from 'vitest';
import { connectionErrors, startFailure } from '../../../../services/core/probing/core-log.ts';

describe('connection errors in the sing-box log', () => {
  it('maps each error to the tag of the outbound it went through, latest wins', () => {
    const lines = [
      'INFO[0000] inbound/mixed[probe-in]: tcp server started at 127.0.0.1:4000',
      'ERROR[0000] [711010807 1ms] connection: open connection to localhost:21443 using outbound/shadowsocks[p3]: dial tcp 127.0.0.1:21099: connect: connection refused',
      'ERROR[0001] [618877830 16ms] connection: open connection to localhost:21443 using outbound/hysteria2[p7]: authentication failed, status code: 404',
      'ERROR[0002] [1 1ms] connection: open connection to localhost:21443 using outbound/shadowsocks[p3]: second error',
      'ERROR[0003] [2 1ms] connection: open connection to x:1 using endpoint/wireguard[p9]: handshake did not complete',
    ];
    expect(Object.fromEntries(connectionErrors(lines))).toEqual({
      p3: 'second error',
      p7: 'authentication failed, status code: 404',
      p9: 'handshake did not complete',
    });
  });

  it('ignores lines that name no outbound', () => {
    expect(connectionErrors(['ERROR[0000] router: something', 'garbage', ''])).toEqual(new Map());
  });
});

describe('why sing-box did not start', () => {
  it('names the refused outbound by index when it fails to initialize', () => {
    expect(startFailure('FATAL[0000] create service: initialize outbound[1]: invalid public_key\n')).toEqual({
      kind: 'entry',
      list: 'outbounds',
      index: 1,
      message: 'invalid public_key',
    });
  });

  it('names the refused outbound by index when its options do not decode', () => {
    expect(
      startFailure(
        'FATAL[0000] decode config at /tmp/x/config.json: outbounds[12].bogus: json: unknown field "bogus"',
      ),
    ).toMatchObject({ kind: 'entry', list: 'outbounds', index: 12 });
    expect(startFailure('FATAL[0000] create service: initialize endpoint[0]: bad peer')).toMatchObject({
      kind: 'entry',
      list: 'endpoints',
      index: 0,
    });
  });

  it('tells a port taken by someone else from everything else', () => {
    expect(
      startFailure(
        'FATAL[0000] start service: start inbound/mixed[probe-in]: listen tcp 127.0.0.1:21001: bind: address already in use',
      ),
    ).toMatchObject({ kind: 'port-in-use' });
    expect(startFailure('FATAL[0000] something else entirely')).toEqual({
      kind: 'other',
      message: 'FATAL[0000] something else entirely',
    });
  });
});
