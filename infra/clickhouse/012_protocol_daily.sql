-- protocol_daily: the protocol mix per day: distinct configs (and sources carrying them) per
-- protocol, from present observations.
--
-- uniq states: set-like, so redelivery cannot inflate them (see 009); approximate above tens
-- of thousands of distinct values (error around 1%), exact below, which is what a mix of
-- shares needs at a fraction of uniqExact's memory when days are merged into weeks. ORDER BY
-- (day, protocol): the overview reads a range of days. Yearly partitions (a few rows a day),
-- kept five years.
CREATE TABLE IF NOT EXISTS protocol_daily
(
    day       Date,
    protocol  LowCardinality(String),
    configs   AggregateFunction(uniq, String),
    sources   AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, protocol)
TTL day + INTERVAL 1825 DAY
COMMENT 'Distinct configs and sources per protocol per day from present observations; uniq states are insensitive to redelivery. 5-year TTL.';

CREATE MATERIALIZED VIEW IF NOT EXISTS protocol_daily_mv TO protocol_daily AS
SELECT
    toDate(fetched_at) AS day,
    protocol,
    uniqState(fingerprint) AS configs,
    uniqState(toString(source_id)) AS sources
FROM config_observations
WHERE presence = 'present'
GROUP BY day, protocol;
