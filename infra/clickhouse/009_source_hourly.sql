-- source_hourly: per source per hour, fed on insert by two materialized views (from
-- fetch_events and from source_snapshots). Serves the source history and the overview's
-- reliability ranking without touching the raw tables.
--
-- Why every state is duplicate-insensitive: a materialized view sees each inserted block, not
-- the deduplicated table, so a batch the sink redelivers after a crash reaches the view twice.
-- count() or sum() states (and so SummingMergeTree) would count it twice. Here every state
-- gives the same result for one copy or two: uniqExact over event ids (fetches, failures,
-- snapshots), min/max/argMax (config counts), and groupUniqArray of (event_id, value) tuples
-- from which sums and percentiles are computed when read (latency, churn). A source-hour
-- holds a few to a few hundred events, so the exact sets stay small.
--
-- AggregatingMergeTree ORDER BY (source_id, hour): one source's hours in order; monthly
-- partitions, kept two years. Read with the -Merge functions, grouped by (source_id, hour or a
-- coarser bucket), because parts are merged in the background.
CREATE TABLE IF NOT EXISTS source_hourly
(
    source_id     LowCardinality(String),
    hour          DateTime('UTC'),
    fetches       AggregateFunction(uniqExact, UUID),
    failures      AggregateFunction(uniqExactIf, UUID, UInt8) COMMENT 'attempts whose outcome is neither ok nor not-modified',
    not_modified  AggregateFunction(uniqExactIf, UUID, UInt8),
    latencies     AggregateFunction(groupUniqArrayIf, Tuple(UUID, UInt32), UInt8) COMMENT '(event_id, total_ms) of successful attempts (ok, not-modified)',
    snapshots     AggregateFunction(uniqExact, UUID),
    configs_last  AggregateFunction(argMax, UInt32, DateTime64(3, 'UTC')) COMMENT 'unique configs of the latest snapshot',
    configs_max   AggregateFunction(max, UInt32),
    configs_min   AggregateFunction(min, UInt32),
    churn         AggregateFunction(groupUniqArray, Tuple(UUID, UInt32, UInt32)) COMMENT '(event_id, added, removed) per snapshot'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (source_id, hour)
TTL hour + INTERVAL 730 DAY
SETTINGS ttl_only_drop_parts = 1
COMMENT 'Per source per hour from fetch_events and source_snapshots. Duplicate-insensitive states (uniqExact of event ids, min/max/argMax, groupUniqArray of (event_id, value)) keep it exact under at-least-once delivery. 730-day TTL.';

CREATE MATERIALIZED VIEW IF NOT EXISTS source_hourly_fetches_mv TO source_hourly AS
SELECT
    source_id,
    toStartOfHour(fetched_at) AS hour,
    uniqExactState(event_id) AS fetches,
    uniqExactIfState(event_id, outcome NOT IN ('ok', 'not-modified')) AS failures,
    uniqExactIfState(event_id, outcome = 'not-modified') AS not_modified,
    groupUniqArrayIfState((event_id, total_ms), outcome IN ('ok', 'not-modified')) AS latencies
FROM fetch_events
GROUP BY source_id, hour;

CREATE MATERIALIZED VIEW IF NOT EXISTS source_hourly_snapshots_mv TO source_hourly AS
SELECT
    source_id,
    toStartOfHour(fetched_at) AS hour,
    uniqExactState(event_id) AS snapshots,
    argMaxState(unique_configs, fetched_at) AS configs_last,
    maxState(unique_configs) AS configs_max,
    minState(unique_configs) AS configs_min,
    groupUniqArrayState((event_id, added, removed)) AS churn
FROM source_snapshots
GROUP BY source_id, hour;
