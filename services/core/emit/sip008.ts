import { hash } from 'node:crypto';
import type { ProxyConfig, ShadowsocksConfig } from '../model/config.ts';
import { leftOut } from './emit-each.ts';
import type { EmitOptions, EmitResult, Incompatibility } from './emit-result.ts';
import { INCOMPATIBILITY_CODES as C, reject } from './emit-result.ts';
import { createLineSink } from './line-sink.ts';
import { pluginOptionsString } from './sip003.ts';
import { ss2022KeyProblem } from './ss2022.ts';

/**
 * SIP008 online configuration: `{version: 1, servers: [...]}` with Shadowsocks servers only;
 * every other protocol is left out with UNSUPPORTED_PROTOCOL. Plugins are carried as SIP003
 * name + options (any plugin: SIP008 names the binary the client runs). `id` is a UUID
 * derived from the server's settings, so it is stable across runs as SIP008 asks (clients key
 * servers on it). Dropped: `udp-over-tcp`, which SIP008 has no field for and which only
 * changes how UDP is relayed.
 */
export function emitSip008(configs: readonly ProxyConfig[], options: EmitOptions = {}): EmitResult {
  const servers = createLineSink(',\n    ');
  const incompatible: Incompatibility[] = [];
  for (let i = 0; i < configs.length; i++) {
    const config = configs[i] as ProxyConfig;
    if (config.protocol !== 'shadowsocks') {
      const why = reject(
        C.unsupportedProtocol,
        `SIP008 carries Shadowsocks servers only, not ${config.protocol}`,
      );
      incompatible.push(leftOut(config, i, why, options));
      continue;
    }
    const keyProblem = ss2022KeyProblem(config.method, config.password);
    if (keyProblem !== undefined) {
      incompatible.push(leftOut(config, i, reject(C.invalidKey, keyProblem), options));
      continue;
    }
    servers.push(JSON.stringify(server(config)));
  }
  const body = servers.count === 0 ? '[]' : `[\n    ${servers.join()}\n  ]`;
  return { output: `{\n  "version": 1,\n  "servers": ${body}\n}\n`, emitted: servers.count, incompatible };
}

function server(c: ShadowsocksConfig): Record<string, string | number | undefined> {
  const pluginOpts = c.plugin === undefined ? undefined : pluginOptionsString(c.plugin.opts);
  return {
    id: stableId(c),
    remarks: c.name,
    server: c.server,
    server_port: c.port,
    password: c.password,
    method: c.method,
    plugin: c.plugin?.name,
    plugin_opts: pluginOpts === '' ? undefined : pluginOpts,
  };
}

/** A UUID (version 8 layout: custom) from a hash of what identifies the server. */
function stableId(c: ShadowsocksConfig): string {
  const plugin = c.plugin === undefined ? '' : `${c.plugin.name};${pluginOptionsString(c.plugin.opts)}`;
  const h = hash('sha256', JSON.stringify([c.server, c.port, c.method, c.password, plugin]), 'hex');
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
