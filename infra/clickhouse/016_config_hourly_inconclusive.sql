-- 016: probes that say nothing about the config leave config uptime alone.
--
-- A probe whose outcome is unsupported (the core cannot run the config, or the address policy
-- forbids probing it) or core-error (the prober's own core failed) is no evidence either way:
-- the scorer already ignores them (services/core/scoring/probe-evidence.ts). config_hourly
-- (011) counts every probe in probe_ids, so such probes read as downtime in the config
-- history. This adds their ids as a set of their own, fed by a second view on config_probes;
-- readers compute uptime as ok / (all - inconclusive).
--
-- Additive: a new column (empty for existing rows, which merging ignores, see 011) and a new
-- view writing only it; 011's view is left as it is, so nothing is dropped or rebuilt while a
-- sink writes. Rows inserted before this migration keep their inconclusive probes counted as
-- probes (the 180-day config_probes table has the exact answer for them). A set of ids, like
-- the other probe columns, keeps it exact under redelivery.
ALTER TABLE config_hourly
    ADD COLUMN IF NOT EXISTS probe_inconclusive_ids SimpleAggregateFunction(groupUniqArrayArray, Array(UUID))
        COMMENT 'probes with outcome unsupported or core-error: no evidence about the config';

CREATE MATERIALIZED VIEW IF NOT EXISTS config_hourly_inconclusive_mv TO config_hourly AS
SELECT
    fingerprint,
    toStartOfHour(probed_at) AS hour,
    groupUniqArray(event_id) AS probe_inconclusive_ids
FROM config_probes
WHERE outcome IN ('unsupported', 'core-error')
GROUP BY fingerprint, hour;
