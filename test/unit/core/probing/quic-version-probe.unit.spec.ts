import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  greaseVersion,
  isGreaseVersion,
  QUIC_MIN_INITIAL_SIZE,
  readVersionNegotiation,
  versionName,
  versionProbePacket,
} from '../../../../services/core/probing/quic-version-probe.ts';
import type { VersionProbe } from '../../../../services/core/probing/quic-version-probe.ts';

const probe: VersionProbe = {
  dcid: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
  scid: Uint8Array.from([9, 10, 11, 12, 13, 14, 15, 16]),
  version: 0x1a2a3a4a,
};

/** A Version Negotiation packet as RFC 9000 §17.2.1 lays it out (ids swapped). */
function negotiation(dcid: Uint8Array, scid: Uint8Array, versions: readonly number[]): Uint8Array {
  const out = new Uint8Array(7 + dcid.length + scid.length + 4 * versions.length);
  const view = new DataView(out.buffer);
  out[0] = 0x80 | 0x3f;
  view.setUint32(1, 0);
  let at = 5;
  out[at++] = dcid.length;
  out.set(dcid, at);
  at += dcid.length;
  out[at++] = scid.length;
  out.set(scid, at);
  at += scid.length;
  for (const v of versions) {
    view.setUint32(at, v);
    at += 4;
  }
  return out;
}

describe('QUIC version probe', () => {
  it('always picks a version reserved for forcing version negotiation (0x?a?a?a?a)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (random) => {
        const version = greaseVersion(random);
        expect(isGreaseVersion(version)).toBe(true);
        expect(version).not.toBe(1);
      }),
    );
    expect(isGreaseVersion(1)).toBe(false);
  });

  it('builds a long-header Initial-shaped datagram of at least 1200 bytes carrying the version and both ids', () => {
    const packet = versionProbePacket(probe);
    expect(packet.length).toBe(QUIC_MIN_INITIAL_SIZE);
    expect(packet[0]! & 0xc0).toBe(0xc0);
    expect(new DataView(packet.buffer).getUint32(1)).toBe(0x1a2a3a4a);
    expect(packet[5]).toBe(8);
    expect([...packet.subarray(6, 14)]).toEqual([...probe.dcid]);
    expect(packet[14]).toBe(8);
    expect([...packet.subarray(15, 23)]).toEqual([...probe.scid]);
    expect(versionProbePacket(probe, 100).length).toBe(QUIC_MIN_INITIAL_SIZE);
    expect(versionProbePacket(probe, 1350).length).toBe(1350);
  });

  it('refuses connection ids a QUIC v1 client could not send', () => {
    expect(() => versionProbePacket({ ...probe, dcid: new Uint8Array(7) })).toThrow(RangeError);
    expect(() => versionProbePacket({ ...probe, scid: new Uint8Array(21) })).toThrow(RangeError);
  });

  it('accepts the Version Negotiation that echoes our ids swapped and lists the versions', () => {
    const answer = readVersionNegotiation(negotiation(probe.scid, probe.dcid, [1, 0x6b3343cf]), probe);
    expect(answer).toEqual({ ok: true, versions: [1, 0x6b3343cf] });
    expect(answer.ok && answer.versions.map(versionName)).toEqual(['v1', 'v2']);
  });

  it('tells an answer to another connection from a datagram that is not QUIC', () => {
    expect(readVersionNegotiation(negotiation(probe.dcid, probe.scid, [1]), probe)).toEqual({
      ok: false,
      reason: 'other-connection',
    });
    const notQuic = [
      new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n\r\n'),
      new Uint8Array(0),
      Uint8Array.from([0x80, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]), // a long header of version 1, not 0
      negotiation(probe.scid, probe.dcid, []), // no versions at all
      negotiation(probe.scid, probe.dcid, [1]).subarray(0, 25), // a version cut short
    ];
    for (const datagram of notQuic)
      expect(readVersionNegotiation(datagram, probe)).toEqual({ ok: false, reason: 'not-quic' });
  });

  it('never throws on arbitrary datagrams', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (datagram) => {
        expect(() => readVersionNegotiation(datagram, probe)).not.toThrow();
      }),
    );
  });
});
