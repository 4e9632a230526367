-- config_scores: every change of configs.scored.v1 (compacted), tombstones included.
-- Minimal for now: the score history of a config. ORDER BY (fingerprint, event_time,
-- event_id): one config's scores in time order, argMax for the state as of a time; event_id
-- makes ReplacingMergeTree fold redelivered events. Score components are a Map with
-- LowCardinality keys (a handful of names).
CREATE TABLE IF NOT EXISTS config_scores
(
    event_id                UUID,
    event_time              DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    fingerprint             String CODEC(ZSTD(1)),
    deleted                 Bool,
    protocol                LowCardinality(String),
    server                  String CODEC(ZSTD(1)),
    port                    UInt16,
    score                   Float64 CODEC(Gorilla, ZSTD(1)),
    components              Map(LowCardinality(String), Float64),
    source_ids              Array(LowCardinality(String)),
    last_probe_outcome      LowCardinality(String),
    last_probe_latency_ms   Nullable(UInt32),
    last_probed_at          Nullable(DateTime64(3, 'UTC')),
    first_seen              Nullable(DateTime64(3, 'UTC')),
    last_seen               Nullable(DateTime64(3, 'UTC')),
    producer                LowCardinality(String),
    ingested_at             DateTime('UTC') DEFAULT now() CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (fingerprint, event_time, event_id)
TTL toDateTime(event_time) + INTERVAL 400 DAY
SETTINGS ttl_only_drop_parts = 1
COMMENT 'configs.scored.v1 changes incl. tombstones. ORDER BY (fingerprint, event_time, event_id); event_id makes ReplacingMergeTree fold redelivered events. 400-day TTL.';
