import type { ProxyConfig } from '../../model/config.ts';
import type { Diagnostic } from '../../model/diagnostic.ts';
import type { ParseOptions } from '../parse-options.ts';

export interface LinkParseOutcome {
  readonly config?: ProxyConfig;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parse one share link (already split from its neighbours) into a validated config.
 * Never throws on input: every problem is a diagnostic with a stable code.
 *
 * Interface fixed for the team; implementation owned by the share-link parser work.
 */
export function parseLink(link: string, options: ParseOptions & { readonly line: number }): LinkParseOutcome {
  void options;
  void link;
  return { diagnostics: [] };
}
