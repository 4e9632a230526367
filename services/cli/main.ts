import { readFile, writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EMIT_TARGET_LIST, type EmitTarget } from '../core/emit/index.ts';
import { FINGERPRINT_POLICY_LIST, type FingerprintPolicy } from '../core/identity/index.ts';
import { convert, summaryLine, type ConvertInput } from './convert.ts';
import { registerCatalogCommand } from './catalog-command.ts';
import { registerMigrateCommand } from './migrate-command.ts';
import { registerReplayCommand } from './replay-command.ts';

/**
 * The `submerge` command line. Only this file does I/O: it reads the inputs, hands them to
 * the pure `convert`, prints the subscription on stdout and the one-line summary on stderr.
 * `convert` is offline by design: nothing it runs opens a socket. The pipeline commands
 * (`catalog load`, `replay`) live in their own files and talk to Kafka and the registry.
 */
export const EXIT_CODES = { ok: 0, nothingRead: 1, usage: 2 } as const;

interface ConvertFlags {
  readonly to: EmitTarget;
  readonly dedupe?: FingerprintPolicy;
  readonly report?: string;
  readonly allowPrivate?: boolean;
  readonly maxBytes?: number;
  readonly quiet?: boolean;
}

export function buildProgram(): Command {
  const program = new Command('submerge')
    .description(
      'VPN subscription merger: parse every share-link and container format, emit any client format.',
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('convert')
    .description('convert subscriptions (files, or - for stdin) to one client format, offline')
    .addOption(new Option('--to <format>', 'output format').choices(EMIT_TARGET_LIST).makeOptionMandatory())
    .addOption(
      new Option('--dedupe <policy>', 'fold configs with the same identity').choices(FINGERPRINT_POLICY_LIST),
    )
    .option('--report <file>', 'write a JSON report (counts, diagnostics, incompatible configs) to this file')
    .option('--allow-private', 'keep configs that point at loopback, private or link-local addresses')
    .addOption(new Option('--max-bytes <n>', 'largest input accepted, in bytes').argParser(positiveInt))
    .option('-q, --quiet', 'no summary line on stderr')
    .argument('<inputs...>', 'subscription files; - reads stdin')
    .action(async (paths: string[], flags: ConvertFlags) => {
      process.exitCode = await runConvert(paths, flags);
    });
  // Pipeline operations: these talk to Kafka and the registry named by the SUBMERGE_* environment.
  registerCatalogCommand(program);
  registerReplayCommand(program);
  registerMigrateCommand(program);
  return program;
}

async function runConvert(paths: readonly string[], flags: ConvertFlags): Promise<number> {
  const inputs: ConvertInput[] = [];
  for (const path of paths) inputs.push(await readInput(path));
  const outcome = convert(inputs, {
    to: flags.to,
    ...(flags.dedupe === undefined ? {} : { dedupe: flags.dedupe }),
    ...(flags.allowPrivate === true ? { allowPrivateAddresses: true } : {}),
    ...(flags.maxBytes === undefined ? {} : { maxBytes: flags.maxBytes }),
  });
  if (outcome.output !== '') await writeStdout(outcome.output);
  if (flags.report !== undefined)
    await writeFile(flags.report, `${JSON.stringify(outcome.report, null, 2)}\n`);
  if (flags.quiet !== true) {
    for (const source of outcome.report.sources) {
      if (source.readError !== undefined)
        process.stderr.write(`submerge: cannot read ${source.source}: ${source.readError}\n`);
    }
    process.stderr.write(`${summaryLine(outcome.report)}\n`);
  }
  return outcome.readAnything ? EXIT_CODES.ok : EXIT_CODES.nothingRead;
}

async function readInput(path: string): Promise<ConvertInput> {
  try {
    const body = path === '-' ? await readStdin() : await readFile(path);
    return { source: path, body };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { source: path, readError: code ?? (error instanceof Error ? error.message : String(error)) };
  }
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Resolves once the kernel took the bytes, so a large subscription is not cut off by exit. */
function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`not a positive integer: ${value}`);
  return n;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_CODES.ok;
  } catch (error) {
    // commander throws on --help/--version (exit 0) and on usage errors.
    const code = (error as { exitCode?: number }).exitCode;
    return code === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
