import { createRequire } from 'node:module';

/**
 * The part of @confluentinc/kafka-javascript's node-rdkafka-style API (librdkafka bindings) the
 * native producer uses. The package is not a dependency of submerge: it is a native addon that
 * must be built for the running Node ABI, so it is loaded by name at run time and typed here.
 */
export const LIBRDKAFKA_PACKAGE = '@confluentinc/kafka-javascript';

export const NATIVE_KAFKA_ERROR_CODES = {
  /** The native client is not installed (or not built for this Node). */
  clientMissing: 'NATIVE_KAFKA_CLIENT_MISSING',
  /** librdkafka reported an error that none of the runtime codes describes. */
  librdkafka: 'LIBRDKAFKA_ERROR',
} as const;
export type NativeKafkaErrorCode = (typeof NATIVE_KAFKA_ERROR_CODES)[keyof typeof NATIVE_KAFKA_ERROR_CODES];

/** What the bindings pass to callbacks (LibrdKafkaError). */
export interface LibrdkafkaError {
  readonly message: string;
  /** librdkafka's numeric error code (negative: local, positive: broker protocol). */
  readonly code: number;
  readonly isFatal?: boolean;
  readonly isRetriable?: boolean;
  readonly isTxnRequiresAbort?: boolean;
}

export type NativeCallback<T = void> = (error: LibrdkafkaError | null | undefined, value: T) => void;

export interface NativeTopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export type NativeHeaders = readonly Readonly<Record<string, string | Buffer>>[];

export interface NativeProducer {
  connect(metadataOptions: Record<string, never>, callback: NativeCallback<unknown>): void;
  setPollInterval(intervalMs: number): void;
  on(event: 'event.error', listener: (error: LibrdkafkaError) => void): void;
  initTransactions(timeoutMs: number, callback: NativeCallback): void;
  beginTransaction(callback: NativeCallback): void;
  commitTransaction(timeoutMs: number, callback: NativeCallback): void;
  abortTransaction(timeoutMs: number, callback: NativeCallback): void;
  sendOffsetsToTransaction(
    offsets: readonly NativeTopicPartitionOffset[],
    consumer: NativeConsumer,
    timeoutMs: number,
    callback: NativeCallback,
  ): void;
  /** Synchronous: queues the message in librdkafka; throws (ERR__QUEUE_FULL...) when it cannot. */
  produce(
    topic: string,
    partition: number | null,
    value: Buffer | null,
    key: string | null,
    timestamp: number | null,
    opaque: null,
    headers?: NativeHeaders,
  ): unknown;
  disconnect(timeoutMs: number, callback: NativeCallback<unknown>): void;
}

export interface NativeConsumer {
  connect(metadataOptions: Record<string, never>, callback: NativeCallback<unknown>): void;
  on(event: 'event.error', listener: (error: LibrdkafkaError) => void): void;
  disconnect(callback: NativeCallback<unknown>): void;
}

export type NativeConfig = Readonly<Record<string, string | number | boolean>>;

export interface LibrdkafkaModule {
  readonly Producer: new (config: NativeConfig) => NativeProducer;
  readonly KafkaConsumer: new (config: NativeConfig, topicConfig?: NativeConfig) => NativeConsumer;
  readonly librdkafkaVersion: string;
}

export class NativeKafkaError extends Error {
  override readonly name = 'NativeKafkaError';
  readonly code: NativeKafkaErrorCode;
  readonly retriable: boolean;
  /** librdkafka's numeric code, when librdkafka raised it. */
  readonly librdkafkaCode: number | null;
  constructor(
    code: NativeKafkaErrorCode,
    message: string,
    options: { retriable?: boolean; librdkafkaCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.librdkafkaCode = options.librdkafkaCode ?? null;
  }
}

/**
 * Loads the bindings: from `modulePath` (SUBMERGE_KAFKA_NATIVE_MODULE: the addon infra/local builds
 * for the project's Node into its cache, see infra/local/components/librdkafka.sh), else by name
 * (CommonJS resolution from this file, so an installed package or NODE_PATH works too).
 */
export function loadLibrdkafka(modulePath?: string): LibrdkafkaModule {
  const target = modulePath ?? LIBRDKAFKA_PACKAGE;
  try {
    return createRequire(import.meta.url)(target) as LibrdkafkaModule;
  } catch (cause) {
    throw new NativeKafkaError(
      NATIVE_KAFKA_ERROR_CODES.clientMissing,
      `${target} is not installed or not built for Node ${process.versions.node} (infra/local/up librdkafka builds it)`,
      { cause },
    );
  }
}

/** The bindings when they load, else undefined (the `auto` writer falls back to kafkajs). */
export function tryLoadLibrdkafka(modulePath?: string): LibrdkafkaModule | undefined {
  try {
    return loadLibrdkafka(modulePath);
  } catch {
    return undefined;
  }
}

/** A callback API as a promise; librdkafka's errors are Error-like objects, not Errors. */
export function call<T = void>(operation: (callback: NativeCallback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    operation((error, value) => {
      if (error) reject(error instanceof Error ? error : Object.assign(new Error(error.message), error));
      else resolve(value);
    });
  });
}
