/**
 * The merger's pure cost per observation at a million configs in its state, without Kafka:
 * createMerger().process over synthetic observations (one config per line, neighbouring sources
 * sharing 30 % of their lines as in bench:pipeline), state changes applied as the run loop does.
 * Not a test: prints CPU microseconds per observation and the heap the state holds.
 *
 *   node --import tsx --expose-gc bench/merger-process.bench.ts [--lines 1000000]
 */
import { createHash } from 'node:crypto';
import type { ProcessContext } from '../services/core/processing/processor.ts';
import { createMerger } from '../services/core/processors/merger.ts';
import { MERGER_STORE, pipelineTopics } from '../services/core/processors/pipeline-topics.ts';
import type { ConfigObserved } from '../services/generated/events.ts';

const i = process.argv.indexOf('--lines');
const LINES = i >= 0 ? Number(process.argv[i + 1]) : 1_000_000;
const SOURCES = 200;
const PER_SOURCE = Math.ceil(LINES / SOURCES);
const STEP = Math.round(PER_SOURCE * 0.7);
const T0 = Date.UTC(2026, 0, 1);

function observation(source: number, line: number): ConfigObserved {
  const server = `node-${line % 9973}.example.net`;
  const port = 1024 + (line % 64000);
  const config = JSON.stringify({
    name: `🇺🇸 relay ${line} | t.me/some_channel`,
    password: `pw-${line}-0123456789abcdef`,
    port,
    protocol: 'trojan',
    server,
    tls: { alpn: ['h2', 'http/1.1'], enabled: true, fingerprint: 'chrome', serverName: server },
    transport: { host: server, path: `/ws-${line % 97}`, type: 'ws' },
  });
  const fingerprint = createHash('sha256').update(`${server}:${port}:${line}`).digest('hex');
  const id = `00000000-0000-4000-8000-${String(source * 1_000_000 + line).padStart(12, '0')}`;
  return {
    metadata: { eventId: id, eventTime: T0 + source, producer: 'parser', correlationId: id, causationId: id },
    fingerprint,
    fingerprintPolicy: 'endpoint-credential',
    sourceId: `src-${source}`,
    presence: 'present',
    protocol: 'trojan',
    server,
    port,
    config,
    originLine: line,
    originFrom: 'trojan',
    fetchEventId: id,
    fetchedAt: T0 + source,
  };
}

const topics = pipelineTopics({ prefix: 'bench.' });
const merger = createMerger({ topics, restoreFromCurrent: true });
const store = new Map<string, unknown>();
const context: ProcessContext = {
  store: <V>() => ({ get: (k: string) => store.get(k) as V | undefined }),
  now: 0,
};
const gc = (globalThis as { gc?: () => void }).gc;

let processed = 0;
let cpuMicros = 0;
let outputs = 0;
const CHUNK = 20_000;
for (let s = 0; s < SOURCES; s += 1) {
  // Built outside the measured span: the run loop gets them decoded from the consumer.
  const batch: ConfigObserved[] = [];
  for (let j = 0; j < PER_SOURCE; j += 1) batch.push(observation(s, s * STEP + j));
  for (let k = 0; k < batch.length; k += CHUNK) {
    const chunk = batch.slice(k, k + CHUNK);
    const before = process.cpuUsage();
    for (const value of chunk) {
      const outcome = merger.process(
        {
          topic: topics.observed,
          partition: 0,
          offset: '0',
          key: value.fingerprint,
          value,
          timestamp: 0,
          headers: {},
        },
        context,
      );
      if (outcome.kind !== 'ok') throw new Error(`unexpected ${outcome.kind}`);
      outputs += outcome.outputs.length;
      for (const c of outcome.stateChanges) {
        if (c.value === null) store.delete(c.key);
        else store.set(c.key, c.value);
      }
    }
    const used = process.cpuUsage(before);
    cpuMicros += used.user + used.system;
    processed += chunk.length;
  }
}
gc?.();
const heap = process.memoryUsage().heapUsed / 2 ** 20;
process.stdout.write(
  `${processed.toLocaleString('en-US')} observations, ${store.size.toLocaleString('en-US')} fingerprints in ${MERGER_STORE}, ${outputs.toLocaleString('en-US')} outputs: ` +
    `${(cpuMicros / processed).toFixed(2)} µs CPU per observation (process + state apply, GC included); heap after GC ${heap.toFixed(0)} MiB\n`,
);
