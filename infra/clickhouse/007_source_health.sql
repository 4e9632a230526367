-- source_health: every change of sources.health.v1 (compacted), tombstones included.
-- Minimal for now: a source's status over time. ORDER BY (source_id, event_time, event_id):
-- one source's changes in time order (argMax for the status as of a time); event_id makes
-- ReplacingMergeTree fold redelivered events. Small (one row per status change).
CREATE TABLE IF NOT EXISTS source_health
(
    event_id              UUID,
    event_time            DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    source_id             LowCardinality(String),
    deleted               Bool,
    status                LowCardinality(String) COMMENT 'healthy, degraded, failing or unknown',
    since                 Nullable(DateTime64(3, 'UTC')),
    last_fetch_at         Nullable(DateTime64(3, 'UTC')),
    last_success_at       Nullable(DateTime64(3, 'UTC')),
    last_outcome          LowCardinality(String),
    consecutive_failures  UInt32,
    configs               UInt32,
    baseline_configs      Nullable(Float64),
    active_anomalies      Array(LowCardinality(String)),
    producer              LowCardinality(String),
    ingested_at           DateTime('UTC') DEFAULT now() CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (source_id, event_time, event_id)
TTL toDateTime(event_time) + INTERVAL 730 DAY
SETTINGS ttl_only_drop_parts = 1
COMMENT 'sources.health.v1 changes incl. tombstones. ORDER BY (source_id, event_time, event_id); event_id makes ReplacingMergeTree fold redelivered events. 730-day TTL.';
