import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthChecks {
  /** Cheap and local: false means "restart me". Default: always live. */
  live?(): boolean;
  /** May do work (e.g. ask each run loop); false answers 503 so no traffic or rollout proceeds. */
  ready(): boolean | Promise<boolean>;
}

export interface HealthServerOptions {
  readonly registry: Registry;
  readonly checks: HealthChecks;
  /** Loopback unless the deployment says otherwise (a pod sets 0.0.0.0). */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
}

export interface HealthServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * /live, /ready and /metrics for services that are not the Fastify API (processors, fetchers,
 * the sink). Nothing else is served; every other path is 404 and every other method 405.
 */
export async function startHealthServer({
  registry,
  checks,
  host = '127.0.0.1',
  port = 0,
}: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      reply(405, 'method not allowed\n');
      return;
    }
    const answer = async (): Promise<void> => {
      switch (path) {
        case '/live': {
          const live = checks.live?.() ?? true;
          reply(live ? 200 : 503, live ? 'live\n' : 'not live\n');
          return;
        }
        case '/ready': {
          const ready = await checks.ready();
          reply(ready ? 200 : 503, ready ? 'ready\n' : 'not ready\n');
          return;
        }
        case '/metrics':
          reply(200, await registry.metrics(), registry.contentType);
          return;
        default:
          reply(404, 'not found\n');
      }
    };
    answer().catch(() => {
      if (!res.headersSent) reply(500, 'health check failed\n');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
