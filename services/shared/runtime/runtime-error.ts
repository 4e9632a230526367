/**
 * Errors of the runtime spine. Callers match on `code`, never on the class; `retriable`
 * tells the run loop whether to back off and try again or to crash and be restarted.
 */
export const RUNTIME_ERROR_CODES = {
  /** The consumer group moved on: the in-flight batch belongs to an old generation. */
  rebalance: 'REBALANCE_IN_PROGRESS',
  /** Another instance took over the transactional id; this one must stop. */
  fenced: 'PRODUCER_FENCED',
  /** A transaction was used after commit/abort, or a second one began while one was open. */
  transactionState: 'TRANSACTION_STATE',
  unknownTopic: 'UNKNOWN_TOPIC',
  /** A partition or offset outside what the topic holds. */
  invalidPartition: 'INVALID_PARTITION',
  /** A processor's inputs and changelogs must share one partition count to keep state local. */
  partitionsMismatch: 'PARTITIONS_MISMATCH',
  /** A processor broke its contract: an undeclared output topic or store. A bug, so a crash. */
  processorContract: 'PROCESSOR_CONTRACT',
  /** A changelog record could not be read back: state cannot be trusted, so a crash. */
  changelogCorrupt: 'CHANGELOG_CORRUPT',
  /** Retriable failures went on for longer than the retry policy allows. */
  retriesExhausted: 'RETRIES_EXHAUSTED',
  /** The persistence hook of the in-process log refused a commit. */
  persistenceFailed: 'PERSISTENCE_FAILED',
  /** Offsets of a group with live members cannot be overwritten. */
  groupActive: 'GROUP_ACTIVE',
  closed: 'LOG_CLOSED',
} as const;
export type RuntimeErrorCode = (typeof RUNTIME_ERROR_CODES)[keyof typeof RUNTIME_ERROR_CODES];

export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  readonly code: RuntimeErrorCode;
  readonly retriable: boolean;
  constructor(
    code: RuntimeErrorCode,
    message: string,
    options: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Whatever was thrown declares itself retriable (kafkajs errors and ours carry the flag). */
export function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

/** The stable code of any thrown value: ours, kafkajs' `type`, node's `code`, else UNKNOWN. */
export function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'UNKNOWN';
  const { code, type } = error as { code?: unknown; type?: unknown };
  if (typeof code === 'string') return code;
  if (typeof type === 'string') return type;
  return 'UNKNOWN';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isRebalance(error: unknown): boolean {
  return errorCode(error) === RUNTIME_ERROR_CODES.rebalance;
}
