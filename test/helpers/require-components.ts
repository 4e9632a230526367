import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { componentEndpoints } from './components.ts';

/**
 * Global setup of the integration and e2e projects: every real component must answer
 * before a single test runs. There is no skipping: a missing component fails the run.
 */
export default async function requireComponents(): Promise<void> {
  const endpoints = componentEndpoints();
  const problems: string[] = [];
  for (const broker of endpoints.kafkaBrokers) {
    if (!(await tcpReachable(broker))) problems.push(`kafka broker ${broker} not reachable`);
  }
  if (!(await httpOk(`${endpoints.schemaRegistryUrl}/subjects`)))
    problems.push(`schema registry ${endpoints.schemaRegistryUrl} not answering`);
  if (!(await httpOk(`${endpoints.clickhouseUrl}/ping`)))
    problems.push(`clickhouse ${endpoints.clickhouseUrl} not answering /ping`);
  for (const [name, bin] of [
    ['sing-box', endpoints.singBoxBin],
    ['mihomo', endpoints.mihomoBin],
  ] as const) {
    try {
      accessSync(bin, constants.X_OK);
    } catch {
      problems.push(`${name} binary ${bin} missing or not executable`);
    }
  }
  try {
    createRequire(import.meta.url)(endpoints.kafkaNativeModule);
  } catch (error) {
    problems.push(`librdkafka addon ${endpoints.kafkaNativeModule} does not load: ${String(error)}`);
  }
  if (problems.length > 0) {
    throw new Error(
      `integration components unavailable (run 'npm run infra:up'):\n  - ${problems.join('\n  - ')}`,
    );
  }
}

function tcpReachable(hostPort: string): Promise<boolean> {
  const idx = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, idx).replace(/^\[|\]$/g, '');
  const port = Number(hostPort.slice(idx + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return res.ok;
  } catch {
    return false;
  }
}
