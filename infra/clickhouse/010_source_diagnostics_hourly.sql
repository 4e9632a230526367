-- source_diagnostics_hourly: parser diagnostics per source per hour per reason code, from the
-- snapshots' diagnostics map (one row per code through ARRAY JOIN; snapshots without
-- diagnostics add nothing).
--
-- The counts are a set of (snapshot event_id, count) tuples, summed when read, so a
-- redelivered snapshot does not count twice (see 009). ORDER BY (source_id, hour, code): one
-- source's codes over a range. Monthly partitions, two years.
CREATE TABLE IF NOT EXISTS source_diagnostics_hourly
(
    source_id  LowCardinality(String),
    hour       DateTime('UTC'),
    code       LowCardinality(String),
    counts     SimpleAggregateFunction(groupUniqArrayArray, Array(Tuple(UUID, UInt32))) COMMENT '(snapshot event_id, diagnostics of this code in it)'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (source_id, hour, code)
TTL hour + INTERVAL 730 DAY
SETTINGS ttl_only_drop_parts = 1
COMMENT 'Parser diagnostics per source, hour and code from source_snapshots. (event_id, count) tuples summed on read keep it exact under redelivery. 730-day TTL.';

CREATE MATERIALIZED VIEW IF NOT EXISTS source_diagnostics_hourly_mv TO source_diagnostics_hourly AS
SELECT
    source_id,
    toStartOfHour(fetched_at) AS hour,
    code,
    groupUniqArray((event_id, n)) AS counts
FROM source_snapshots
ARRAY JOIN mapKeys(diagnostics) AS code, mapValues(diagnostics) AS n
GROUP BY source_id, hour, code;
