-- Issue 17: project workflows and sprints (docs/architecture.md §17), the same tables as SQLite's 0017_workflows with
-- the conventions of 0006 (bigint unix milliseconds, enum columns holding the snake_case wire names, lists as text[],
-- ids COLLATE "C" so id order is byte order as on SQLite; nested values as JSON text). Every change of a workflow or a
-- sprint is an UPDATE … WHERE version = the version read, its events and effects in the same transaction. A venture's
-- workflow settings (ventures.json "workflow") are one JSON column; NULL: the defaults.
ALTER TABLE ventures ADD COLUMN workflow text;

CREATE TABLE workflows (
    id                 text COLLATE "C" PRIMARY KEY,
    venture            text NOT NULL,
    repo               text,
    issue              text,
    title              text NOT NULL,
    body               text,
    state              text NOT NULL CHECK (state IN ('create', 'planning', 'review', 'in_progress', 'qa', 'deploy', 'validate', 'accepted', 'failed')),
    bounces            integer NOT NULL CHECK (bounces >= 0),
    max_bounces        integer NOT NULL CHECK (max_bounces >= 0),
    human_gates        text NOT NULL,      -- JSON [state]
    branch             text NOT NULL,
    plan               text,
    pr_url             text,
    step               integer NOT NULL CHECK (step >= 0),
    step_task_id       text COLLATE "C",
    waiting_for_human  text,
    reason             text,
    sprint_id          text COLLATE "C",
    created_by         text NOT NULL,
    created_at         bigint NOT NULL,
    updated_at         bigint NOT NULL,
    finished_at        bigint,
    version            bigint NOT NULL CHECK (version >= 1)
);

CREATE INDEX workflows_open ON workflows (id) WHERE state NOT IN ('accepted', 'failed');
CREATE INDEX workflows_by_venture ON workflows (venture, id);
CREATE INDEX workflows_by_sprint ON workflows (sprint_id, id) WHERE sprint_id IS NOT NULL;

CREATE TABLE workflow_events (
    workflow_id   text COLLATE "C" NOT NULL REFERENCES workflows (id),
    seq           integer NOT NULL CHECK (seq >= 1),
    at            bigint NOT NULL,
    from_state    text CHECK (from_state IN ('create', 'planning', 'review', 'in_progress', 'qa', 'deploy', 'validate', 'accepted', 'failed')),
    to_state      text NOT NULL CHECK (to_state IN ('create', 'planning', 'review', 'in_progress', 'qa', 'deploy', 'validate', 'accepted', 'failed')),
    trigger_name  text NOT NULL,
    actor         text NOT NULL,
    reason        text NOT NULL,
    task_id       text COLLATE "C",
    detail        text,
    PRIMARY KEY (workflow_id, seq)
);

CREATE TABLE workflow_effects (
    id             text COLLATE "C" PRIMARY KEY,
    workflow_id    text COLLATE "C" NOT NULL REFERENCES workflows (id),
    kind           text NOT NULL CHECK (kind IN ('comment', 'status_label', 'create_issue', 'close_issue', 'merge_pull_request')),
    repo           text NOT NULL,
    number         integer,
    title          text,
    body           text,
    labels         text[] NOT NULL,
    pr_url         text,
    created_at     bigint NOT NULL,
    attempts       integer NOT NULL CHECK (attempts >= 0),
    last_error     text,
    done_at        bigint,
    result_url     text,
    claimed_until  bigint
);

CREATE INDEX workflow_effects_pending ON workflow_effects (id) WHERE done_at IS NULL;
CREATE INDEX workflow_effects_by_workflow ON workflow_effects (workflow_id, id);

CREATE TABLE sprints (
    id            text COLLATE "C" PRIMARY KEY,
    venture       text NOT NULL,
    repo          text NOT NULL,
    mode          text NOT NULL CHECK (mode IN ('workflow', 'task')),
    state         text NOT NULL CHECK (state IN ('running', 'done')),
    items         text NOT NULL,           -- JSON [{issue, title, wave, depends_on, state, runs, pr_url, reason}]
    current_wave  integer NOT NULL CHECK (current_wave >= 0),
    wave_count    integer NOT NULL CHECK (wave_count >= 0),
    created_by    text NOT NULL,
    created_at    bigint NOT NULL,
    updated_at    bigint NOT NULL,
    finished_at   bigint,
    version       bigint NOT NULL CHECK (version >= 1)
);

CREATE INDEX sprints_running ON sprints (id) WHERE state = 'running';
CREATE INDEX sprints_by_venture ON sprints (venture, id);
