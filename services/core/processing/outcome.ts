import type { OutputRecord } from './record.ts';

/**
 * Expected outcomes are values. `ok` publishes outputs and state changes atomically with
 * the input's offset; `dlq` parks the input in the processor's dead-letter topic with a
 * stable code and moves on; `drop` skips it on purpose (e.g. an event for another version).
 * An exception is broken infrastructure: the run loop retries or crashes, never skips.
 */
export type ProcessOutcome =
  | {
      readonly kind: 'ok';
      readonly outputs: readonly OutputRecord[];
      readonly stateChanges: readonly StateChange[];
    }
  | { readonly kind: 'dlq'; readonly code: string; readonly message: string }
  | { readonly kind: 'drop'; readonly reason: string };

/** A write to one of the processor's keyed state stores (null value deletes the key). */
export interface StateChange<V = unknown> {
  readonly store: string;
  readonly key: string;
  readonly value: V | null;
}

export const ok = (
  outputs: readonly OutputRecord[],
  stateChanges: readonly StateChange[] = [],
): ProcessOutcome => ({
  kind: 'ok',
  outputs,
  stateChanges,
});
export const dlq = (code: string, message: string): ProcessOutcome => ({ kind: 'dlq', code, message });
export const drop = (reason: string): ProcessOutcome => ({ kind: 'drop', reason });
