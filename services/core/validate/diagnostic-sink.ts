import type { Diagnostic, DiagnosticCode, Severity } from '../model/diagnostic.ts';

/** Collects diagnostics for one place in the input; allocates nothing until something is said. */
export interface DiagnosticSink {
  error(code: DiagnosticCode, message: string): void;
  warn(code: DiagnosticCode, message: string): void;
  info(code: DiagnosticCode, message: string): void;
  hasErrors(): boolean;
  list(): readonly Diagnostic[];
}

const NONE: readonly Diagnostic[] = Object.freeze([]);

export function createSink(line: number | undefined, scheme: string | undefined): DiagnosticSink {
  let items: Diagnostic[] | undefined;
  let errors = 0;
  const push = (code: DiagnosticCode, severity: Severity, message: string): void => {
    const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, severity, message };
    if (line !== undefined) d.line = line;
    if (scheme !== undefined) d.scheme = scheme;
    (items ??= []).push(d);
  };
  return {
    error(code, message) {
      errors += 1;
      push(code, 'error', message);
    },
    warn(code, message) {
      push(code, 'warning', message);
    },
    info(code, message) {
      push(code, 'info', message);
    },
    hasErrors: () => errors > 0,
    list: () => items ?? NONE,
  };
}

/** Quote a value for a message, bounded so junk cannot bloat diagnostics. */
export function quote(value: string): string {
  const shown = value.length > 64 ? `${value.slice(0, 61)}...` : value;
  return JSON.stringify(shown);
}
