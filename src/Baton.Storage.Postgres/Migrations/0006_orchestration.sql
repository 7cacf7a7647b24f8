-- Issue 14: the orchestrator, the same tables as SQLite's 0007_orchestration with the conventions of 0001 (bigint unix
-- milliseconds, enum columns holding the snake_case wire names, lists as text[], ids COLLATE "C" so id order is byte
-- order as on SQLite). Nested values (capabilities, health checks, score cards) are JSON text, kept byte for byte.
-- Claims take the task rows FOR UPDATE SKIP LOCKED (docs/architecture.md §14): several replicas dispatch as one.

CREATE TABLE agents (
    id                 text COLLATE "C" PRIMARY KEY,
    name               text COLLATE "C" NOT NULL,   -- the identity a registration upserts on
    machine_id         text,                        -- mach_…; null: on no machine (only tasks without a repo)
    cli                text NOT NULL CHECK (cli IN ('claude', 'gemini', 'codex', 'custom')),
    capabilities       text NOT NULL,               -- JSON [{name, weight, preferred, requirements[]}]
    health_checks      text NOT NULL,               -- JSON [{requirement, url, command}]
    max_concurrency    integer NOT NULL CHECK (max_concurrency >= 1),
    registered_at      bigint NOT NULL,
    updated_at         bigint NOT NULL,
    last_heartbeat_at  bigint NOT NULL,             -- status (online, degraded, offline) is judged from it on read
    paused_until       bigint,
    pause_reason       text,
    removed_at         bigint,                      -- deregistered; kept for history, revived by registering the name again
    actor_key_id       text
);

CREATE UNIQUE INDEX agents_by_name ON agents (name);

-- The latest result of each requirement's health check: probed by the server (URL) or reported by the worker (command).
CREATE TABLE agent_health (
    agent_id     text COLLATE "C" NOT NULL REFERENCES agents (id),
    requirement  text COLLATE "C" NOT NULL,
    healthy      boolean NOT NULL,
    checked_at   bigint NOT NULL,
    detail       text,
    PRIMARY KEY (agent_id, requirement)
);

-- Which machine has a clone of which repo: a task for a repo goes only to agents on such machines.
CREATE TABLE repo_contexts (
    machine_id       text COLLATE "C" NOT NULL,
    repo             text COLLATE "C" NOT NULL,   -- org/name
    local_path       text NOT NULL,
    default_branch   text,
    last_fetched_at  bigint,
    reported_at      bigint NOT NULL,
    PRIMARY KEY (machine_id, repo)
);

CREATE INDEX repo_contexts_by_repo ON repo_contexts (repo);

CREATE TABLE tasks (
    id                 text COLLATE "C" PRIMARY KEY,
    venture            text NOT NULL,
    repo               text,
    capability         text NOT NULL,
    title              text NOT NULL,
    prompt             text,
    payload            text NOT NULL,   -- canonical JSON object, kept byte for byte (not jsonb, which reorders)
    priority           integer NOT NULL CHECK (priority BETWEEN 0 AND 10),
    timeout_s          integer NOT NULL CHECK (timeout_s >= 1),
    max_attempts       integer NOT NULL CHECK (max_attempts >= 1),
    depends_on         text[] NOT NULL, -- task ids (task_dependencies is the index of it)
    not_before         bigint,
    max_cost_usd       double precision,
    created_by         text NOT NULL,
    created_at         bigint NOT NULL,
    updated_at         bigint NOT NULL,
    state              text NOT NULL CHECK (state IN ('waiting', 'queued', 'assigned', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
    attempt            integer NOT NULL CHECK (attempt >= 0),   -- starts so far
    epoch              bigint NOT NULL CHECK (epoch >= 0),      -- grows with every assignment; fences the lease
    assigned_agent     text COLLATE "C",
    assigned_at        bigint,
    started_at         bigint,
    lease_expires_at   bigint,          -- assigned: start by; running: renew by
    retry_at           bigint,          -- failed: back in the queue at
    probe              boolean NOT NULL,
    last_failed_agent  text,
    cancel_requested   boolean NOT NULL,
    result             text,            -- canonical JSON object of the successful attempt
    error_type         text,
    error_message      text,
    finished_at        bigint,
    actor_key_id       text
);

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
    task_id     text COLLATE "C" NOT NULL REFERENCES tasks (id),
    depends_on  text COLLATE "C" NOT NULL REFERENCES tasks (id),
    PRIMARY KEY (task_id, depends_on)
);

CREATE INDEX task_dependencies_by_dependency ON task_dependencies (depends_on);

-- Every transition: from → to, who, why; an assignment carries the score card of every candidate (JSON).
CREATE TABLE task_events (
    seq          bigserial PRIMARY KEY,
    task_id      text COLLATE "C" NOT NULL REFERENCES tasks (id),
    at           bigint NOT NULL,
    from_state   text,
    to_state     text NOT NULL,
    actor        text NOT NULL,
    reason       text NOT NULL,
    attempt      integer NOT NULL,
    epoch        bigint NOT NULL,
    agent_id     text,
    probe        boolean NOT NULL,
    score_cards  text
);

CREATE INDEX task_events_by_task ON task_events (task_id, seq);

-- Every finished attempt: the history scoring reads (an agent's newest 20 for a capability).
CREATE TABLE task_results (
    seq                bigserial PRIMARY KEY,
    task_id            text COLLATE "C" NOT NULL REFERENCES tasks (id),
    attempt            integer NOT NULL,
    agent_id           text COLLATE "C" NOT NULL,
    capability         text NOT NULL,
    success            boolean NOT NULL,
    finished_at        bigint NOT NULL,
    duration_ms        bigint,
    error_type         text,
    error_message      text,
    input_tokens       bigint,
    output_tokens      bigint,
    cost_usd           double precision,
    native_session_id  text,
    branch             text,
    pr_url             text
);

CREATE INDEX task_results_for_scoring ON task_results (agent_id, capability, finished_at DESC, seq DESC);
CREATE INDEX task_results_by_task ON task_results (task_id, attempt);
