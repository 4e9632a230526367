import { execFile } from 'node:child_process';
import type { CoreOutboundOptions } from '../core/probing/core-outbound.ts';

/**
 * What the sing-box binary can run, from `sing-box version` (its build tags): release builds
 * have WireGuard (and naive where libcronet was linked), the infra/local build has neither. A
 * config the binary cannot run is then reported as unsupported instead of failing every batch
 * it lands in. Rejects when the binary does not run at all: a prober without its core is broken.
 */
export function coreFeatures(bin: string): Promise<CoreOutboundOptions & { readonly version: string }> {
  return new Promise((resolve, reject) => {
    execFile(bin, ['version'], { timeout: 15_000 }, (error, stdout) => {
      if (error !== null) {
        reject(new Error(`${bin} version failed: ${error.message}`, { cause: error }));
        return;
      }
      const version = /^sing-box version (\S+)/m.exec(stdout)?.[1] ?? 'unknown';
      const tags = new Set((/^Tags: (.*)$/m.exec(stdout)?.[1] ?? '').split(',').map((t) => t.trim()));
      resolve({ version, wireguard: tags.has('with_wireguard'), naive: tags.has('with_naive_outbound') });
    });
  });
}
