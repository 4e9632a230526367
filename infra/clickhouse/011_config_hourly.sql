-- config_hourly: per config per hour, fed by views from config_observations (in how many
-- sources it was seen, first/last seen) and config_probes (probe success and latency).
--
-- Serves the config history: ORDER BY (fingerprint, hour) makes one config's range a short
-- read. Every column is duplicate-insensitive (see 009): distinct source ids, min/max of
-- times, sets of probe event ids and of (event_id, latency) tuples. Columns a view does not
-- fill keep their defaults (an empty state, NULL, an empty set), which merging ignores.
--
-- Insert cost matters here: almost every observation is its own (fingerprint, hour) group, so
-- what the observation view writes must be cheap to create. uniqCombined starts as a small
-- array and stays exact while a config has few sources (it turns approximate only past
-- thousands); a uniqExact hash table per group doubled the cost of an observation insert, and
-- an array of source ids cost more still. Probes are rare, so their sets are plain arrays.
-- Monthly partitions, two years.
CREATE TABLE IF NOT EXISTS config_hourly
(
    fingerprint      String CODEC(ZSTD(1)),
    hour             DateTime('UTC'),
    sources          AggregateFunction(uniqCombined, String) COMMENT 'sources whose fetch in this hour carried the config',
    first_seen       SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    last_seen        SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    probe_ids        SimpleAggregateFunction(groupUniqArrayArray, Array(UUID)),
    probe_ok_ids     SimpleAggregateFunction(groupUniqArrayArray, Array(UUID)),
    probe_latencies  SimpleAggregateFunction(groupUniqArrayArray, Array(Tuple(UUID, UInt32))) COMMENT '(event_id, latency_ms) of successful probes'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (fingerprint, hour)
TTL hour + INTERVAL 730 DAY
SETTINGS ttl_only_drop_parts = 1
COMMENT 'Per config per hour from config_observations (present) and config_probes. Duplicate-insensitive columns keep it exact under redelivery. 730-day TTL.';

CREATE MATERIALIZED VIEW IF NOT EXISTS config_hourly_observations_mv TO config_hourly AS
SELECT
    fingerprint,
    toStartOfHour(fetched_at) AS hour,
    uniqCombinedState(toString(source_id)) AS sources,
    min(fetched_at) AS first_seen,
    max(fetched_at) AS last_seen
FROM config_observations
WHERE presence = 'present'
GROUP BY fingerprint, hour;

CREATE MATERIALIZED VIEW IF NOT EXISTS config_hourly_probes_mv TO config_hourly AS
SELECT
    fingerprint,
    toStartOfHour(probed_at) AS hour,
    groupUniqArray(event_id) AS probe_ids,
    groupUniqArrayIf(event_id, outcome = 'ok') AS probe_ok_ids,
    groupUniqArrayIf((event_id, ifNull(latency_ms, 0)), outcome = 'ok' AND latency_ms IS NOT NULL) AS probe_latencies
FROM config_probes
GROUP BY fingerprint, hour;
