import { randomBytes } from 'node:crypto';
import { parseBootstrapKeys } from '../core/read-model/api-keys.ts';
import type { EnvConfig } from '../shared/config/env-schema.ts';
import { ConfigError } from '../shared/config/load-config.ts';
import { DEFAULT_READ_API_SETTINGS } from './settings.ts';
import type { ReadApiSettings } from './settings.ts';

/** The read API's settings from the one parsed config; a bad key list is a config error. */
export function readApiSettingsFrom(config: Readonly<EnvConfig>): ReadApiSettings {
  const { keys, problems } = parseBootstrapKeys(config.SUBMERGE_API_KEYS ?? '');
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `SUBMERGE_API_KEYS: ${p}`));
  const features = new Set(config.SUBMERGE_SINGBOX_FEATURES);
  return Object.freeze({
    ...DEFAULT_READ_API_SETTINGS,
    // Random per start: access counters are keyed by instance, and a restarted process must
    // not overwrite the running count its predecessor published under the same key.
    instanceId: `${config.SUBMERGE_INSTANCE_ID}-${randomBytes(4).toString('hex')}`,
    readAuth: config.SUBMERGE_READ_AUTH,
    bootstrapKeys: keys,
    profile: {
      title: config.SUBMERGE_PROFILE_TITLE,
      updateIntervalHours: config.SUBMERGE_PROFILE_UPDATE_HOURS,
    },
    render: { singBox: { wireguard: features.has('wireguard'), naive: features.has('naive') } },
    cache: { ...DEFAULT_READ_API_SETTINGS.cache, maxBytes: config.SUBMERGE_RENDER_CACHE_MB * 1024 * 1024 },
    trustProxy: trustProxyFrom(config.SUBMERGE_TRUST_PROXY),
    rateLimit: {
      windowMs: 60_000,
      anonymous: config.SUBMERGE_RATE_LIMIT_PER_MINUTE,
      perKey: config.SUBMERGE_RATE_LIMIT_KEY_PER_MINUTE,
    },
  });
}

function trustProxyFrom(text: string): boolean | string {
  const value = text.trim();
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  return value;
}
