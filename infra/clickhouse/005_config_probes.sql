-- config_probes: configs.probed.v1, one row per probe of one config (TCP/TLS pre-check or a
-- request through the proxy core). Minimal for now: shaped after the schema, read by the
-- per-config history (uptime, latency) through config_hourly (011).
--
-- ORDER BY (fingerprint, probed_at, event_id): one config's probes in time order; event_id
-- makes ReplacingMergeTree fold redelivered events. Monthly partitions, 180-day TTL (probes
-- are frequent; config_hourly keeps the long view).
CREATE TABLE IF NOT EXISTS config_probes
(
    event_id    UUID,
    probed_at   DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    fingerprint String CODEC(ZSTD(1)),
    stage       LowCardinality(String) COMMENT 'tcp, tls or proxy',
    outcome     LowCardinality(String),
    latency_ms  Nullable(UInt32),
    error_code  LowCardinality(String),
    target      LowCardinality(String),
    prober      LowCardinality(String),
    producer    LowCardinality(String),
    ingested_at DateTime('UTC') DEFAULT now() CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(probed_at)
ORDER BY (fingerprint, probed_at, event_id)
TTL toDateTime(probed_at) + INTERVAL 180 DAY
SETTINGS ttl_only_drop_parts = 1
COMMENT 'configs.probed.v1. ORDER BY (fingerprint, probed_at, event_id): per-config probe history; event_id makes ReplacingMergeTree fold redelivered events. 180-day TTL.';
