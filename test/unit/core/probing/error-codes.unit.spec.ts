import { describe, expect, it } from 'vitest';
import {
  CODE_OUTCOMES,
  connectFailure,
  coreFailure,
  dnsFailure,
  httpStatusFailure,
  PROBE_ERROR_CODES,
  proxyRequestFailure,
  tlsFailure,
  udpFailure,
} from '../../../../services/core/probing/error-codes.ts';
import { PROBE_OUTCOMES } from '../../../../services/core/probing/probe-result.ts';

describe('error-code table', () => {
  it('gives every code an outcome from the closed set, never ok', () => {
    const outcomes = new Set(Object.values(PROBE_OUTCOMES));
    for (const code of Object.values(PROBE_ERROR_CODES)) {
      expect(outcomes.has(CODE_OUTCOMES[code])).toBe(true);
      expect(CODE_OUTCOMES[code]).not.toBe('ok');
    }
  });

  it('keeps codes stable, upper snake case', () => {
    for (const code of Object.values(PROBE_ERROR_CODES)) expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
  });
});

describe('cheap-stage failures by Node error code', () => {
  it.each([
    ['ENOTFOUND', 'DNS_NOT_FOUND', 'dns-error'],
    ['ETIMEOUT', 'DNS_TIMEOUT', 'dns-error'],
    ['ESERVFAIL', 'DNS_FAILED', 'dns-error'],
  ])('lookup %s -> %s', (errno, code, outcome) => {
    expect(dnsFailure(errno, 'x')).toEqual({ code, outcome, detail: 'x' });
  });

  it.each([
    ['ECONNREFUSED', 'CONNECTION_REFUSED', 'refused'],
    ['TIMEOUT', 'CONNECT_TIMEOUT', 'timeout'],
    ['EHOSTUNREACH', 'HOST_UNREACHABLE', 'unreachable'],
    ['ENETUNREACH', 'NETWORK_UNREACHABLE', 'unreachable'],
    ['ECONNRESET', 'CONNECTION_RESET', 'refused'],
    [undefined, 'CONNECT_FAILED', 'unreachable'],
  ])('connect %s -> %s', (errno, code, outcome) => {
    expect(connectFailure(errno, 'x')).toMatchObject({ code, outcome });
  });

  it.each([
    ['TIMEOUT', 'QUIC_NO_RESPONSE', 'timeout'],
    ['NOT_QUIC', 'QUIC_NOT_QUIC', 'proxy-error'],
    ['ECONNREFUSED', 'CONNECTION_REFUSED', 'refused'],
    ['EHOSTUNREACH', 'HOST_UNREACHABLE', 'unreachable'],
  ])('QUIC probe %s -> %s', (errno, code, outcome) => {
    expect(udpFailure(errno, 'x')).toEqual({ code, outcome, detail: 'x' });
  });

  it.each([
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS_CERT_NAME_MISMATCH'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS_CERT_UNTRUSTED'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'TLS_CERT_UNTRUSTED'],
    ['CERT_HAS_EXPIRED', 'TLS_CERT_EXPIRED'],
    ['TIMEOUT', 'TLS_TIMEOUT'],
    ['ECONNRESET', 'TLS_CLOSED'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'TLS_NOT_TLS'],
    ['ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL', 'TLS_ALERT'],
    ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'TLS_ALERT'],
    ['ERR_SOMETHING_ELSE', 'TLS_FAILED'],
  ])('TLS %s -> %s', (errno, code) => {
    const f = tlsFailure(errno, 'x');
    expect(f.code).toBe(code);
    expect(f.outcome).toBe(code === 'TLS_TIMEOUT' ? 'timeout' : 'tls-error');
  });
});

