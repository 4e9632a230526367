import type { Diagnostic, DiagnosticCode, Severity } from '../../model/diagnostic.ts';
import { DIAGNOSTIC_CODES } from '../../model/diagnostic.ts';
import type { ParsedConfig, SubscriptionMetadata } from '../../model/parse-result.ts';
import { validateConfig } from '../../validate/validate-config.ts';
import { parseLink } from '../links/parse-link.ts';
import { knownSchemeNames } from '../links/schemes.ts';
import type { ParseOptions } from '../parse-options.ts';
import type { EntryOutcome } from './entry-outcome.ts';
import type { ParseLimits } from './limits.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Accumulates what one parse finds. Every config passes the single gate exactly once:
 * links through parseLink (which validates), structured entries through validateConfig.
 */
export interface Collector {
  readonly options: ParseOptions;
  readonly limits: ParseLimits;
  readonly configs: ParsedConfig[];
  readonly diagnostics: Diagnostic[];
  readonly nonProxyEntries: Record<string, number>;
  readonly metadata: Mutable<SubscriptionMetadata>;
  /** True once the entry limit is reached; readers stop reading. */
  full(): boolean;
  note(code: DiagnosticCode, severity: Severity, message: string, line?: number, scheme?: string): void;
  /** A structured entry read as `from` (e.g. `clash:vless`) at entry index + 1 `line`. */
  entry(outcome: EntryOutcome, line: number, from: string): void;
  /** One share link (already split from its neighbours) found on body line `line`. */
  link(link: string, line: number): void;
}

export function createCollector(options: ParseOptions, limits: ParseLimits): Collector {
  const configs: ParsedConfig[] = [];
  const diagnostics: Diagnostic[] = [];
  const nonProxyEntries: Record<string, number> = {};
  const metadata: Mutable<SubscriptionMetadata> = {};
  let entries = 0;
  let stopped = false;
  // One options object for every link, its line updated in place: parseLink and
  // validateConfig read it and keep nothing, and this runs for every link of a body.
  const linkOptions: { allowPrivateAddresses?: boolean; line: number } = { ...options, line: 0 };

  const count = (line: number): boolean => {
    if (stopped) return false;
    if (entries >= limits.maxEntries) {
      stopped = true;
      diagnostics.push({
        code: DIAGNOSTIC_CODES.bodyTooLarge,
        severity: 'error',
        message: `more than ${limits.maxEntries} entries; the rest was not read`,
        line,
      });
      return false;
    }
    entries++;
    return true;
  };

  // The place names the diagnostic: its line and the scheme / entry type it was read as.
  const stamp = (ds: readonly Diagnostic[], line: number, scheme: string): void => {
    for (const d of ds) diagnostics.push({ ...d, line, scheme });
  };

  return {
    options,
    limits,
    configs,
    diagnostics,
    nonProxyEntries,
    metadata,
    full: () => stopped,
    note(code, severity, message, line, scheme) {
      const d: Mutable<Diagnostic> = { code, severity, message };
      if (line !== undefined) d.line = line;
      if (scheme !== undefined) d.scheme = scheme;
      diagnostics.push(d);
    },
    entry(outcome, line, from) {
      if (outcome.kind === 'non-proxy') {
        nonProxyEntries[from] = (nonProxyEntries[from] ?? 0) + 1;
        return;
      }
      if (!count(line)) return;
      if (outcome.kind === 'rejected') {
        stamp(outcome.diagnostics, line, from);
        return;
      }
      stamp(outcome.diagnostics, line, from);
      const validated = validateConfig(outcome.config, { ...options, line });
      stamp(validated.diagnostics, line, from);
      if (validated.config !== undefined) configs.push({ config: validated.config, origin: { line, from } });
    },
    link(link, line) {
      if (!count(line)) return;
      const scheme = schemeOf(link);
      linkOptions.line = line;
      const outcome = parseLink(link, linkOptions);
      stamp(outcome.diagnostics, line, scheme);
      if (outcome.config !== undefined) {
        configs.push({ config: outcome.config, origin: { line, from: scheme } });
      } else if (!outcome.diagnostics.some((d) => d.severity === 'error')) {
        // The gate must say why nothing came out; never lose a line silently.
        diagnostics.push({
          code: DIAGNOSTIC_CODES.malformedLink,
          severity: 'error',
          message: 'link produced no config',
          line,
          scheme,
        });
      }
    },
  };
}

/** Lower-cased text before `://` (the caller only passes text that has one). */
export function schemeOf(link: string): string {
  const i = link.indexOf('://');
  const scheme = (i < 0 ? link : link.slice(0, i)).toLowerCase();
  // Every parsed config keeps its scheme (origin.from): share one string per known scheme
  // rather than retaining a fresh copy per config (fewer live objects for the scavenger).
  return KNOWN_SCHEMES.get(scheme) ?? scheme;
}

const KNOWN_SCHEMES: ReadonlyMap<string, string> = new Map(knownSchemeNames().map((s) => [s, s]));
