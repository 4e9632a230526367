import { quote } from '../../validate/diagnostic-sink.ts';
import type { LinkContext } from './link-context.ts';
import type { LinkParts } from './link-parts.ts';
import { parsePort, splitHostPort } from './link-parts.ts';

export interface Endpoint {
  readonly server: string;
  readonly port: number;
}

/**
 * server + port from the authority. `defaultPort` applies when the link has none
 * (443 for hysteria2/anytls/naive/trojan per their specs); without it a missing port is an error.
 */
export function readEndpoint(parts: LinkParts, ctx: LinkContext, defaultPort?: number): Endpoint | undefined {
  return readHostPort(parts.hostPort, ctx, defaultPort);
}

export function readHostPort(hostPort: string, ctx: LinkContext, defaultPort?: number): Endpoint | undefined {
  if (hostPort === '') {
    ctx.sink.error('MISSING_FIELD', 'link has no server');
    return undefined;
  }
  const hp = splitHostPort(hostPort);
  if (hp === undefined) {
    ctx.sink.error('MALFORMED_LINK', `unbalanced brackets in ${quote(hostPort)}`);
    return undefined;
  }
  if (hp.host === '') {
    ctx.sink.error('MISSING_FIELD', 'link has no server');
    return undefined;
  }
  if (hp.portText === undefined || hp.portText === '') {
    if (defaultPort === undefined) {
      ctx.sink.error('INVALID_PORT', 'link has no port');
      return undefined;
    }
    return { server: hp.host, port: defaultPort };
  }
  const port = parsePort(hp.portText);
  if (Number.isNaN(port)) {
    ctx.sink.error('INVALID_PORT', `port ${quote(hp.portText)} is not a number`);
    return undefined;
  }
  if (hp.unbracketedIpv6)
    ctx.sink.warn('REPAIRED_VALUE', 'IPv6 server without brackets: last group read as the port');
  return { server: hp.host, port };
}
