/**
 * The embedded mode's log, kept in chDB next to the history tables: one table holds every
 * committed record of the in-process bus, the consumer groups' committed offsets, each
 * partition's end offset and each topic's shape. One commit of the bus is one INSERT, which
 * ClickHouse writes as one part (no PARTITION BY, far below the block limits), so a commit is
 * stored whole or not at all.
 *
 * ORDER BY makes ReplacingMergeTree do the log's housekeeping, with `seq` (the store's commit
 * sequence) deciding which row of a slot is current:
 * - a record of a compacted topic sits in the slot of its key, so the latest value per key
 *   survives: Kafka's compaction;
 * - a record of any other topic sits in the slot of its offset; a commit retried after a failed
 *   one rewrites the same offsets, and the newer write wins;
 * - an offset row sits in the slot of its group, an end row in the partition's slot.
 * Readers use FINAL, so the result never depends on whether a merge has run yet. Records of
 * topics with a retention (the raw topic: 30 days) expire through the TTL, as on Kafka; rows
 * that must stay (compacted records, tombstones, offsets, ends) expire in the year 2100.
 */
export const EMBEDDED_LOG_TABLE = 'embedded_log';

export const ROW_KINDS = { record: 'record', offset: 'offset', end: 'end', topic: 'topic' } as const;
export type RowKind = (typeof ROW_KINDS)[keyof typeof ROW_KINDS];

/** 2100-01-01: "never" for the TTL, which needs a date. */
export const NEVER_EXPIRES_MS = 4_102_444_800_000;

export const CREATE_EMBEDDED_LOG = `CREATE TABLE IF NOT EXISTS ${EMBEDDED_LOG_TABLE}
(
    topic        LowCardinality(String),
    partition    UInt16,
    kind         Enum8('record' = 1, 'offset' = 2, 'end' = 3, 'topic' = 4),
    slot_key     String COMMENT 'record of a compacted topic: its key; offset row: the group',
    slot_offset  UInt64 COMMENT 'record of another topic: its offset',
    offset       UInt64 COMMENT 'record: its offset; offset row: the next offset to read; end row: the end offset',
    key          Nullable(String),
    value        String COMMENT 'record: JSON (bytes as {"$bytes": base64}); topic row: its shape' CODEC(ZSTD(1)),
    tombstone    Bool,
    timestamp    Int64 COMMENT 'epoch ms the record was appended' CODEC(Delta, ZSTD(1)),
    headers      Map(String, String),
    seq          UInt64 COMMENT 'commit sequence of the store: the newest row of a slot wins',
    expires_ms   Int64 COMMENT 'epoch ms the row may be dropped (the topic retention)'
)
ENGINE = ReplacingMergeTree(seq)
ORDER BY (topic, partition, kind, slot_key, slot_offset)
TTL toDateTime(intDiv(expires_ms, 1000))
COMMENT 'The in-process event log of the embedded mode: committed records, group offsets, end offsets, topics.'`;
