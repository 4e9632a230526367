import type { ProxyConfig } from '../model/config.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import type { ParseOptions } from '../formats/parse-options.ts';

export interface ValidationOutcome {
  /** Absent when the config was rejected; the diagnostics then hold at least one error. */
  readonly config?: ProxyConfig;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The single gate every parsed config passes through, whatever container it came from:
 * host syntax, port range, UUIDs, ciphers, key lengths, bounded string sizes, cleaned
 * names, address guard. Returns a normalised copy (lower-cased host, unbracketed IPv6...).
 *
 * Interface fixed for the team; implementation owned by the share-link parser work.
 */
export function validateConfig(
  config: ProxyConfig,
  options: ParseOptions & { readonly line?: number },
): ValidationOutcome {
  void options;
  return { config, diagnostics: [] };
}
