-- Issue 14: the orchestrator. Agents with their capabilities and health, which machines have which repo, and tasks
-- with their transitions (task_events, the score cards of every assignment) and the result history scoring reads.
-- Same conventions as 0001: STRICT tables, times as Unix milliseconds, enum columns holding the snake_case wire names,
-- nested values as JSON text. Tasks carry a venture code without a foreign key, like notes.

CREATE TABLE agents (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,     -- the identity a registration upserts on
    machine_id         TEXT,              -- mach_…; null: on no machine (only tasks without a repo)
    cli                TEXT NOT NULL CHECK (cli IN ('claude', 'gemini', 'codex', 'custom')),
    capabilities       TEXT NOT NULL,     -- JSON [{name, weight, preferred, requirements[]}]
    health_checks      TEXT NOT NULL,     -- JSON [{requirement, url, command}]
    max_concurrency    INTEGER NOT NULL CHECK (max_concurrency >= 1),
    registered_at      INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    last_heartbeat_at  INTEGER NOT NULL,  -- status (online, degraded, offline) is judged from it on read
    paused_until       INTEGER,
    pause_reason       TEXT,
    removed_at         INTEGER,           -- deregistered; kept for history, revived by registering the name again
    actor_key_id       TEXT
) STRICT;

CREATE UNIQUE INDEX agents_by_name ON agents (name);

-- The latest result of each requirement's health check: probed by the server (URL) or reported by the worker (command).
CREATE TABLE agent_health (
    agent_id     TEXT NOT NULL REFERENCES agents (id),
    requirement  TEXT NOT NULL,
    healthy      INTEGER NOT NULL CHECK (healthy IN (0, 1)),
    checked_at   INTEGER NOT NULL,
    detail       TEXT,
    PRIMARY KEY (agent_id, requirement)
) STRICT;

-- Which machine has a clone of which repo: a task for a repo goes only to agents on such machines.
CREATE TABLE repo_contexts (
    machine_id       TEXT NOT NULL,
    repo             TEXT NOT NULL,   -- org/name
    local_path       TEXT NOT NULL,
    default_branch   TEXT,
    last_fetched_at  INTEGER,
    reported_at      INTEGER NOT NULL,
    PRIMARY KEY (machine_id, repo)
) STRICT;

CREATE INDEX repo_contexts_by_repo ON repo_contexts (repo);

CREATE TABLE tasks (
    id                 TEXT PRIMARY KEY,
    venture            TEXT NOT NULL,
    repo               TEXT,
    capability         TEXT NOT NULL,
    title              TEXT NOT NULL,
    prompt             TEXT,
    payload            TEXT NOT NULL,   -- canonical JSON object
    priority           INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 10),
    timeout_s          INTEGER NOT NULL CHECK (timeout_s >= 1),
    max_attempts       INTEGER NOT NULL CHECK (max_attempts >= 1),
    depends_on         TEXT NOT NULL,   -- JSON list of task ids (task_dependencies is the index of it)
    not_before         INTEGER,
    max_cost_usd       REAL,
    created_by         TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('waiting', 'queued', 'assigned', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
    attempt            INTEGER NOT NULL CHECK (attempt >= 0),   -- starts so far
    epoch              INTEGER NOT NULL CHECK (epoch >= 0),     -- grows with every assignment; fences the lease
    assigned_agent     TEXT,
    assigned_at        INTEGER,
    started_at         INTEGER,
    lease_expires_at   INTEGER,          -- assigned: start by; running: renew by
    retry_at           INTEGER,          -- failed: back in the queue at
    probe              INTEGER NOT NULL CHECK (probe IN (0, 1)),
    last_failed_agent  TEXT,
    cancel_requested   INTEGER NOT NULL CHECK (cancel_requested IN (0, 1)),
    result             TEXT,             -- canonical JSON object of the successful attempt
    error_type         TEXT,
    error_message      TEXT,
    finished_at        INTEGER,
    actor_key_id       TEXT
) STRICT;

-- The dispatcher's queue: queued tasks by priority (highest first), then age.
CREATE INDEX tasks_queue ON tasks (priority DESC, created_at, id) WHERE state = 'queued';
-- Leases the sweeper looks for, and backoffs that elapse.
CREATE INDEX tasks_leases ON tasks (lease_expires_at) WHERE state IN ('assigned', 'running');
CREATE INDEX tasks_retries ON tasks (retry_at) WHERE state = 'failed';
-- Lists and counts: a venture's tasks by state, newest first; an agent's load.
CREATE INDEX tasks_by_venture ON tasks (venture, state, id);
CREATE INDEX tasks_by_agent ON tasks (assigned_agent, state);

-- Who waits for whom: when a task finishes, its waiting dependents are judged again.
CREATE TABLE task_dependencies (
    task_id     TEXT NOT NULL REFERENCES tasks (id),
    depends_on  TEXT NOT NULL REFERENCES tasks (id),
    PRIMARY KEY (task_id, depends_on)
) STRICT;

CREATE INDEX task_dependencies_by_dependency ON task_dependencies (depends_on);

-- Every transition: from → to, who, why; an assignment carries the score card of every candidate (JSON).
CREATE TABLE task_events (
    seq          INTEGER PRIMARY KEY,
    task_id      TEXT NOT NULL REFERENCES tasks (id),
    at           INTEGER NOT NULL,
    from_state   TEXT,
    to_state     TEXT NOT NULL,
    actor        TEXT NOT NULL,
    reason       TEXT NOT NULL,
    attempt      INTEGER NOT NULL,
    epoch        INTEGER NOT NULL,
    agent_id     TEXT,
    probe        INTEGER NOT NULL CHECK (probe IN (0, 1)),
    score_cards  TEXT
) STRICT;

CREATE INDEX task_events_by_task ON task_events (task_id, seq);

-- Every finished attempt: the history scoring reads (an agent's newest 20 for a capability).
CREATE TABLE task_results (
    seq                INTEGER PRIMARY KEY,
    task_id            TEXT NOT NULL REFERENCES tasks (id),
    attempt            INTEGER NOT NULL,
    agent_id           TEXT NOT NULL,
    capability         TEXT NOT NULL,
    success            INTEGER NOT NULL CHECK (success IN (0, 1)),
    finished_at        INTEGER NOT NULL,
    duration_ms        INTEGER,
    error_type         TEXT,
    error_message      TEXT,
    input_tokens       INTEGER,
    output_tokens      INTEGER,
    cost_usd           REAL,
    native_session_id  TEXT,
    branch             TEXT,
    pr_url             TEXT
) STRICT;

CREATE INDEX task_results_for_scoring ON task_results (agent_id, capability, finished_at DESC, seq DESC);
CREATE INDEX task_results_by_task ON task_results (task_id, attempt);
