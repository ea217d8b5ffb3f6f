-- 0004: saved scenarios and results of the web app (issue 16). Owned by crates/app (saved.rs).
--
-- One row per saved request: `id` is a stable, URL-safe name derived from the request's content
-- (the same request saved twice is one row, at one URL). `kind` says which use case the request
-- is for; `request_json` is the request as the API took it; `result_json` is the last result
-- saved with it (NULL = the request only). Times are UTC, ISO 8601.

CREATE TABLE saved_runs (
    id            TEXT PRIMARY KEY CHECK (length(id) BETWEEN 8 AND 32),
    kind          TEXT NOT NULL CHECK (kind IN ('study', 'meta', 'diary')),
    title         TEXT NOT NULL,
    request_json  TEXT NOT NULL,
    result_json   TEXT,
    created_utc   TEXT NOT NULL,
    updated_utc   TEXT NOT NULL
);
CREATE INDEX saved_runs_updated ON saved_runs (updated_utc);
