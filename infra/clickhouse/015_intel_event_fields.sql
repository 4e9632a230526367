-- 015: the fields the probe, score, health and anomaly contracts gained in their v1.2 releases
-- (and lineage and per-source sightings of the merged state), so every field the sink reads
-- lands in a column or is excluded for a stated reason (services/sink/field-columns.ts; a unit
-- test fails when a schema field is neither).
--
-- Additive only: ADD COLUMN IF NOT EXISTS with defaults that mean "not known", which is what
-- rows written before this migration are (the schemas' own defaults say the same: '' for no
-- vantage, 0 bytes, false, empty maps and arrays, NULL times). No key, partition or TTL
-- changes, so the ALTERs are metadata-only on ClickHouse server 24.8+ and on chDB: existing
-- parts are not rewritten and the columns read as their defaults until parts merge.
-- Optional times are Nullable(DateTime64) as in 005-008: NULL is "never", not 1970.

-- config_probes: per-vantage history (issue 7: several probers, results kept per vantage),
-- the cheap stage's timings for latency break-downs, the core's own error text, and the bytes
-- spent against the traffic budget. vantage is LowCardinality (a handful of deployments) and
-- it is not added to the ORDER BY: per-config reads stay one range, vantage filters within it.
ALTER TABLE config_probes
    ADD COLUMN IF NOT EXISTS vantage          LowCardinality(String) DEFAULT '',
    ADD COLUMN IF NOT EXISTS connect_ms       Nullable(UInt32),
    ADD COLUMN IF NOT EXISTS tls_handshake_ms Nullable(UInt32),
    ADD COLUMN IF NOT EXISTS error_detail     String DEFAULT '' CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS traffic_bytes    UInt64 DEFAULT 0 CODEC(T64, ZSTD(1)),
    ADD COLUMN IF NOT EXISTS correlation_id   String DEFAULT '' CODEC(ZSTD(1)),
    ADD COLUMN IF NOT EXISTS causation_id     String DEFAULT '' CODEC(ZSTD(1));

-- config_scores: what makes a score explainable after the fact (issue 7: "so the API can
-- explain a score"): verdict, weights, notes, the formula's version and the time it is as of,
-- and the per-vantage evidence. vantages is an array of records in the contract; it is stored
-- as parallel arrays (ClickHouse's Nested layout: element i of each describes vantage_ids[i]),
-- which JSONEachRow inserts and arrayZip/ARRAY JOIN read without tuple-format settings.
-- The score itself is stored as the producer wrote it: its scale belongs to score_model (the
-- 0-1 scale of score-1 and older, 0-100 from then on, where points holds each component's
-- share; empty for older models). Readers ask score_model, never assume a range.
ALTER TABLE config_scores
    ADD COLUMN IF NOT EXISTS verdict                LowCardinality(String) DEFAULT '',
    ADD COLUMN IF NOT EXISTS weights                Map(LowCardinality(String), Float64),
    ADD COLUMN IF NOT EXISTS points                 Map(LowCardinality(String), Float64),
    ADD COLUMN IF NOT EXISTS vantage_ids            Array(LowCardinality(String)),
    ADD COLUMN IF NOT EXISTS vantage_reachability   Array(Float64),
    ADD COLUMN IF NOT EXISTS vantage_latency_ms     Array(Nullable(Float64)),
    ADD COLUMN IF NOT EXISTS vantage_confidence     Array(Float64),
    ADD COLUMN IF NOT EXISTS vantage_probes         Array(UInt32),
    ADD COLUMN IF NOT EXISTS vantage_last_outcomes  Array(LowCardinality(String)),
    ADD COLUMN IF NOT EXISTS vantage_last_probed_at Array(Nullable(DateTime64(3, 'UTC'))),
    ADD COLUMN IF NOT EXISTS notes                  Array(String) CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS score_model            LowCardinality(String) DEFAULT '',
    ADD COLUMN IF NOT EXISTS scored_at              Nullable(DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS correlation_id         String DEFAULT '' CODEC(ZSTD(1)),
    ADD COLUMN IF NOT EXISTS causation_id           String DEFAULT '' CODEC(ZSTD(1));

-- source_health: reliability and its parts (issue 7's source reliability), demotion, the
-- mirror found, the probe-based counts and the last body change: the history behind a
-- source's standing, one row per health change (small). mirror_of is '' when none, like the
-- other optional ids.
ALTER TABLE source_health
    ADD COLUMN IF NOT EXISTS reliability            Nullable(Float64),
    ADD COLUMN IF NOT EXISTS reliability_components Map(LowCardinality(String), Float64),
    ADD COLUMN IF NOT EXISTS reliability_weights    Map(LowCardinality(String), Float64),
    ADD COLUMN IF NOT EXISTS demoted                Bool DEFAULT false,
    ADD COLUMN IF NOT EXISTS demoted_since          Nullable(DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS mirror_of              LowCardinality(String) DEFAULT '',
    ADD COLUMN IF NOT EXISTS probed_configs         UInt32 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS working_configs        UInt32 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS exclusive_configs      UInt32 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS last_change_at         Nullable(DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS correlation_id         String DEFAULT '' CODEC(ZSTD(1)),
    ADD COLUMN IF NOT EXISTS causation_id           String DEFAULT '' CODEC(ZSTD(1));

-- source_anomalies: the evidence behind a decision (baseline median, MAD, z, thresholds as
-- text), the other source involved (mirrors) and when the anomaly opened, so a resolved row
-- says how long it lasted. Rare rows: a Map of strings costs nothing worth avoiding.
ALTER TABLE source_anomalies
    ADD COLUMN IF NOT EXISTS evidence          Map(LowCardinality(String), String),
    ADD COLUMN IF NOT EXISTS related_source_id LowCardinality(String) DEFAULT '',
    ADD COLUMN IF NOT EXISTS opened_at         Nullable(DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS correlation_id    String DEFAULT '' CODEC(ZSTD(1));

-- config_current_changes: when each source first and last carried the config, the name it
-- gave it (names never count for identity, but users search by them) and the variant it
-- published when that differs from the merged config ('' when it does not: the common case,
-- so the column stays small), as parallel arrays aligned with source_ids; these answer "which
-- variants were folded into it". And the change's lineage (the observation that caused it).
ALTER TABLE config_current_changes
    ADD COLUMN IF NOT EXISTS source_first_seen Array(DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS source_last_seen  Array(DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS source_names      Array(String) CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS source_variants   Array(String) CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS correlation_id    String DEFAULT '' CODEC(ZSTD(1)),
    ADD COLUMN IF NOT EXISTS causation_id      String DEFAULT '' CODEC(ZSTD(1));
