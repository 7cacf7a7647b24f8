-- Issue 7: CI alerts that resolve themselves, verified webhook deliveries, remembered default branches, the webhook
-- secret, and recurring duties (cadence). Same conventions as 0001: STRICT tables, times as Unix milliseconds, enum
-- columns holding the snake_case wire names. Alerts and duties carry a venture code (or 'global' for duties) without a
-- foreign key, like notes: the registry may drop a venture while its history stays readable.

CREATE TABLE alerts (
    id                 TEXT PRIMARY KEY,
    venture            TEXT NOT NULL,
    repo               TEXT NOT NULL,   -- org/repo
    workflow           TEXT NOT NULL,
    branch             TEXT NOT NULL,
    source             TEXT NOT NULL,   -- workflow_run, check_suite, or another tool's name
    severity           TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    status             TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    on_default_branch  INTEGER NOT NULL CHECK (on_default_branch IN (0, 1)),
    first_seen         INTEGER NOT NULL,
    last_seen          INTEGER NOT NULL,
    occurrences        INTEGER NOT NULL CHECK (occurrences >= 1),
    url                TEXT,
    resolved_at        INTEGER,
    resolved_by        TEXT,
    resolution_reason  TEXT
) STRICT;

-- At most one open alert per (venture, repo, source, workflow, branch): a failure adds an occurrence to it, a success
-- resolves it. The index is also how both find it.
CREATE UNIQUE INDEX alerts_one_open ON alerts (venture, repo, source, workflow, branch) WHERE status = 'open';

-- Briefing and list filters: a venture's open alerts, by branch kind, oldest first.
CREATE INDEX alerts_by_venture ON alerts (venture, status, on_default_branch, first_seen);

CREATE TABLE webhook_deliveries (
    delivery_id  TEXT PRIMARY KEY,   -- X-GitHub-Delivery: a repeat is acknowledged and ignored
    event        TEXT NOT NULL,
    repo         TEXT,
    venture      TEXT,               -- null: no venture owns the repo (counted and reported)
    received_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX webhook_deliveries_by_venture ON webhook_deliveries (venture, received_at);

-- The default branch each repo's last delivery named (repository.default_branch).
CREATE TABLE repo_default_branches (
    repo            TEXT PRIMARY KEY COLLATE NOCASE,
    default_branch  TEXT NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

-- HMAC needs the secret itself, so it cannot be stored as a hash like API keys are. It is never returned by the API.
CREATE TABLE webhook_secrets (
    provider  TEXT PRIMARY KEY,   -- 'github'
    secret    TEXT NOT NULL,
    set_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE cadence_items (
    id             TEXT PRIMARY KEY,
    scope          TEXT NOT NULL,   -- a venture code or 'global'
    title          TEXT NOT NULL,
    description    TEXT,
    interval_days  INTEGER NOT NULL CHECK (interval_days >= 1),
    created_at     INTEGER NOT NULL,
    last_done_at   INTEGER,
    last_done_by   TEXT
) STRICT;

CREATE INDEX cadence_items_by_scope ON cadence_items (scope, id);
