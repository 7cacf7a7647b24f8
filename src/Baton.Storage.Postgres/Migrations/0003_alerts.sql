-- Issue 7: CI alerts that resolve themselves, verified webhook deliveries, remembered default branches, the webhook
-- secret, and recurring duties (cadence). The same tables as SQLite's 0004_alerts, in 0001's conventions.

CREATE TABLE alerts (
    id                 text COLLATE "C" PRIMARY KEY,
    venture            text NOT NULL,
    repo               text NOT NULL,   -- org/repo
    workflow           text NOT NULL,
    branch             text NOT NULL,
    source             text NOT NULL,
    severity           text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    status             text NOT NULL CHECK (status IN ('open', 'resolved')),
    on_default_branch  boolean NOT NULL,
    first_seen         bigint NOT NULL,
    last_seen          bigint NOT NULL,
    occurrences        integer NOT NULL CHECK (occurrences >= 1),
    url                text,
    resolved_at        bigint,
    resolved_by        text,
    resolution_reason  text
);

-- At most one open alert per (venture, repo, source, workflow, branch), whichever replica the signal reached.
CREATE UNIQUE INDEX alerts_one_open ON alerts (venture, repo, source, workflow, branch) WHERE status = 'open';
CREATE INDEX alerts_by_venture ON alerts (venture, status, on_default_branch, first_seen);

CREATE TABLE webhook_deliveries (
    delivery_id  text PRIMARY KEY,
    event        text NOT NULL,
    repo         text,
    venture      text,
    received_at  bigint NOT NULL
);

CREATE INDEX webhook_deliveries_by_venture ON webhook_deliveries (venture, received_at);

-- Keyed by the lowercased repo: GitHub names are case-insensitive (SQLite uses COLLATE NOCASE).
CREATE TABLE repo_default_branches (
    repo_key        text PRIMARY KEY,
    default_branch  text NOT NULL,
    updated_at      bigint NOT NULL
);

CREATE TABLE webhook_secrets (
    provider  text PRIMARY KEY,
    secret    text NOT NULL,
    set_at    bigint NOT NULL
);

CREATE TABLE cadence_items (
    id             text COLLATE "C" PRIMARY KEY,
    scope          text NOT NULL,
    title          text NOT NULL,
    description    text,
    interval_days  integer NOT NULL CHECK (interval_days >= 1),
    created_at     bigint NOT NULL,
    last_done_at   bigint,
    last_done_by   text
);

CREATE INDEX cadence_items_by_scope ON cadence_items (scope, id);
