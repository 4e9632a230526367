/**
 * Long fuzz run of the format core: `npm run -s fuzz:formats [-- --cases N --seed S --hang-ms MS]`.
 *
 * The cases run in a worker thread; the main thread is a watchdog. Before each case the
 * worker writes the input and a start stamp into shared memory, so when one case runs
 * longer than --hang-ms (a hang or a super-linear blow-up) the main thread can stop the
 * worker and still save the exact input to fuzz-hang-<seed>.bin. A thrown exception or a
 * broken invariant is recorded and the run goes on; at the end every distinct failure is
 * listed with its count and smallest input (exit status 1).
 * Default: 1,000,000 cases, every 20th also re-emitted to every target and re-parsed.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';

interface Options {
  readonly cases: number;
  readonly seed: number;
  readonly hangMs: number;
  readonly reemitEvery: number;
}

interface Shared {
  /** [0] case start (ms since run start, -1 = idle), [1] input byte length, [2] input is binary. */
  readonly state: SharedArrayBuffer;
  readonly input: SharedArrayBuffer;
}

type Message =
  | {
      readonly kind: 'progress';
      readonly done: number;
      readonly configs: number;
      readonly slowestMs: number;
      readonly slowestBytes: number;
    }
  | {
      readonly kind: 'done';
      readonly failed: boolean;
      readonly report: string;
      readonly done: number;
      readonly configs: number;
      readonly slowestMs: number;
      readonly slowestBytes: number;
      readonly rerunMs: number;
    };

interface Failure {
  count: number;
  message: string;
  example: string;
}

const INPUT_BYTES = 8 * 1024 * 1024;

function firstFrame(error: Error): string {
  const frame = (error.stack ?? '').split('\n').find((line) => line.includes('/services/'));
  return frame?.trim() ?? 'unknown location';
}

function parseArgs(): Options {
  const get = (name: string, fallback: number): number => {
    const i = process.argv.indexOf(`--${name}`);
    const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
    return Number.isFinite(value) ? value : fallback;
  };
  return {
    cases: get('cases', 1_000_000),
    seed: get('seed', Date.now() % 2 ** 31),
    hangMs: get('hang-ms', 10_000),
    reemitEvery: get('reemit-every', 20),
  };
}

async function runWorker(): Promise<void> {
  const { options, shared } = workerData as { options: Options; shared: Shared };
  const port = parentPort;
  if (port === null) throw new Error('fuzz worker without a parent port');
  const { loadFuzzSeeds } = await import('../test/helpers/fuzz-seeds.ts');
  const { fuzzInputArb } = await import('../test/helpers/format-fuzz.ts');
  const { checkBody } = await import('../test/helpers/format-invariants.ts');
  const state = new Int32Array(shared.state);
  const inputBytes = new Uint8Array(shared.input);
  const encoder = new TextEncoder();
  const t0 = performance.now();
  let done = 0;
  let configs = 0;
  let slowestMs = 0;
  let slowestBytes = 0;
  let slowestInput: string | Uint8Array = '';
  // Keep going after a failure: one long run should surface every distinct defect, each
  // with its smallest input, rather than stop at the first one.
  const failures = new Map<string, Failure>();
  const record = (error: unknown, input: string | Uint8Array): void => {
    const message =
      error instanceof Error
        ? `${error.name}: ${error.message}${error.name === 'InvariantError' ? '' : ` at ${firstFrame(error)}`}`
        : String(error);
    const kind = message.replace(/\d+/g, 'N');
    const example =
      typeof input === 'string' ? JSON.stringify(input) : `base64:${Buffer.from(input).toString('base64')}`;
    const known = failures.get(kind);
    if (known === undefined) failures.set(kind, { count: 1, message, example });
    else {
      known.count += 1;
      if (example.length < known.example.length) {
        known.example = example;
        known.message = message;
      }
    }
  };
  const property = fc.property(fuzzInputArb(loadFuzzSeeds()), (input) => {
    const bytes = typeof input === 'string' ? encoder.encode(input) : input;
    const length = Math.min(bytes.length, INPUT_BYTES);
    inputBytes.set(bytes.subarray(0, length));
    Atomics.store(state, 1, length);
    Atomics.store(state, 2, typeof input === 'string' ? 0 : 1);
    const started = performance.now();
    Atomics.store(state, 0, Math.floor(started - t0));
    try {
      configs += checkBody(input, { reemit: done % options.reemitEvery === 0 });
    } catch (error) {
      record(error, input);
    }
    const ms = performance.now() - started;
    Atomics.store(state, 0, -1);
    if (ms > slowestMs) {
      slowestMs = ms;
      slowestBytes = length;
      slowestInput = input;
    }
    done += 1;
    if (done % 10_000 === 0)
      port.postMessage({ kind: 'progress', done, configs, slowestMs, slowestBytes } satisfies Message);
  });
  const details = fc.check(property, { numRuns: options.cases, seed: options.seed, endOnFailure: true });
  if (details.failed) record(details.errorInstance, new Uint8Array());
  // Re-time the slowest case alone: a GC pause or a busy machine is not a blow-up; a real one repeats.
  let rerunMs = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    try {
      checkBody(slowestInput, { reemit: true });
    } catch {
      // already recorded
    }
    rerunMs = Math.min(rerunMs, performance.now() - started);
  }
  port.postMessage({
    kind: 'done',
    failed: failures.size > 0,
    report: [...failures.values()]
      .sort((a, b) => b.count - a.count)
      .map((f) => `  ${f.count} x ${f.message}\n    smallest input: ${f.example.slice(0, 2000)}`)
      .join('\n'),
    done,
    configs,
    slowestMs,
    slowestBytes,
    rerunMs,
  } satisfies Message);
}

