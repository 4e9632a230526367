import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What a source answers right now. */
export interface SourceResponse {
  readonly status: number;
  readonly body: string | Buffer;
  readonly contentType?: string;
}

export interface SubscriptionServer {
  /** The source's URL: http://127.0.0.1:<its own port>/sub. */
  url(sourceId: string): string;
  /** Changes what the source serves from now on. */
  serve(sourceId: string, response: SourceResponse): void;
  /** Requests each source has answered. */
  requests(sourceId: string): number;
  close(): Promise<void>;
}

/**
 * Fixture subscriptions on 127.0.0.1, one listening port per source: the fetcher's politeness
 * limits apply per host:port, so sources on their own ports are fetched as independently as
 * sources on different hosts would be.
 */
export async function startSubscriptionServer(
  initial: ReadonlyMap<string, SourceResponse>,
): Promise<SubscriptionServer> {
  const responses = new Map(initial);
  const counts = new Map<string, number>();
  const servers = new Map<string, { server: Server; port: number; sockets: Set<Socket> }>();
  for (const sourceId of initial.keys()) {
    const sockets = new Set<Socket>();
    const server = createServer((req, res) => {
      counts.set(sourceId, (counts.get(sourceId) ?? 0) + 1);
      const response = responses.get(sourceId);
      if (response === undefined || (req.url ?? '/').split('?')[0] !== '/sub') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      res.writeHead(response.status, { 'content-type': response.contentType ?? 'text/plain; charset=utf-8' });
      res.end(response.body);
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.set(sourceId, { server, port: (server.address() as AddressInfo).port, sockets });
  }
  return {
    url(sourceId) {
      const entry = servers.get(sourceId);
      if (entry === undefined) throw new Error(`no fixture source ${sourceId}`);
      return `http://127.0.0.1:${entry.port}/sub`;
    },
    serve(sourceId, response) {
      responses.set(sourceId, response);
    },
    requests: (sourceId) => counts.get(sourceId) ?? 0,
    async close() {
      await Promise.all(
        [...servers.values()].map(
          ({ server, sockets }) =>
            new Promise<void>((resolve) => {
              for (const socket of sockets) socket.destroy();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}

/** A catalog file for the fixture sources: loopback allowed, every source on a short interval. */
export function fixtureCatalog(
  server: SubscriptionServer,
  sourceIds: readonly string[],
  interval = '10s',
): string {
  const entries = sourceIds.map(
    (id) => `  - id: ${id}\n    urls: [${server.url(id)}]\n    tier: reliable\n    interval: ${interval}\n`,
  );
  return `allowPrivateAddresses: true\nsources:\n${entries.join('')}`;
}
