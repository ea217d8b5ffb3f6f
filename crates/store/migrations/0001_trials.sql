-- 0001: the clinical-trial database of the evidence engine (issue 5). Owned by crates/evidence.
--
-- One row per (study, outcome, time point), as in data/evidence/trials.csv: the study-level
-- columns repeat on each row, the source columns are kept verbatim. An empty CSV cell is NULL
-- ("not reported"), which differs from 0. Seeded from the embedded data/evidence/trials.csv by
-- k2bone-evidence on first use (trial_seed records which seed version is in); rows a user
-- imports carry origin = 'user'.

CREATE TABLE trial_rows (
    id                INTEGER PRIMARY KEY,
    study_id          TEXT NOT NULL,
    first_author      TEXT NOT NULL,
    year              INTEGER NOT NULL,
    country           TEXT,
    population        TEXT,
    n_treat           INTEGER CHECK (n_treat IS NULL OR n_treat > 0),
    n_control         INTEGER CHECK (n_control IS NULL OR n_control > 0),
    k_form            TEXT NOT NULL,
    dose_ug_per_day   REAL CHECK (dose_ug_per_day IS NULL OR dose_ug_per_day > 0),
    co_treatment      TEXT,
    duration_months   REAL CHECK (duration_months IS NULL OR duration_months > 0),
    outcome           TEXT NOT NULL,
    mean_treat        REAL,
    sd_treat          REAL CHECK (sd_treat IS NULL OR sd_treat >= 0),
    mean_control      REAL,
    sd_control        REAL CHECK (sd_control IS NULL OR sd_control >= 0),
    events_treat      INTEGER CHECK (events_treat IS NULL OR events_treat >= 0),
    events_control    INTEGER CHECK (events_control IS NULL OR events_control >= 0),
    source            TEXT NOT NULL,
    timepoint_months  REAL NOT NULL CHECK (timepoint_months > 0),
    dispersion_type   TEXT,
    notes             TEXT,
    -- placebo, untreated, calcium, active, not_stated
    control           TEXT NOT NULL,
    provenance        TEXT NOT NULL,
    -- sd, se (converted with SD = SE * sqrt(n) when pooled), unclear (not poolable), or NULL
    dispersion        TEXT CHECK (dispersion IS NULL OR dispersion IN ('sd', 'se', 'unclear')),
    integrity_concern INTEGER NOT NULL DEFAULT 0 CHECK (integrity_concern IN (0, 1)),
    integrity_note    TEXT,
    curation_note     TEXT,
    origin            TEXT NOT NULL CHECK (origin IN ('shipped', 'user')),
    UNIQUE (study_id, outcome, timepoint_months)
);

CREATE INDEX trial_rows_outcome ON trial_rows (outcome);

CREATE TABLE trial_seed (
    version     INTEGER NOT NULL
);
