import { EMIT_CONTENT_TYPES, EMITTERS, EMIT_TARGET_LIST } from '../emit/index.ts';
import type { EmitTarget } from '../emit/index.ts';
import type { SingBoxEmitOptions } from '../emit/sing-box.ts';
import type { ProxyConfig } from '../model/config.ts';
import { configOf } from './config-entry.ts';
import type { ConfigEntry } from './config-entry.ts';
import { etagFor } from './etag.ts';
import { selectConfigs } from './select-configs.ts';
import type { SelectionSource } from './select-configs.ts';
import type { SelectionQuery } from './subscription-query.ts';

/** Per-target emitter settings the deployment decides (which sing-box build its users run). */
export interface RenderSettings {
  readonly singBox: Pick<SingBoxEmitOptions, 'naive' | 'wireguard'>;
}

export const DEFAULT_RENDER_SETTINGS: RenderSettings = { singBox: { naive: false, wireguard: true } };

export interface ProfileInfo {
  /** What clients show as the profile name (profile-title, content-disposition). */
  readonly title: string;
  /** How often clients should refresh, in hours (profile-update-interval). */
  readonly updateIntervalHours: number;
  /** When the profile stops working (a share link's expiry): subscription-userinfo `expire`. */
  readonly expiresAt: number | null;
}

/** A rendered subscription: bytes plus every header that depends on them. Immutable, cacheable. */
export interface RenderedSubscription {
  readonly target: EmitTarget;
  readonly body: Buffer;
  readonly etag: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly emitted: number;
  readonly leftOut: number;
}

/** Extension clients expect on the downloaded file (Clash Verge names the profile after it). */
const FILE_EXTENSIONS: Readonly<Partial<Record<EmitTarget, string>>> = {
  clash: 'yaml',
  'sing-box': 'json',
  sip008: 'json',
  xray: 'json',
};

export function emitOptionsFor(target: EmitTarget, settings: RenderSettings): SingBoxEmitOptions {
  return target === 'sing-box' ? settings.singBox : {};
}

/**
 * Whether `target` can express the entry, computed once per entry and target and kept in the
 * entry's `compatible` bits (two per target: known, accepted).
 */
export function acceptsFor(target: EmitTarget, settings: RenderSettings): (entry: ConfigEntry) => boolean {
  const index = EMIT_TARGET_LIST.indexOf(target);
  const known = 1 << (2 * index);
  const accepted = 1 << (2 * index + 1);
  const emitter = EMITTERS[target];
  const options = emitOptionsFor(target, settings);
  return (entry) => {
    if ((entry.compatible & known) === 0) {
      const ok = emitter([configOf(entry)], options).emitted === 1;
      entry.compatible |= known | (ok ? accepted : 0);
    }
    return (entry.compatible & accepted) !== 0;
  };
}

export function renderSubscription({
  state,
  query,
  target,
  profile,
  settings = DEFAULT_RENDER_SETTINGS,
}: {
  readonly state: SelectionSource;
  readonly query: SelectionQuery;
  readonly target: EmitTarget;
  readonly profile: ProfileInfo;
  readonly settings?: RenderSettings;
}): RenderedSubscription {
  // With a limit, count only configs the target can express, so limit=200 means 200 served.
  const entries = selectConfigs(
    state,
    query,
    query.limit === null ? {} : { accepts: acceptsFor(target, settings) },
  );
  const configs: ProxyConfig[] = entries.map(configOf);
  const result = EMITTERS[target](configs, emitOptionsFor(target, settings));
  const body = Buffer.from(result.output, 'utf8');
  return {
    target,
    body,
    etag: etagFor(body),
    headers: profileHeaders(target, profile, result.emitted, result.incompatible.length),
    emitted: result.emitted,
    leftOut: result.incompatible.length,
  };
}

/**
 * Headers proxy clients read from a subscription response: Clash Verge, mihomo, Stash, v2rayN,
 * Hiddify, sing-box apps and Shadowrocket show the title, refresh on the interval and show the
 * quota line (we have no quota: zeros mean "unlimited" to them).
 */
export function profileHeaders(
  target: EmitTarget,
  profile: ProfileInfo,
  emitted: number,
  leftOut: number,
): Record<string, string> {
  const userinfo = ['upload=0', 'download=0', 'total=0'];
  if (profile.expiresAt !== null) userinfo.push(`expire=${Math.floor(profile.expiresAt / 1000)}`);
  const headers: Record<string, string> = {
    'content-type': EMIT_CONTENT_TYPES[target],
    'profile-title': `base64:${Buffer.from(profile.title, 'utf8').toString('base64')}`,
    'profile-update-interval': String(profile.updateIntervalHours),
    'subscription-userinfo': userinfo.join('; '),
    'x-submerge-configs': String(emitted),
    'x-submerge-left-out': String(leftOut),
  };
  const extension = FILE_EXTENSIONS[target];
  if (extension !== undefined) headers['content-disposition'] = contentDisposition(profile.title, extension);
  return headers;
}

/** RFC 6266: an ASCII fallback name plus the UTF-8 name, so non-ASCII titles survive. */
export function contentDisposition(title: string, extension: string): string {
  const ascii =
    title
      .replace(/[^A-Za-z0-9._ -]/g, '')
      .trim()
      .replace(/\s+/g, '-') || 'submerge';
  return `attachment; filename="${ascii}.${extension}"; filename*=UTF-8''${encodeURIComponent(`${title}.${extension}`)}`;
}
