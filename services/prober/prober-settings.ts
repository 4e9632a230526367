import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { coreFeatures } from './core-features.ts';
import type { ProberArgs } from './prober-args.ts';
import type { ProberSettings } from './prober.ts';

/** The trust store every check uses, and the file sing-box reads it from. */
export interface ProberTrust {
  readonly ca?: readonly string[];
  readonly coreEnv?: Readonly<Record<string, string>>;
  /** Removes the bundle file. */
  dispose(): Promise<void>;
}

/**
 * One trust store for every check: the system roots plus --ca-file, for Node and, through
 * SSL_CERT_FILE, for sing-box (which reads only that file when it is set). Without --ca-file
 * both keep their own defaults and nothing is written.
 */
export async function prepareProberTrust(caFile: string | undefined): Promise<ProberTrust> {
  if (caFile === undefined) return { dispose: () => Promise.resolve() };
  const ca = [...rootCertificates, await readFile(caFile, 'utf8')];
  const dir = await mkdtemp(join(tmpdir(), 'submerge-prober-'));
  const bundle = join(dir, 'ca-bundle.pem');
  await writeFile(bundle, ca.join('\n'));
  return {
    ca,
    coreEnv: { SSL_CERT_FILE: bundle },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * The prober's settings from its parsed flags and the sing-box binary, the same for the
 * distributed service and the embedded mode. Asks the binary what it was built with, so configs
 * it cannot run (WireGuard without with_wireguard, naive without libcronet) are reported as
 * unsupported instead of failing. Rejects when the binary does not run.
 */
export async function proberSettings(
  args: Readonly<ProberArgs>,
  coreBin: string,
  trust: Pick<ProberTrust, 'ca' | 'coreEnv'>,
): Promise<ProberSettings & { readonly coreVersion: string }> {
  const features = await coreFeatures(coreBin);
  return {
    vantage: args.vantage,
    instanceId: args.instanceId,
    budget: args.budget,
    schedule: args.schedule,
    scope: args.scope,
    testUrl: args.testUrl,
    acceptStatus: args.acceptStatus,
    cheapTimeoutMs: args.cheapTimeoutMs,
    proxyTimeoutMs: args.proxyTimeoutMs,
    coreBin,
    coreVersion: features.version,
    coreLimits: args.coreLimits,
    outbound: { wireguard: features.wireguard === true, naive: features.naive === true },
    runIntervalMs: args.runIntervalMs,
    idleMs: args.idleMs,
    ...(trust.ca === undefined ? {} : { ca: trust.ca }),
    ...(trust.coreEnv === undefined ? {} : { coreEnv: trust.coreEnv }),
  };
}
