import type { ProxyConfig } from '../../model/config.ts';
import type { Diagnostic } from '../../model/diagnostic.ts';
import { createSink } from '../../validate/diagnostic-sink.ts';
import { validateConfig } from '../../validate/validate-config.ts';
import type { ParseOptions } from '../parse-options.ts';
import { SCHEME_PARSERS, UNSUPPORTED_SCHEMES } from './schemes.ts';

export interface LinkParseOutcome {
  readonly config?: ProxyConfig;
  readonly diagnostics: readonly Diagnostic[];
}

/** Longer than any real link (V19's raw xhttp extra is ~1 KiB): junk or an attack. */
export const MAX_LINK_LENGTH = 65536;

const CHAIN = / -> [a-z][a-z0-9+.-]*:\/\//i;

function isSchemeChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
}

/**
 * Parse one share link (already split from its neighbours) into a validated config.
 * Never throws on input: every problem is a diagnostic with a stable code.
 */
export function parseLink(link: string, options: ParseOptions & { readonly line: number }): LinkParseOutcome {
  const text = link.trim();
  const sep = text.indexOf('://');
  if (sep <= 0 || sep > 32) {
    const sink = createSink(options.line, undefined);
    sink.error('MALFORMED_LINK', 'not a share link (no scheme://)');
    return { diagnostics: sink.list() };
  }
  const scheme = text.slice(0, sep).toLowerCase();
  for (let i = 0; i < scheme.length; i++) {
    if (!isSchemeChar(scheme.charCodeAt(i))) {
      const sink = createSink(options.line, undefined);
      sink.error('MALFORMED_LINK', 'not a share link (invalid scheme)');
      return { diagnostics: sink.list() };
    }
  }
  const sink = createSink(options.line, scheme);
  if (text.length > MAX_LINK_LENGTH) {
    sink.error('LINE_TOO_LONG', `link longer than ${MAX_LINK_LENGTH} characters`);
    return { diagnostics: sink.list() };
  }
  const parser = SCHEME_PARSERS.get(scheme);
  if (parser === undefined) {
    sink.error(
      'UNKNOWN_SCHEME',
      UNSUPPORTED_SCHEMES.has(scheme) ? `unsupported scheme ${scheme}://` : `unknown scheme ${scheme}://`,
    );
    return { diagnostics: sink.list() };
  }
  // hiddify detour chains `linkA -> linkB` (V57): a chain is not one server. Its second link
  // needs a second `://`; looking for that first is cheaper than for ` -> ` (names hold ` - `).
  if (text.indexOf('://', sep + 3) !== -1 && text.indexOf(' -> ') !== -1 && CHAIN.test(text)) {
    sink.error('UNSUPPORTED_ENTRY', 'unsupported detour chain (A -> B)');
    return { diagnostics: sink.list() };
  }
  let raw: ProxyConfig | undefined;
  try {
    raw = parser(text.slice(sep + 3), { sink, scheme });
  } catch (cause) {
    // A parser bug must not lose the rest of the body; the fuzz tests keep this branch dead.
    sink.error('MALFORMED_LINK', `parser failure: ${cause instanceof Error ? cause.message : String(cause)}`);
    return { diagnostics: sink.list() };
  }
  if (raw === undefined || sink.hasErrors()) return { diagnostics: sink.list() };
  const v = validateConfig(raw, options);
  const own = sink.list();
  const checked =
    v.diagnostics.length === 0 || scheme === raw.protocol
      ? v.diagnostics
      : v.diagnostics.map((d) => ({ ...d, scheme }));
  const diagnostics = own.length === 0 ? checked : checked.length === 0 ? own : [...own, ...checked];
  return v.config === undefined ? { diagnostics } : { config: v.config, diagnostics };
}
