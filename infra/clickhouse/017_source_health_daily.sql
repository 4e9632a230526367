-- source_health_daily: per source per day, the source's health at the day's last change (the
-- detector's composite reliability, status, demotion, mirror, deletion), fed by a view from
-- source_health (007, 015). Serves the overview's reliability-score ranking: source_health
-- holds a change per fetch of every source (millions a month at hundreds of sources fetched
-- every few minutes), this one a row per source-day, so the ranking reads a few thousand rows
-- whatever the range; like the other overview rollups it answers for whole days.
--
-- argMax states keyed by (event_time, event_id): merging picks the latest change, and a
-- redelivered event is the same key with the same value, so the answer is exact under
-- redelivery. AggregatingMergeTree ORDER BY (source_id, day); yearly partitions, two years.
CREATE TABLE IF NOT EXISTS source_health_daily
(
    source_id    LowCardinality(String),
    day          Date,
    reliability  AggregateFunction(argMax, Nullable(Float64), Tuple(DateTime64(3, 'UTC'), UUID)),
    status       AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UUID)),
    demoted      AggregateFunction(argMax, Bool, Tuple(DateTime64(3, 'UTC'), UUID)),
    mirror_of    AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), UUID)),
    deleted      AggregateFunction(argMax, Bool, Tuple(DateTime64(3, 'UTC'), UUID)) COMMENT 'the last change of the day was a tombstone'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (source_id, day)
TTL day + INTERVAL 730 DAY
COMMENT 'Per source per day: health at the day''s last change (argMax by event time and id, exact under redelivery). The overview reads this. 730-day TTL.';

CREATE MATERIALIZED VIEW IF NOT EXISTS source_health_daily_mv TO source_health_daily AS
SELECT
    source_id,
    toDate(event_time) AS day,
    argMaxState(reliability, (event_time, event_id)) AS reliability,
    argMaxState(status, (event_time, event_id)) AS status,
    argMaxState(demoted, (event_time, event_id)) AS demoted,
    argMaxState(mirror_of, (event_time, event_id)) AS mirror_of,
    argMaxState(deleted, (event_time, event_id)) AS deleted
FROM source_health
GROUP BY source_id, day;

-- Health stored before this migration: the view only sees new inserts. Rerunning this (a
-- migration that failed half-way) is harmless: argMax states of the same rows merge to the
-- same answer.
INSERT INTO source_health_daily
SELECT
    source_id,
    toDate(event_time) AS day,
    argMaxState(reliability, (event_time, event_id)),
    argMaxState(status, (event_time, event_id)),
    argMaxState(demoted, (event_time, event_id)),
    argMaxState(mirror_of, (event_time, event_id)),
    argMaxState(deleted, (event_time, event_id))
FROM source_health
GROUP BY source_id, day;
