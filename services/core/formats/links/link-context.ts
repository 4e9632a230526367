import type { ProxyConfig } from '../../model/config.ts';
import type { DiagnosticSink } from '../../validate/diagnostic-sink.ts';

/** What a scheme parser gets besides the text after `scheme://`. */
export interface LinkContext {
  readonly sink: DiagnosticSink;
  /** Lower-cased scheme as written (`hy2`, `socks5`, `naive+quic`). */
  readonly scheme: string;
}

/** Parse the text after `scheme://` into an unvalidated config; undefined after an error. */
export type SchemeParser = (afterScheme: string, ctx: LinkContext) => ProxyConfig | undefined;
