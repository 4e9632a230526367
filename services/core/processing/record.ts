/** A record as a processor sees it: decoded, whatever log it came from (Kafka or the in-process bus). */
export interface InputRecord<V = unknown> {
  readonly topic: string;
  readonly partition: number;
  /** Log offset as a decimal string (Kafka offsets exceed 2^53 in theory). */
  readonly offset: string;
  readonly key: string | null;
  /** null is a tombstone. */
  readonly value: V | null;
  /** Producer timestamp, epoch ms. */
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** What a processor asks the run loop to publish. A null value is a tombstone. */
export interface OutputRecord<V = unknown> {
  readonly topic: string;
  readonly key: string;
  readonly value: V | null;
  readonly headers?: Readonly<Record<string, string>>;
}
