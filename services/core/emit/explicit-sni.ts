import type { TlsSettings } from '../model/tls.ts';
import type { Transport } from '../model/transport.ts';

/**
 * In the model an absent `serverName` means "the server address" (as in sing-box). v2rayN
 * links and mihomo instead fall back to the transport's Host header when no SNI is given, so
 * writing nothing there would change the SNI a client sends. Emitters for those formats write
 * the server address explicitly in that case. REALITY has its own server name rules.
 */
export function explicitServerName(
  tls: TlsSettings,
  transport: Transport,
  server: string,
): string | undefined {
  if (tls.serverName !== undefined && tls.serverName !== '') return tls.serverName;
  if (!tls.enabled || tls.reality !== undefined) return undefined;
  return transportHostHeader(transport) === undefined ? undefined : server;
}

function transportHostHeader(t: Transport): string | undefined {
  switch (t.type) {
    case 'ws':
    case 'httpupgrade':
    case 'xhttp':
      return t.host === '' ? undefined : t.host;
    case 'http':
    case 'h2':
      return t.host[0];
    default:
      return undefined;
  }
}
