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

// A class rather than a closure-returning factory: one sink is made per link on the
// 200k links/s path, and per-call closures (plus the tsx name-keeping wrapper) cost more
// than the whole parse of a typical link.
class Sink implements DiagnosticSink {
  private items: Diagnostic[] | undefined;
  private errors = 0;
  constructor(
    private readonly line: number | undefined,
    private readonly scheme: string | undefined,
  ) {}

  private push(code: DiagnosticCode, severity: Severity, message: string): void {
    const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, severity, message };
    if (this.line !== undefined) d.line = this.line;
    if (this.scheme !== undefined) d.scheme = this.scheme;
    (this.items ??= []).push(d);
  }

  error(code: DiagnosticCode, message: string): void {
    this.errors += 1;
    this.push(code, 'error', message);
  }

  warn(code: DiagnosticCode, message: string): void {
    this.push(code, 'warning', message);
  }

  info(code: DiagnosticCode, message: string): void {
    this.push(code, 'info', message);
  }

  hasErrors(): boolean {
    return this.errors > 0;
  }

  list(): readonly Diagnostic[] {
    return this.items ?? NONE;
  }
}

export function createSink(line: number | undefined, scheme: string | undefined): DiagnosticSink {
  return new Sink(line, scheme);
}

/** Quote a value for a message, bounded so junk cannot bloat diagnostics. */
export function quote(value: string): string {
  const shown = value.length > 64 ? `${value.slice(0, 61)}...` : value;
  return JSON.stringify(shown);
}
