-- config_sources_daily: which source carried which config on which day (present
-- observations folded to one row per day, fingerprint and source).
--
-- The overview's cross-source questions need the set of sources per config over a range:
-- unique contribution (configs exactly one source carries) and duplicate ratios between
-- sources (who mirrors whom, a self-join on fingerprint). Observations repeat every fetch; this
-- keeps one row per (day, fingerprint, source), tens of times fewer rows. ORDER BY (day,
-- fingerprint, source_id): a range of days is a contiguous read, grouped by fingerprint.
-- Only this view writes here, so SimpleAggregateFunction min/max/any suffice, and they are
-- duplicate-insensitive. Readers GROUP BY the key (parts merge in the background). Monthly
-- partitions, two years.
CREATE TABLE IF NOT EXISTS config_sources_daily
(
    day          Date,
    fingerprint  String CODEC(ZSTD(1)),
    source_id    LowCardinality(String),
    protocol     SimpleAggregateFunction(any, LowCardinality(String)),
    first_seen   SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen    SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, fingerprint, source_id)
TTL day + INTERVAL 730 DAY
SETTINGS ttl_only_drop_parts = 1
COMMENT 'One row per day, config and source carrying it, from present observations: unique contribution and mirror ratios. min/max/any are insensitive to redelivery. 730-day TTL.';

CREATE MATERIALIZED VIEW IF NOT EXISTS config_sources_daily_mv TO config_sources_daily AS
SELECT
    toDate(fetched_at) AS day,
    fingerprint,
    source_id,
    any(protocol) AS protocol,
    min(fetched_at) AS first_seen,
    max(fetched_at) AS last_seen
FROM config_observations
WHERE presence = 'present'
GROUP BY day, fingerprint, source_id;
