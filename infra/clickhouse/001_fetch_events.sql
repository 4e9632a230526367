-- fetch_events: sources.fetched.v1 without bodies, one row per fetch attempt.
--
-- Queries: one source's attempts over a time range (history, export), and the source_hourly
-- rollup (009) fed on insert. So ORDER BY (source_id, fetched_at, event_id): a source's
-- attempts sit together in time order and a range read touches few granules. event_id closes
-- the key, making it unique per event: ReplacingMergeTree folds a redelivered event (same id,
-- same source, same time, same month) into one row on merge, and readers that must not see the
-- copy before that merge use FINAL (or duplicate-proof aggregates such as uniqExact(event_id)).
-- Monthly partitions: the unit TTL drops (ttl_only_drop_parts, no row-level rewrites) and FINAL
-- merges within; hundreds of sources x 12-288 attempts a day is a few million rows a month.
-- LowCardinality for closed or small sets (source ids, outcomes, codes, producers); ZSTD on
-- free text; Delta on the time column, T64 on counters. Bodies stay in Kafka (the raw topic
-- is the source of truth); body_sha256 says which body it was.
CREATE TABLE IF NOT EXISTS fetch_events
(
    event_id                UUID,
    fetched_at              DateTime64(3, 'UTC') COMMENT 'metadata.eventTime: start of the attempt' CODEC(Delta, ZSTD(1)),
    source_id               LowCardinality(String),
    producer                LowCardinality(String),
    correlation_id          String CODEC(ZSTD(1)),
    url                     String CODEC(ZSTD(3)),
    url_index               UInt8 COMMENT '0 = primary URL, >0 = mirror',
    final_url               String COMMENT 'empty when there was no response' CODEC(ZSTD(3)),
    redirects               UInt8,
    attempt                 UInt8,
    remote_address          String CODEC(ZSTD(1)),
    outcome                 LowCardinality(String) COMMENT 'FETCH_OUTCOMES',
    http_status             UInt16 COMMENT '0 when no response was received',
    error_code              LowCardinality(String),
    error_message           String CODEC(ZSTD(3)),
    dns_ms                  Nullable(UInt32),
    connect_ms              Nullable(UInt32),
    ttfb_ms                 Nullable(UInt32),
    total_ms                UInt32 CODEC(T64, ZSTD(1)),
    wire_bytes              UInt64 CODEC(T64, ZSTD(1)),
    decoded_bytes           UInt64 CODEC(T64, ZSTD(1)),
    truncated               Bool,
    etag                    String CODEC(ZSTD(1)),
    last_modified           String CODEC(ZSTD(1)),
    content_type            LowCardinality(String),
    content_encoding        LowCardinality(String),
    content_length          Nullable(UInt64),
    subscription_userinfo   String CODEC(ZSTD(1)),
    profile_update_interval LowCardinality(String),
    profile_title           String CODEC(ZSTD(1)),
    retry_after             String CODEC(ZSTD(1)),
    request_etag            String CODEC(ZSTD(1)),
    request_last_modified   String CODEC(ZSTD(1)),
    body_sha256             String COMMENT 'empty when the attempt had no body' CODEC(ZSTD(1)),
    body_compression        LowCardinality(String),
    ingested_at             DateTime('UTC') DEFAULT now() CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(fetched_at)
ORDER BY (source_id, fetched_at, event_id)
TTL toDateTime(fetched_at) + INTERVAL 400 DAY
SETTINGS ttl_only_drop_parts = 1
COMMENT 'sources.fetched.v1 without bodies. ORDER BY (source_id, fetched_at, event_id): per-source range reads; event_id makes ReplacingMergeTree fold redelivered events. Monthly partitions, 400-day TTL by whole part.';