function runMain(): void {
  const options = parseArgs();
  const shared: Shared = { state: new SharedArrayBuffer(12), input: new SharedArrayBuffer(INPUT_BYTES) };
  const state = new Int32Array(shared.state);
  Atomics.store(state, 0, -1);
  const t0 = performance.now();
  console.log(
    `fuzz:formats seed=${options.seed} cases=${options.cases} hang-ms=${options.hangMs} node ${process.version}`,
  );
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { options, shared },
    execArgv: ['--import', 'tsx'],
  });
  let finished = false;
  const watchdog = setInterval(() => {
    const started = Atomics.load(state, 0);
    if (started < 0) return;
    // The worker's clock started a little after ours; the difference only delays detection.
    const running = performance.now() - t0 - started;
    if (running <= options.hangMs) return;
    const length = Atomics.load(state, 1);
    const file = `fuzz-hang-${options.seed}.bin`;
    writeFileSync(file, new Uint8Array(shared.input, 0, length));
    console.error(`HANG: one case ran > ${options.hangMs} ms; input (${length} bytes) saved to ${file}`);
    finished = true;
    clearInterval(watchdog);
    void worker.terminate().then(() => process.exit(2));
  }, 250);
  worker.on('message', (message: Message) => {
    const elapsed = ((performance.now() - t0) / 1000).toFixed(1);
    if (message.kind === 'progress') {
      if (message.done % 100_000 === 0) {
        console.log(
          `${message.done} cases, ${message.configs} configs, ${elapsed} s, slowest case ${message.slowestMs.toFixed(1)} ms (${message.slowestBytes} bytes)`,
        );
      }
      return;
    }
    finished = true;
    clearInterval(watchdog);
    console.log(
      `${message.failed ? 'FAILED' : 'OK'}: ${message.done} cases, ${message.failed ? 'failures below' : 'no uncaught exception, broken invariant or hang'}; ` +
        `${message.configs} configs checked; ${elapsed} s; slowest case ${message.slowestMs.toFixed(1)} ms (${message.slowestBytes} bytes, ${message.rerunMs.toFixed(1)} ms when re-run alone with re-emit); seed ${options.seed}`,
    );
    if (message.failed) console.error(message.report);
    void worker.terminate().then(() => process.exit(message.failed ? 1 : 0));
  });
  worker.on('error', (error) => {
    if (finished) return;
    clearInterval(watchdog);
    console.error('fuzz worker crashed:', error);
    process.exit(1);
  });
}

if (isMainThread) runMain();
else await runWorker();
