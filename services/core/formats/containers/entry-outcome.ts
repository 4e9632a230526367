import type { ProxyConfig } from '../../model/config.ts';
import type { Diagnostic, DiagnosticCode, Severity } from '../../model/diagnostic.ts';

/**
 * What reading one structured entry (a Clash proxy, a sing-box outbound, a QX line...)
 * gave: a config still to be validated, a recognised non-proxy (group, direct, block,
 * dns: counted, never diagnosed), or a rejection that carries at least one error.
 */
export type EntryOutcome =
  | { readonly kind: 'config'; readonly config: ProxyConfig; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: 'non-proxy' }
  | { readonly kind: 'rejected'; readonly diagnostics: readonly Diagnostic[] };

export function problem(code: DiagnosticCode, message: string, severity: Severity = 'error'): Diagnostic {
  return { code, severity, message };
}

export function rejected(code: DiagnosticCode, message: string): EntryOutcome {
  return { kind: 'rejected', diagnostics: [problem(code, message)] };
}

export function accepted(config: ProxyConfig, diagnostics: readonly Diagnostic[] = []): EntryOutcome {
  return { kind: 'config', config, diagnostics };
}

export const NON_PROXY: EntryOutcome = { kind: 'non-proxy' };
