-- source_daily: per source per day, the fetch, failure and snapshot event ids, fed by views
-- from fetch_events and source_snapshots. Serves the overview's totals and reliability
-- ranking, which look at every source over days to weeks: source_hourly holds a row per
-- source-hour (hundreds of thousands for three weeks of 500 sources), this one a row per
-- source-day, 24 times fewer, so the overview reads little whatever its range.
--
-- Same duplicate-insensitive sets as source_hourly (009): a redelivered event adds an id that
-- is already there. AggregatingMergeTree ORDER BY (source_id, day); yearly partitions (a few
-- hundred thousand rows a year), kept two years.
CREATE TABLE IF NOT EXISTS source_daily
(
    source_id     LowCardinality(String),
    day           Date,
    fetch_ids     SimpleAggregateFunction(groupUniqArrayArray, Array(UUID)),
    failure_ids   SimpleAggregateFunction(groupUniqArrayArray, Array(UUID)) COMMENT 'attempts whose outcome is neither ok nor not-modified',
    snapshot_ids  SimpleAggregateFunction(groupUniqArrayArray, Array(UUID))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (source_id, day)
TTL day + INTERVAL 730 DAY
COMMENT 'Per source per day: sets of fetch, failure and snapshot event ids (exact under redelivery). The overview reads this. 730-day TTL.';

CREATE MATERIALIZED VIEW IF NOT EXISTS source_daily_fetches_mv TO source_daily AS
SELECT
    source_id,
    toDate(fetched_at) AS day,
    groupUniqArray(event_id) AS fetch_ids,
    groupUniqArrayIf(event_id, outcome NOT IN ('ok', 'not-modified')) AS failure_ids
FROM fetch_events
GROUP BY source_id, day;

CREATE MATERIALIZED VIEW IF NOT EXISTS source_daily_snapshots_mv TO source_daily AS
SELECT
    source_id,
    toDate(fetched_at) AS day,
    groupUniqArray(event_id) AS snapshot_ids
FROM source_snapshots
GROUP BY source_id, day;
