-- source_snapshots: sources.snapshots.v1, the parser's statistics of one fetch of one source.
--
-- Queries: one source's snapshots over time (config counts, churn, diagnostics) and the
-- source_hourly / source_diagnostics_hourly rollups (009, 010). Same layout as fetch_events:
-- ORDER BY (source_id, fetched_at, event_id) for per-source ranges, event_id last so that
-- ReplacingMergeTree folds redelivered events, monthly partitions dropped whole by the TTL.
-- Protocol and diagnostic counts are Maps with LowCardinality keys (small closed sets).
CREATE TABLE IF NOT EXISTS source_snapshots
(
    event_id        UUID,
    fetched_at      DateTime64(3, 'UTC') COMMENT 'time of the fetch the snapshot describes' CODEC(Delta, ZSTD(1)),
    source_id       LowCardinality(String),
    producer        LowCardinality(String),
    correlation_id  String CODEC(ZSTD(1)),
    fetch_event_id  String CODEC(ZSTD(1)),
    outcome         LowCardinality(String),
    http_status     UInt16 COMMENT '0 when no response was received',
    container       LowCardinality(String) COMMENT 'empty when there was no body to parse',
    bytes           UInt64 CODEC(T64, ZSTD(1)),
    body_sha256     String CODEC(ZSTD(1)),
    unchanged       Bool,
    configs         UInt32 CODEC(T64, ZSTD(1)),
    unique_configs  UInt32 CODEC(T64, ZSTD(1)),
    duplicates      UInt32 CODEC(T64, ZSTD(1)),
    added           UInt32 CODEC(T64, ZSTD(1)),
    removed         UInt32 CODEC(T64, ZSTD(1)),
    protocols       Map(LowCardinality(String), UInt32),
    diagnostics     Map(LowCardinality(String), UInt32),
    retained        Bool,
    ingested_at     DateTime('UTC') DEFAULT now() CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(fetched_at)
ORDER BY (source_id, fetched_at, event_id)
TTL toDateTime(fetched_at) + INTERVAL 400 DAY
SETTINGS ttl_only_drop_parts = 1
COMMENT 'sources.snapshots.v1. ORDER BY (source_id, fetched_at, event_id): per-source range reads; event_id makes ReplacingMergeTree fold redelivered events. Monthly partitions, 400-day TTL by whole part.';
