import { DIAGNOSTIC_CODES } from '../../model/diagnostic.ts';
import type { EntryOutcome } from './entry-outcome.ts';
import { accepted, rejected } from './entry-outcome.ts';
import { parsePluginSpec } from '../links/shadowsocks.ts';
import type { Obj } from './values.ts';
import { compact, int, str } from './values.ts';

/** One SIP008 server: `{id, remarks, server, server_port, password, method, plugin, plugin_opts}`. */
export function readSip008Server(s: Obj): EntryOutcome {
  const server = str(s['server']);
  const port = int(s['server_port']);
  const method = str(s['method']);
  const password = str(s['password']);
  if (server === undefined) return rejected(DIAGNOSTIC_CODES.missingField, 'server has no address');
  if (port === undefined)
    return rejected(DIAGNOSTIC_CODES.invalidPort, `server_port ${String(s['server_port'])} is not a number`);
  if (method === undefined || password === undefined)
    return rejected(DIAGNOSTIC_CODES.missingField, 'server needs method and password');
  const pluginName = str(s['plugin']);
  return accepted(
    compact({
      protocol: 'shadowsocks' as const,
      name: str(s['remarks']) ?? '',
      server,
      port,
      method,
      password,
      plugin:
        pluginName === undefined
          ? undefined
          : parsePluginSpec(`${pluginName};${str(s['plugin_opts']) ?? ''}`),
    }),
  );
}
