-- config_current_changes: every change of configs.current.v1 (the merged state of a config),
-- tombstones included (deleted = 1: no source carries the config any more).
--
-- The topic is compacted; the sink reads each change within the topic's compaction lag and
-- keeps them all, so this is the history of the merged set. Queries: the state of one config
-- as of a time (argMax by event_time over its rows), and the current set (argMax per
-- fingerprint). ORDER BY (fingerprint, event_time, event_id) serves both; event_id makes
-- ReplacingMergeTree fold redelivered events. A tombstone carries no event id, so the sink
-- derives one from its topic, partition and offset (stable across redelivery).
CREATE TABLE IF NOT EXISTS config_current_changes
(
    event_id            UUID,
    event_time          DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    fingerprint         String CODEC(ZSTD(1)),
    deleted             Bool COMMENT 'a tombstone: the config left the merged set',
    fingerprint_policy  LowCardinality(String),
    protocol            LowCardinality(String),
    server              String CODEC(ZSTD(1)),
    port                UInt16,
    config              String CODEC(ZSTD(3)),
    source_ids          Array(LowCardinality(String)),
    first_seen          Nullable(DateTime64(3, 'UTC')),
    last_seen           Nullable(DateTime64(3, 'UTC')),
    producer            LowCardinality(String),
    ingested_at         DateTime('UTC') DEFAULT now() CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (fingerprint, event_time, event_id)
TTL toDateTime(event_time) + INTERVAL 400 DAY
SETTINGS ttl_only_drop_parts = 1
COMMENT 'configs.current.v1 changes incl. tombstones. ORDER BY (fingerprint, event_time, event_id): state as of T by argMax; event_id makes ReplacingMergeTree fold redelivered events. 400-day TTL.';
