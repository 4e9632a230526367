import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly at: number;
}

export interface FixtureServer {
  readonly port: number;
  /** A URL on this server under `host` (a name the test resolver maps to 127.0.0.1, or 127.0.0.1 itself). */
  url(path: string, host?: string): string;
  /** TCP connections accepted so far: zero proves a refused fetch never reached the server. */
  connections(): number;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * An HTTP server on 127.0.0.1 only, with a route per path. It records requests and counts
 * connections, and close() drops whatever a misbehaving route left open.
 */
export async function startFixtureServer(routes: Readonly<Record<string, Route>>): Promise<FixtureServer> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push({ path, headers: req.headers, at: Date.now() });
    const route = routes[path];
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such fixture\n');
      return;
    }
    route(req, res);
  });
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path, host = 'fixture.test') => `http://${host}:${port}${path}`,
    connections: () => connections,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Streams `total` bytes of `fill` with backpressure, stopping when the client goes away.
 * Resolves with the bytes the server managed to hand to the socket.
 */
export function streamBytes(res: ServerResponse, total: number, chunkSize = 64 * 1024): Promise<number> {
  const chunk = Buffer.alloc(chunkSize, 'a');
  let sent = 0;
  return new Promise<number>((resolve) => {
    let closed = false;
    res.on('close', () => {
      closed = true;
      resolve(sent);
    });
    const pump = (): void => {
      while (!closed && sent < total) {
        const size = Math.min(chunkSize, total - sent);
        sent += size;
        if (!res.write(size === chunkSize ? chunk : chunk.subarray(0, size))) {
          res.once('drain', pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    pump();
  });
}
