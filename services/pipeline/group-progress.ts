import type { EventLog } from '../shared/runtime/event-log.ts';

/** Where a consumer group stands on one topic against a target (end offsets, usually). */
export interface GroupProgress {
  readonly topic: string;
  /** Records between the start offsets and the group's committed offsets. */
  readonly processed: bigint;
  /** Records between the committed offsets and the target. */
  readonly lag: bigint;
}

export type Offsets = ReadonlyMap<number, string>;

/**
 * Progress of `group` on `topic`: committed offsets against `target` (default: the end offsets
 * now), counted from `start` (default 0). A partition without a committed offset counts from its start.
 */
export async function groupProgress(
  log: EventLog,
  group: string,
  topic: string,
  { target, start }: { readonly target?: Offsets; readonly start?: Offsets } = {},
): Promise<GroupProgress> {
  const [ends, committed] = await Promise.all([
    target ?? log.endOffsets(topic),
    log.committedOffsets(group, topic),
  ]);
  let processed = 0n;
  let lag = 0n;
  for (const [partition, end] of ends) {
    const from = BigInt(start?.get(partition) ?? '0');
    const at = BigInt(committed.get(partition) ?? from.toString());
    const goal = BigInt(end);
    if (at > from) processed += at - from;
    if (goal > at) lag += goal - at;
  }
  return { topic, processed, lag };
}

export interface WaitOptions {
  readonly target?: Offsets;
  readonly start?: Offsets;
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly onProgress?: (progress: GroupProgress) => void;
  /** Checked every round: a crashed run must end the wait, not hang it. */
  readonly failed?: () => unknown;
}

export class CatchUpError extends Error {
  readonly code: 'CATCH_UP_TIMEOUT' | 'PROCESSOR_FAILED';
  readonly retriable = false;
  constructor(code: CatchUpError['code'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** Resolves once the group has committed up to the target on every partition. */
export async function waitUntilCaughtUp(
  log: EventLog,
  group: string,
  topic: string,
  options: WaitOptions = {},
): Promise<GroupProgress> {
  const { intervalMs = 500, timeoutMs = Number.POSITIVE_INFINITY, onProgress, failed } = options;
  const target = options.target ?? (await log.endOffsets(topic));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = failed?.();
    if (failure !== undefined && failure !== null) {
      throw new CatchUpError('PROCESSOR_FAILED', `${group} failed before catching up on ${topic}`, {
        cause: failure,
      });
    }
    const progress = await groupProgress(log, group, topic, {
      target,
      ...(options.start === undefined ? {} : { start: options.start }),
    });
    onProgress?.(progress);
    if (progress.lag === 0n) return progress;
    if (Date.now() > deadline)
      throw new CatchUpError('CATCH_UP_TIMEOUT', `${group} still ${progress.lag} records behind on ${topic}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
