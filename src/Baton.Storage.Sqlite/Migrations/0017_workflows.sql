-- Issue 17: project workflows and sprints (docs/architecture.md §17). Same conventions as 0007: STRICT tables, times
-- as Unix milliseconds, enum columns holding the snake_case wire names, nested values as JSON text. Every change of a
-- workflow or a sprint is an UPDATE … WHERE version = the version read (optimistic concurrency), and the events and
-- GitHub effects of the change are written in the same write. A venture's workflow settings (ventures.json
-- "workflow") are one JSON column; NULL: the defaults.
ALTER TABLE ventures ADD COLUMN workflow TEXT;

CREATE TABLE workflows (
    id                 TEXT PRIMARY KEY,
    venture            TEXT NOT NULL,      -- no FK, as tasks: history stays readable when the registry drops a venture
    repo               TEXT,
    issue              TEXT,               -- org/repo#42, or NULL when started from the API without one
    title              TEXT NOT NULL,
    body               TEXT,
    state              TEXT NOT NULL CHECK (state IN ('create', 'planning', 'review', 'in_progress', 'qa', 'deploy', 'validate', 'accepted', 'failed')),
    bounces            INTEGER NOT NULL CHECK (bounces >= 0),
    max_bounces        INTEGER NOT NULL CHECK (max_bounces >= 0),
    human_gates        TEXT NOT NULL,      -- JSON [state]
    branch             TEXT NOT NULL,
    plan               TEXT,
    pr_url             TEXT,
    step               INTEGER NOT NULL CHECK (step >= 0),
    step_task_id       TEXT,
    waiting_for_human  TEXT,
    reason             TEXT,
    sprint_id          TEXT,               -- no FK: a sprint's workflows and the sprint are written by separate calls
    created_by         TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    finished_at        INTEGER,
    version            INTEGER NOT NULL CHECK (version >= 1)
) STRICT;

-- The engine's pass: open workflows, oldest first.
CREATE INDEX workflows_open ON workflows (id) WHERE state NOT IN ('accepted', 'failed');
CREATE INDEX workflows_by_venture ON workflows (venture, id);
CREATE INDEX workflows_by_sprint ON workflows (sprint_id, id) WHERE sprint_id IS NOT NULL;

CREATE TABLE workflow_events (
    workflow_id   TEXT NOT NULL REFERENCES workflows (id),
    seq           INTEGER NOT NULL CHECK (seq >= 1),
    at            INTEGER NOT NULL,
    from_state    TEXT CHECK (from_state IN ('create', 'planning', 'review', 'in_progress', 'qa', 'deploy', 'validate', 'accepted', 'failed')),
    to_state      TEXT NOT NULL CHECK (to_state IN ('create', 'planning', 'review', 'in_progress', 'qa', 'deploy', 'validate', 'accepted', 'failed')),
    trigger_name  TEXT NOT NULL,
    actor         TEXT NOT NULL,
    reason        TEXT NOT NULL,
    task_id       TEXT,
    detail        TEXT,
    PRIMARY KEY (workflow_id, seq)
) STRICT;

-- The outbox: GitHub changes a transition asks for, carried out after its commit, retried until done.
CREATE TABLE workflow_effects (
    id             TEXT PRIMARY KEY,
    workflow_id    TEXT NOT NULL REFERENCES workflows (id),
    kind           TEXT NOT NULL CHECK (kind IN ('comment', 'status_label', 'create_issue', 'close_issue', 'merge_pull_request')),
    repo           TEXT NOT NULL,
    number         INTEGER,
    title          TEXT,
    body           TEXT,
    labels         TEXT NOT NULL,          -- JSON [string]
    pr_url         TEXT,
    created_at     INTEGER NOT NULL,
    attempts       INTEGER NOT NULL CHECK (attempts >= 0),
    last_error     TEXT,
    done_at        INTEGER,
    result_url     TEXT,
    claimed_until  INTEGER                 -- a replica carrying it out holds it until then
) STRICT;

CREATE INDEX workflow_effects_pending ON workflow_effects (id) WHERE done_at IS NULL;
CREATE INDEX workflow_effects_by_workflow ON workflow_effects (workflow_id, id);

CREATE TABLE sprints (
    id            TEXT PRIMARY KEY,
    venture       TEXT NOT NULL,
    repo          TEXT NOT NULL,
    mode          TEXT NOT NULL CHECK (mode IN ('workflow', 'task')),
    state         TEXT NOT NULL CHECK (state IN ('running', 'done')),
    items         TEXT NOT NULL,           -- JSON [{issue, title, wave, depends_on, state, runs, pr_url, reason}]
    current_wave  INTEGER NOT NULL CHECK (current_wave >= 0),
    wave_count    INTEGER NOT NULL CHECK (wave_count >= 0),
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    version       INTEGER NOT NULL CHECK (version >= 1)
) STRICT;

CREATE INDEX sprints_running ON sprints (id) WHERE state = 'running';
CREATE INDEX sprints_by_venture ON sprints (venture, id);
