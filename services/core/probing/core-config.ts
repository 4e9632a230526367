import type { CoreOutbound } from './core-outbound.ts';

/** One config of a batch: its tag in the sing-box config (also the proxy user that routes to it). */
export interface CoreBatchEntry {
  readonly tag: string;
  readonly outbound: CoreOutbound;
}

export interface CoreConfigOptions {
  readonly entries: readonly CoreBatchEntry[];
  /** The one mixed inbound on 127.0.0.1: a request authenticated as user <tag> leaves through outbound <tag>. */
  readonly listenPort: number;
  /** The Clash API on 127.0.0.1 (readiness, traffic totals). */
  readonly apiPort: number;
  /** Password of every proxy user and the Clash API secret; random per process. */
  readonly secret: string;
  /**
   * Server names and the addresses the cheap stage resolved them to (and the address policy
   * allowed). sing-box answers only these from a hosts table and never asks a real resolver, so it
   * connects exactly where the policy agreed to and nowhere else.
   */
  readonly hosts: ReadonlyMap<string, readonly string[]>;
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

export const CORE_INBOUND_TAG = 'probe-in';
export const CORE_DNS_TAG = 'pinned';

/**
 * The sing-box config of one batch. One inbound routes by proxy user instead of one inbound per
 * outbound: a single port to pick and check, no port races, and the tag travels with each
 * request. Anything not authenticated as a batch user is rejected.
 *
 * Probes are requests through this inbound rather than the Clash API's delay endpoint: that
 * endpoint answers every failure with the same 503 ("An error occurred in the delay test") and
 * logs nothing, so a wrong password, a wrong SNI and a closed port could not be told apart, and it
 * silently swaps plain-http test URLs for https://www.gstatic.com/generate_204. Requests through
 * the router make sing-box log each failure with its outbound's tag (core-log.ts). The Clash API
 * stays for readiness and traffic totals.
 */
export function coreConfig({
  entries,
  listenPort,
  apiPort,
  secret,
  hosts,
  logLevel = 'error',
}: CoreConfigOptions): Record<string, unknown> {
  const outbounds: Record<string, unknown>[] = [];
  const endpoints: Record<string, unknown>[] = [];
  for (const { tag, outbound } of entries) {
    const body = { type: outbound.body['type'], tag, ...outbound.body };
    (outbound.kind === 'endpoint' ? endpoints : outbounds).push(body);
  }
  const config: Record<string, unknown> = {
    log: { level: logLevel, timestamp: false },
    dns: {
      servers: [
        {
          type: 'hosts',
          tag: CORE_DNS_TAG,
          predefined: Object.fromEntries([...hosts].map(([name, addresses]) => [name, [...addresses]])),
        },
      ],
      final: CORE_DNS_TAG,
    },
    inbounds: [
      {
        type: 'mixed',
        tag: CORE_INBOUND_TAG,
        listen: '127.0.0.1',
        listen_port: listenPort,
        users: entries.map(({ tag }) => ({ username: tag, password: secret })),
      },
    ],
    outbounds,
    route: {
      rules: [...entries.map(({ tag }) => ({ auth_user: [tag], outbound: tag })), { action: 'reject' }],
      default_domain_resolver: CORE_DNS_TAG,
    },
    experimental: { clash_api: { external_controller: `127.0.0.1:${String(apiPort)}`, secret } },
  };
  if (endpoints.length > 0) config['endpoints'] = endpoints;
  return config;
}
