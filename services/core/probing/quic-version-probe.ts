/**
 * The cheap stage of QUIC-based configs: one datagram that any QUIC server must answer without
 * knowing who we are. RFC 9000 §6: a server that receives a long-header packet of a version it
 * does not support, in a datagram of at least 1200 bytes (the smallest Initial, §14.1), answers
 * with a Version Negotiation packet; §15 reserves the versions 0x?a?a?a?a so that no server ever
 * supports them. quic-go (sing-box's hysteria2 and tuic servers, hysteria's own server) and
 * quinn (tuic-server) both answer. No handshake, no credentials, ~1.2 kB out and a few bytes
 * back: it proves that a QUIC stack listens on the port, not that the proxy works.
 */

/** The smallest datagram a server answers with Version Negotiation (RFC 9000 §14.1). */
export const QUIC_MIN_INITIAL_SIZE = 1200;

/** 0x?a?a?a?a from four random bytes: a version reserved to force version negotiation (§15). */
export function greaseVersion(random: Uint8Array): number {
  let version = 0;
  for (let i = 0; i < 4; i++) version = version * 256 + (((random[i] ?? 0) & 0xf0) | 0x0a);
  return version >>> 0;
}

export function isGreaseVersion(version: number): boolean {
  return (version & 0x0f0f0f0f) === 0x0a0a0a0a;
}

export interface VersionProbe {
  /** Our destination connection id (8 to 20 bytes); the answer carries it as its source id. */
  readonly dcid: Uint8Array;
  /** Our source connection id (0 to 20 bytes); the answer carries it as its destination id. */
  readonly scid: Uint8Array;
  readonly version: number;
}

/**
 * A long-header packet shaped like an Initial of `probe.version`, padded with zeros to
 * `size` bytes (at least 1200, or servers drop it unanswered).
 */
export function versionProbePacket(probe: VersionProbe, size = QUIC_MIN_INITIAL_SIZE): Uint8Array {
  if (probe.dcid.length < 8 || probe.dcid.length > 20) throw new RangeError('dcid must be 8 to 20 bytes');
  if (probe.scid.length > 20) throw new RangeError('scid must be at most 20 bytes');
  const packet = new Uint8Array(Math.max(size, QUIC_MIN_INITIAL_SIZE));
  // Long header, fixed bit, type Initial: what a client's first packet looks like on the wire.
  packet[0] = 0xc0;
  new DataView(packet.buffer).setUint32(1, probe.version >>> 0);
  let at = 5;
  packet[at++] = probe.dcid.length;
  packet.set(probe.dcid, at);
  at += probe.dcid.length;
  packet[at++] = probe.scid.length;
  packet.set(probe.scid, at);
  return packet;
}

export type VersionNegotiation =
  | { readonly ok: true; readonly versions: readonly number[] }
  | {
      readonly ok: false;
      /** `not-quic`: not a Version Negotiation packet; `other-connection`: one for other connection ids. */
      readonly reason: 'not-quic' | 'other-connection';
    };

/**
 * Reads a datagram as the answer to `probe` (RFC 9000 §17.2.1): long header, version 0, the
 * connection ids swapped, then a list of 32-bit versions. Answers to someone else's probe (ids
 * that do not match) are told apart from datagrams that are not QUIC at all.
 */
export function readVersionNegotiation(datagram: Uint8Array, probe: VersionProbe): VersionNegotiation {
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  if (datagram.length < 7 || ((datagram[0] ?? 0) & 0x80) === 0 || view.getUint32(1) !== 0)
    return { ok: false, reason: 'not-quic' };
  let at = 5;
  const dcidLength = datagram[at++] ?? 0;
  const dcid = datagram.subarray(at, at + dcidLength);
  at += dcidLength;
  if (at >= datagram.length) return { ok: false, reason: 'not-quic' };
  const scidLength = datagram[at++] ?? 0;
  const scid = datagram.subarray(at, at + scidLength);
  at += scidLength;
  const rest = datagram.length - at;
  if (dcid.length !== dcidLength || scid.length !== scidLength || rest < 4 || rest % 4 !== 0)
    return { ok: false, reason: 'not-quic' };
  if (!sameBytes(dcid, probe.scid) || !sameBytes(scid, probe.dcid))
    return { ok: false, reason: 'other-connection' };
  const versions: number[] = [];
  for (; at < datagram.length; at += 4) versions.push(view.getUint32(at));
  return { ok: true, versions };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** QUIC versions by name, for logs and details. */
export function versionName(version: number): string {
  switch (version) {
    case 0x00000001:
      return 'v1';
    case 0x6b3343cf:
      return 'v2';
    default:
      return isGreaseVersion(version) ? 'grease' : `0x${version.toString(16).padStart(8, '0')}`;
  }
}
