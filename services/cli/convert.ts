import { dedupe } from '../core/dedupe.ts';
import type { SingBoxEmitOptions } from '../core/emit/index.ts';
import { emit, type EmitTarget } from '../core/emit/index.ts';
import { parseSubscription } from '../core/formats/parse-subscription.ts';
import { DEFAULT_FINGERPRINT_POLICY, fingerprint, type FingerprintPolicy } from '../core/identity/index.ts';
import type { ContainerFormat } from '../core/model/container.ts';
import type { DiagnosticCode, Severity } from '../core/model/diagnostic.ts';
import type { ParsedConfig } from '../core/model/parse-result.ts';
import type { Protocol } from '../core/model/protocol.ts';

/** One input as the shell read it; `body` is absent when it could not be read at all. */
export interface ConvertInput {
  /** File path, or `-` for stdin. */
  readonly source: string;
  readonly body?: Uint8Array | string;
  /** Why the shell could not read it (ENOENT, EACCES...). */
  readonly readError?: string;
}

export interface ConvertOptions {
  readonly to: EmitTarget;
  /** Fold configs with the same identity under this policy; absent: keep every config. */
  readonly dedupe?: FingerprintPolicy;
  readonly allowPrivateAddresses?: boolean;
  readonly maxBytes?: number;
  /** Passed to the sing-box emitter (what the target build includes). */
  readonly singBox?: Pick<SingBoxEmitOptions, 'naive' | 'wireguard'>;
}

export interface SourceReport {
  readonly source: string;
  readonly container?: ContainerFormat;
  readonly bytes?: number;
  readonly configs: number;
  readonly readError?: string;
}

export interface DiagnosticReport {
  readonly source: string;
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly line: number | null;
  readonly scheme?: string;
  readonly message: string;
}

export interface IncompatibleReport {
  readonly fingerprint: string;
  readonly code: string;
  readonly name: string;
  readonly protocol: Protocol;
  readonly reason: string;
}

/**
 * What `--report` writes. Counts form a funnel: `inputs` documents read -> `configs` parsed
 * -> `unique` after dedupe (equal to `configs` without --dedupe) -> `emitted` in the target.
 */
export interface ConvertReport {
  readonly target: EmitTarget;
  readonly dedupe: FingerprintPolicy | null;
  readonly inputs: number;
  readonly configs: number;
  readonly unique: number;
  readonly emitted: number;
  /** Configs handed to the emitter (after dedupe), per protocol. */
  readonly byProtocol: Readonly<Partial<Record<Protocol, number>>>;
  readonly emittedByProtocol: Readonly<Partial<Record<Protocol, number>>>;
  readonly sources: readonly SourceReport[];
  readonly diagnostics: readonly DiagnosticReport[];
  readonly incompatible: readonly IncompatibleReport[];
}

export interface ConvertOutcome {
  readonly output: string;
  readonly report: ConvertReport;
  /** False when no input yielded a single config: the only case the CLI exits non-zero. */
  readonly readAnything: boolean;
}

/** Parse every input, optionally dedupe, emit in the target format. Pure: the shell does the I/O. */
export function convert(inputs: readonly ConvertInput[], options: ConvertOptions): ConvertOutcome {
  const parsed: (ParsedConfig & { readonly source: string })[] = [];
  const sources: SourceReport[] = [];
  const diagnostics: DiagnosticReport[] = [];
  let documents = 0;
  for (const input of inputs) {
    if (input.body === undefined) {
      sources.push({ source: input.source, configs: 0, readError: input.readError ?? 'not readable' });
      continue;
    }
    documents += 1;
    const result = parseSubscription(input.body, {
      ...(options.allowPrivateAddresses === undefined
        ? {}
        : { allowPrivateAddresses: options.allowPrivateAddresses }),
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
    });
    for (const config of result.configs) parsed.push({ ...config, source: input.source });
    for (const d of result.diagnostics) {
      diagnostics.push({
        source: input.source,
        code: d.code,
        severity: d.severity,
        line: d.line ?? null,
        ...(d.scheme === undefined ? {} : { scheme: d.scheme }),
        message: d.message,
      });
    }
    sources.push({
      source: input.source,
      container: result.container,
      bytes: typeof input.body === 'string' ? Buffer.byteLength(input.body) : input.body.byteLength,
      configs: result.configs.length,
    });
  }

  const policy = options.dedupe ?? DEFAULT_FINGERPRINT_POLICY;
  const kept = options.dedupe === undefined ? parsed : dedupe(parsed, { policy: options.dedupe }).configs;
  const configs = kept.map((p) => p.config);
  const result = emit(options.to, configs, {
    fingerprint: (c) => fingerprint(c, policy),
    ...(options.to === 'sing-box' ? options.singBox : {}),
  });

  const byProtocol: Partial<Record<Protocol, number>> = {};
  for (const c of configs) byProtocol[c.protocol] = (byProtocol[c.protocol] ?? 0) + 1;
  const emittedByProtocol: Partial<Record<Protocol, number>> = { ...byProtocol };
  for (const i of result.incompatible) {
    const left = (emittedByProtocol[i.protocol] ?? 0) - 1;
    if (left > 0) emittedByProtocol[i.protocol] = left;
    else delete emittedByProtocol[i.protocol];
  }

  const report: ConvertReport = {
    target: options.to,
    dedupe: options.dedupe ?? null,
    inputs: documents,
    configs: parsed.length,
    unique: configs.length,
    emitted: result.emitted,
    byProtocol,
    emittedByProtocol,
    sources,
    diagnostics,
    incompatible: result.incompatible.map((i) => ({
      // Always set: the emitter was given the fingerprint function above.
      fingerprint: i.fingerprint ?? '',
      code: i.code,
      name: i.name,
      protocol: i.protocol,
      reason: i.reason,
    })),
  };
  return { output: result.output, report, readAnything: parsed.length > 0 };
}

/** One line for stderr: what was read, kept, written and left out. */
export function summaryLine(report: ConvertReport): string {
  const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
  const kept = report.dedupe === null ? '' : `, ${report.unique} after ${report.dedupe} dedupe`;
  return (
    `submerge: read ${report.configs} configs from ${report.inputs} input${report.inputs === 1 ? '' : 's'}${kept}, ` +
    `emitted ${report.emitted} as ${report.target}, ${report.incompatible.length} left out as incompatible, ` +
    `${errors} input error${errors === 1 ? '' : 's'}`
  );
}
