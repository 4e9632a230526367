import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { coreConfig } from '../../../services/core/probing/core-config.ts';
import { startCore } from '../../../services/prober/core-process.ts';
import { createCoreReaper } from '../../../services/prober/core-reaper.ts';

// A stand-in for the prober process in the "never left behind" proofs: starts one supervised
// sing-box (lifetime from argv[3], in ms), prints "READY <sing-box pid>", then idles. On SIGTERM
// it exits the way the prober does (process.exit), so the reaper's exit hook must kill the core.

const bin = process.argv[2] ?? '';
const lifetimeMs = Number(process.argv[3] ?? '60000');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const reaper = createCoreReaper();
const apiPort = await freePort();
const listenPort = await freePort();
const core = await startCore({
  bin,
  config: coreConfig({ entries: [], listenPort, apiPort, secret: 'holder', hosts: new Map() }),
  apiPort,
  secret: 'holder',
  inboundPort: listenPort,
  reaper,
  limits: { maxLifetimeMs: lifetimeMs },
});
// Wait until the wrapper's child (sing-box itself) is known.
while (core.pid() === core.pgid) await new Promise((resolve) => setTimeout(resolve, 20));
process.on('SIGTERM', () => process.exit(0));
process.stdout.write(`READY ${String(core.pid())}\n`);
setInterval(() => undefined, 60_000);
