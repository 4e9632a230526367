-- config_observations: configs.observed.v1, one row per config per source per fetch. By far
-- the largest table (every fetch of every source repeats its configs).
--
-- Queries: one config's history (first/last seen per source) reads by fingerprint, so ORDER BY
-- starts with it: a lookup touches a few granules of 10M+ rows. source_id and fetched_at
-- follow for per-source listings within a config; event_id closes the key so that
-- ReplacingMergeTree folds redelivered events. Range-wide questions (protocol mix, unique
-- contribution, mirrors) are answered by the rollups fed from this table (011-013), not by
-- scanning it; exports by time range do scan it (bulk work, streamed). No skip index on
-- source_id: in fingerprint order every granule holds every source, so it would skip nothing.
-- The canonical config JSON is not kept here: it would repeat with every fetch of every source
-- and dominate the bytes the sink moves; config_current_changes (004) holds it once per change
-- of the merged config. Monthly partitions; 180 days of raw rows (rollups keep the long history).
CREATE TABLE IF NOT EXISTS config_observations
(
    event_id            UUID,
    fetched_at          DateTime64(3, 'UTC') COMMENT 'time of the fetch the observation derives from' CODEC(Delta, ZSTD(1)),
    fingerprint         String CODEC(ZSTD(1)),
    source_id           LowCardinality(String),
    presence            LowCardinality(String) COMMENT 'present, absent or expired',
    fingerprint_policy  LowCardinality(String),
    protocol            LowCardinality(String),
    server              String CODEC(ZSTD(1)),
    port                UInt16,
    origin_line         UInt32 COMMENT '0 when unknown',
    origin_from         LowCardinality(String),
    fetch_event_id      String CODEC(ZSTD(1)),
    producer            LowCardinality(String),
    ingested_at         DateTime('UTC') DEFAULT now() CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(fetched_at)
ORDER BY (fingerprint, source_id, fetched_at, event_id)
TTL toDateTime(fetched_at) + INTERVAL 180 DAY
SETTINGS ttl_only_drop_parts = 1
COMMENT 'configs.observed.v1. ORDER BY (fingerprint, source_id, fetched_at, event_id): per-config lookups; event_id makes ReplacingMergeTree fold redelivered events. Monthly partitions, 180-day TTL; rollups keep the long history.';
