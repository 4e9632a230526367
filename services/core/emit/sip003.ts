import type { ShadowsocksPlugin } from '../model/config.ts';

/**
 * SIP003 plugin options (`obfs=http;obfs-host=x;tls`): `\`, `;` and `=` inside a key or value
 * are backslash-escaped (what SS_PLUGIN_OPTIONS parsers in v2ray-plugin and sing-box undo); a
 * bare flag is a key without `=`, which the model holds as value ''.
 */
export function pluginOptionsString(opts: ShadowsocksPlugin['opts']): string {
  let out = '';
  for (const [key, value] of opts) {
    if (out !== '') out += ';';
    out += escapeSip003(key);
    if (value !== '') out += `=${escapeSip003(value)}`;
  }
  return out;
}

/** `name;opts` as carried in a SIP002 `plugin=` parameter. */
export function pluginString(plugin: ShadowsocksPlugin): string {
  const opts = pluginOptionsString(plugin.opts);
  return opts === '' ? escapeSip003(plugin.name) : `${escapeSip003(plugin.name)};${opts}`;
}

const SIP003_SPECIAL = /[\\;=]/g;

function escapeSip003(value: string): string {
  return value.replace(SIP003_SPECIAL, (c) => `\\${c}`);
}
