-- source_anomalies: sources.anomalies.v1, anomalies opened and resolved per source.
-- Minimal for now. ORDER BY (source_id, detected_at, event_id): one source's anomalies in time
-- order; event_id makes ReplacingMergeTree fold redelivered events. Rare events, kept two years.
CREATE TABLE IF NOT EXISTS source_anomalies
(
    event_id          UUID,
    detected_at       DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    source_id         LowCardinality(String),
    kind              LowCardinality(String),
    state             LowCardinality(String) COMMENT 'opened or resolved',
    severity          LowCardinality(String),
    observed          Nullable(Float64),
    expected          Nullable(Float64),
    message           String CODEC(ZSTD(3)),
    snapshot_event_id String CODEC(ZSTD(1)),
    producer          LowCardinality(String),
    ingested_at       DateTime('UTC') DEFAULT now() CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(detected_at)
ORDER BY (source_id, detected_at, event_id)
TTL toDateTime(detected_at) + INTERVAL 730 DAY
SETTINGS ttl_only_drop_parts = 1
COMMENT 'sources.anomalies.v1. ORDER BY (source_id, detected_at, event_id); event_id makes ReplacingMergeTree fold redelivered events. 730-day TTL.';
