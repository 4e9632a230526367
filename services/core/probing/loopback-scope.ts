import { classifyAddress } from '../fetching/address-guard.ts';

/**
 * Every place a sing-box config could send traffic to or listen on that is not loopback. Tests
 * and benchmarks run the prober in loopback scope, where a batch config is refused unless this
 * is empty: servers, listen addresses, the Clash API, DNS servers (only a hosts table mapping
 * to loopback passes), endpoint peers and REALITY handshake targets.
 */
export function nonLoopbackTargets(config: unknown): string[] {
  const problems: string[] = [];
  const root = asObject(config);
  if (root === undefined) return ['config is not an object'];
  const hostsTable = new Map<string, readonly unknown[]>();

  const dns = asObject(root['dns']);
  for (const [i, server] of asArray(dns?.['servers']).entries()) {
    const s = asObject(server);
    if (s?.['type'] !== 'hosts') {
      problems.push(`dns.servers[${String(i)}] is a ${String(s?.['type'])} server, not a hosts table`);
      continue;
    }
    for (const [name, addresses] of Object.entries(asObject(s['predefined']) ?? {})) {
      const list = Array.isArray(addresses) ? (addresses as unknown[]) : [addresses];
      hostsTable.set(name.toLowerCase(), list);
      for (const a of list) if (!isLoopbackAddress(a)) problems.push(`dns hosts ${name} -> ${String(a)}`);
    }
  }

  const isLoopbackHost = (host: unknown): boolean => {
    if (isLoopbackAddress(host)) return true;
    if (typeof host !== 'string') return false;
    const pinned = hostsTable.get(host.toLowerCase());
    return pinned !== undefined && pinned.length > 0 && pinned.every(isLoopbackAddress);
  };

  for (const [i, inbound] of asArray(root['inbounds']).entries()) {
    const listen = asObject(inbound)?.['listen'];
    if (!isLoopbackAddress(listen)) problems.push(`inbounds[${String(i)}].listen ${String(listen)}`);
    const handshake = asObject(asObject(asObject(asObject(inbound)?.['tls'])?.['reality'])?.['handshake']);
    if (handshake !== undefined && !isLoopbackHost(handshake['server'])) {
      problems.push(`inbounds[${String(i)}] REALITY handshake ${String(handshake['server'])}`);
    }
  }
  for (const [i, outbound] of asArray(root['outbounds']).entries()) {
    const o = asObject(outbound);
    if (o === undefined || !('server' in o)) continue;
    if (!isLoopbackHost(o['server'])) problems.push(`outbounds[${String(i)}].server ${String(o['server'])}`);
  }
  for (const [i, endpoint] of asArray(root['endpoints']).entries()) {
    for (const [j, peer] of asArray(asObject(endpoint)?.['peers']).entries()) {
      const address = asObject(peer)?.['address'];
      if (!isLoopbackHost(address))
        problems.push(`endpoints[${String(i)}].peers[${String(j)}].address ${String(address)}`);
    }
  }
  const clash = asObject(asObject(asObject(root['experimental'])?.['clash_api']));
  const controller = clash?.['external_controller'];
  if (typeof controller === 'string' && !isLoopbackAddress(hostOf(controller))) {
    problems.push(`clash_api.external_controller ${controller}`);
  }
  return problems;
}

function isLoopbackAddress(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (value.toLowerCase() === 'localhost') return true;
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  return classifyAddress(bare) === 'loopback';
}

function hostOf(hostPort: string): string {
  const bracketed = /^\[([^\]]+)\]:\d+$/.exec(hostPort);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  const colon = hostPort.lastIndexOf(':');
  return colon === -1 ? hostPort : hostPort.slice(0, colon);
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