describe("sing-box's own connection errors", () => {
  // Messages as sing-box 1.14 logs them for the loopback lab's broken configs.
  it.each([
    ['authentication failed, status code: 404', 'PROXY_AUTH_FAILED'],
    [
      'INTERNAL_ERROR (local): tls: failed to verify certificate: x509: certificate is valid for localhost, not wrong.example',
      'TLS_CERT_NAME_MISMATCH',
    ],
    ['x509: certificate is valid for localhost, not wrong.example', 'TLS_CERT_NAME_MISMATCH'],
    [
      'tls: failed to verify certificate: x509: certificate signed by unknown authority',
      'TLS_CERT_UNTRUSTED',
    ],
    ['reality verification failed', 'REALITY_VERIFY_FAILED'],
    ['dial tcp 127.0.0.1:9: connect: connection refused', 'CONNECTION_REFUSED'],
    ['sendmsg: connection refused', 'CONNECTION_REFUSED'],
    ['lookup example.com: (exchange4: NXDOMAIN | exchange6: NXDOMAIN)', 'DNS_NOT_FOUND'],
    ['dial tcp: lookup proxy.example: no such host', 'DNS_NOT_FOUND'],
    ['dial tcp 203.0.113.1:443: i/o timeout', 'CONNECT_TIMEOUT'],
    ['timeout: no recent network activity', 'PROXY_TIMEOUT'],
    ['dial tcp 10.0.0.1:443: connect: no route to host', 'HOST_UNREACHABLE'],
    ['read: connection reset by peer', 'PROXY_REJECTED'],
    ['something nobody has seen', 'PROXY_FAILED'],
  ])('%s -> %s', (message, code) => {
    expect(coreFailure(message)).toMatchObject({ code, detail: message });
  });
});

describe('a failed request through the core', () => {
  it("takes the core's cause over what our side of the tunnel saw", () => {
    expect(
      proxyRequestFailure(
        'tunnel-tls',
        'ECONNRESET',
        'socket hang up',
        'authentication failed, status code: 404',
      ),
    ).toMatchObject({
      code: 'PROXY_AUTH_FAILED',
      detail: 'authentication failed, status code: 404',
    });
  });

  it('calls a close without a cause from the core a rejection (the wrong-credential signature)', () => {
    expect(
      proxyRequestFailure('tunnel-tls', 'ECONNRESET', 'Client network socket disconnected'),
    ).toMatchObject({
      code: 'PROXY_REJECTED',
      outcome: 'proxy-error',
    });
    expect(proxyRequestFailure('http', 'EOF', 'closed')).toMatchObject({ code: 'PROXY_REJECTED' });
  });

  it('keeps our own deadline a timeout unless the core names something more specific', () => {
    expect(proxyRequestFailure('tunnel-tls', 'TIMEOUT', 'no answer')).toMatchObject({
      code: 'PROXY_TIMEOUT',
      outcome: 'timeout',
    });
    expect(
      proxyRequestFailure('tunnel-tls', 'TIMEOUT', 'no answer', 'something nobody has seen'),
    ).toMatchObject({ code: 'PROXY_TIMEOUT' });
    expect(
      proxyRequestFailure('tunnel-tls', 'TIMEOUT', 'no answer', 'dial tcp 1.2.3.4:1: i/o timeout'),
    ).toMatchObject({ code: 'CONNECT_TIMEOUT' });
  });

  it('flags a target certificate that fails through the tunnel as tampering, and foreign bytes as garbled', () => {
    expect(proxyRequestFailure('tunnel-tls', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed')).toMatchObject({
      code: 'TARGET_CERT_INVALID',
    });
    expect(proxyRequestFailure('tunnel-tls', 'ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version')).toMatchObject({
      code: 'PROXY_GARBLED',
    });
    expect(proxyRequestFailure('http', 'GARBLED', 'not HTTP')).toMatchObject({ code: 'PROXY_GARBLED' });
  });

  it('accepts the test URL statuses the operator allows and names any other', () => {
    const allow = (s: number) => s === 204;
    expect(httpStatusFailure(204, allow)).toBeUndefined();
    expect(httpStatusFailure(302, allow)).toMatchObject({
      code: 'HTTP_STATUS',
      outcome: 'http-error',
      detail: 'test URL answered HTTP 302',
    });
  });
});
