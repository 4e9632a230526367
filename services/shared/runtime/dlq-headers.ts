import type { LogRecord, OutgoingRecord } from './event-log.ts';

/** Headers a DLQ record carries on top of the failed record's own: where it came from and why it failed. */
export const DLQ_HEADERS = {
  processor: 'dlq.processor',
  sourceTopic: 'dlq.source.topic',
  sourcePartition: 'dlq.source.partition',
  sourceOffset: 'dlq.source.offset',
  errorCode: 'dlq.error.code',
  errorMessage: 'dlq.error.message',
  /** Epoch ms the run loop parked it. */
  failedAt: 'dlq.failed.at',
} as const;

/** Error codes the run loop itself gives DLQ records (a processor's own dlq() codes are its own). */
export const DLQ_CODES = {
  /** The stored bytes could not be decoded; the codec's code is in the message. */
  undecodable: 'UNDECODABLE',
} as const;

/** Header values are strings; a message longer than this is cut, so one bad record cannot bloat the DLQ. */
const MAX_MESSAGE_LENGTH = 2_000;

/**
 * The DLQ copy of a failed record: same key, original bytes when the log has them (so it can be
 * inspected and replayed untouched), else the decoded value.
 */
export function dlqRecord(
  dlqTopic: string,
  processor: string,
  record: LogRecord,
  failure: { readonly code: string; readonly message: string },
  now: number,
): OutgoingRecord {
  return {
    topic: dlqTopic,
    key: record.key,
    ...(record.raw === null ? { value: record.value } : { value: record.raw, encoding: 'raw' as const }),
    headers: {
      ...record.headers,
      [DLQ_HEADERS.processor]: processor,
      [DLQ_HEADERS.sourceTopic]: record.topic,
      [DLQ_HEADERS.sourcePartition]: String(record.partition),
      [DLQ_HEADERS.sourceOffset]: record.offset,
      [DLQ_HEADERS.errorCode]: failure.code,
      [DLQ_HEADERS.errorMessage]: failure.message.slice(0, MAX_MESSAGE_LENGTH),
      [DLQ_HEADERS.failedAt]: String(now),
    },
  };
}
