-- Issue 18: the change log the live views follow (docs/decisions/0034-change-feed.md, docs/architecture.md §18).
-- Triggers write it in the writes' own transactions, so a change is recorded exactly when its write commits and no
-- code path can forget it. One row per changed row; a hint (kind, venture, subject), never the data.
-- seq is the rowid (no AUTOINCREMENT: that would add a write of sqlite_sequence to every heartbeat). A rowid is
-- max(rowid) + 1, so the purge always keeps the newest row (SqliteBatonStore.Changes.cs): seqs then never repeat, and a
-- Last-Event-ID stays meaningful across a purge.
-- at: the changed row's own timestamp column where it has one (written by the same clock as the row), else the time
-- of the write (the DELETE triggers: a deleted row says nothing about when).
CREATE TABLE changes (
    seq      INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    venture  TEXT,            -- NULL: fleet-wide (agents, machines, global notes)
    subject  TEXT NOT NULL,
    at       INTEGER NOT NULL -- unix ms
) STRICT;

-- No index on at: every write that records a change (a heartbeat above all, issue 13) would pay for a second B-tree.
-- The purge finds its cut by walking seq order from the oldest row, which reads only the rows it is about to delete
-- (ChangeRows.PurgeSql).

-- Sessions: start, resume, heartbeat, move, end. One INSERT per write: the heartbeat path (issue 13) pays only this.
CREATE TRIGGER sessions_change_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('session', new.venture, new.id, max(new.last_heartbeat_at, coalesce(new.ended_at, 0)));
END;
CREATE TRIGGER sessions_change_update AFTER UPDATE ON sessions BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('session', new.venture, new.id, max(new.last_heartbeat_at, coalesce(new.ended_at, 0)));
END;

-- Hook events: subject is the session the event belongs to (what a page shows), or the event itself when unmatched.
CREATE TRIGGER hook_events_change_insert AFTER INSERT ON hook_events BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('hook_event', new.venture, coalesce(new.session_id, new.id), new.received_at);
END;

-- Task transitions: every task_event (an added task writes its first one); the venture is the task's.
CREATE TRIGGER task_events_change_insert AFTER INSERT ON task_events BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('task', (SELECT venture FROM tasks WHERE id = new.task_id), new.task_id, new.at);
END;

CREATE TRIGGER handoffs_change_insert AFTER INSERT ON handoffs BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('handoff', new.venture, new.id, new.created_at);
END;

CREATE TRIGGER alerts_change_insert AFTER INSERT ON alerts BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('alert', new.venture, new.id, max(new.last_seen, coalesce(new.resolved_at, 0)));
END;
CREATE TRIGGER alerts_change_update AFTER UPDATE ON alerts BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('alert', new.venture, new.id, max(new.last_seen, coalesce(new.resolved_at, 0)));
END;

CREATE TRIGGER claims_change_insert AFTER INSERT ON claims BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('claim', new.venture, new.id, new.created_at);
END;
CREATE TRIGGER claims_change_update AFTER UPDATE ON claims BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('claim', new.venture, new.id, coalesce(new.released_at, new.created_at));
END;
CREATE TRIGGER claims_change_delete AFTER DELETE ON claims BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('claim', old.venture, old.id, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
END;

CREATE TRIGGER workflows_change_insert AFTER INSERT ON workflows BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('workflow', new.venture, new.id, new.updated_at);
END;
CREATE TRIGGER workflows_change_update AFTER UPDATE ON workflows BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('workflow', new.venture, new.id, new.updated_at);
END;

CREATE TRIGGER sprints_change_insert AFTER INSERT ON sprints BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('sprint', new.venture, new.id, new.updated_at);
END;
CREATE TRIGGER sprints_change_update AFTER UPDATE ON sprints BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('sprint', new.venture, new.id, new.updated_at);
END;

-- Agents and machines serve every venture: venture NULL.
CREATE TRIGGER agents_change_insert AFTER INSERT ON agents BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('agent', NULL, new.id, max(new.updated_at, new.last_heartbeat_at));
END;
CREATE TRIGGER agents_change_update AFTER UPDATE ON agents BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('agent', NULL, new.id, max(new.updated_at, new.last_heartbeat_at));
END;
CREATE TRIGGER agents_change_delete AFTER DELETE ON agents BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('agent', NULL, old.id, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
END;

CREATE TRIGGER machines_change_insert AFTER INSERT ON machines BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('machine', NULL, new.id, new.last_seen_at);
END;
CREATE TRIGGER machines_change_update AFTER UPDATE ON machines BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('machine', NULL, new.id, new.last_seen_at);
END;

-- Notes: a global note (venture 'global') is fleet-wide.
CREATE TRIGGER notes_change_insert AFTER INSERT ON notes BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('note', nullif(new.venture, 'global'), new.id, new.updated_at);
END;
CREATE TRIGGER notes_change_update AFTER UPDATE ON notes BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('note', nullif(new.venture, 'global'), new.id, new.updated_at);
END;
