-- Issue 18: the change log the live views follow (docs/decisions/0034-change-feed.md, docs/architecture.md §18), as
-- SQLite's 0018_changes. Triggers write it in the writes' own transactions and pg_notify('baton_changes', '') — an
-- empty payload, so PostgreSQL folds every change of one transaction into one notification, delivered at commit to
-- every replica's listener. seq comes from an identity sequence: taken before commit, so a lower seq can become
-- visible after a higher one (readers follow with ChangeCursor), and never reused after a purge.
-- at: the changed row's own timestamp column where it has one, else the time of the write (the DELETE triggers).
CREATE TABLE changes (
    seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind     text NOT NULL,
    venture  text,            -- NULL: fleet-wide (agents, machines, global notes)
    subject  text NOT NULL,
    at       bigint NOT NULL  -- unix ms
);

-- No index on at: every write that records a change (a heartbeat above all, issue 13) would pay for a second B-tree.
-- The purge finds its cut by walking seq order from the oldest row, which reads only the rows it is about to delete
-- (ChangeRows.PurgeSql).

-- Sessions: start, resume, heartbeat, move, end. One INSERT per row (the heartbeat path, issue 13).
CREATE FUNCTION changes_record_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('session', NEW.venture, NEW.id, greatest(NEW.last_heartbeat_at, NEW.ended_at));
    PERFORM pg_notify('baton_changes', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER sessions_changes AFTER INSERT OR UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION changes_record_session();

-- Hook events: subject is the session the event belongs to, or the event itself when unmatched.
CREATE FUNCTION changes_record_hook_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('hook_event', NEW.venture, coalesce(NEW.session_id, NEW.id), NEW.received_at);
    PERFORM pg_notify('baton_changes', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER hook_events_changes AFTER INSERT ON hook_events FOR EACH ROW EXECUTE FUNCTION changes_record_hook_event();

-- Task transitions: every task_event; the venture is the task's.
CREATE FUNCTION changes_record_task() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('task', (SELECT t.venture FROM tasks t WHERE t.id = NEW.task_id), NEW.task_id, NEW.at);
    PERFORM pg_notify('baton_changes', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER task_events_changes AFTER INSERT ON task_events FOR EACH ROW EXECUTE FUNCTION changes_record_task();

CREATE FUNCTION changes_record_handoff() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('handoff', NEW.venture, NEW.id, NEW.created_at);
    PERFORM pg_notify('baton_changes', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER handoffs_changes AFTER INSERT ON handoffs FOR EACH ROW EXECUTE FUNCTION changes_record_handoff();

CREATE FUNCTION changes_record_alert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('alert', NEW.venture, NEW.id, greatest(NEW.last_seen, NEW.resolved_at));
    PERFORM pg_notify('baton_changes', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER alerts_changes AFTER INSERT OR UPDATE ON alerts FOR EACH ROW EXECUTE FUNCTION changes_record_alert();

CREATE FUNCTION changes_record_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO changes (kind, venture, subject, at) VALUES ('claim', OLD.venture, OLD.id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
    ELSE
        INSERT INTO changes (kind, venture, subject, at) VALUES ('claim', NEW.venture, NEW.id, CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE coalesce(NEW.released_at, NEW.created_at) END);
    END IF;
    PERFORM pg_notify('baton_changes', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER claims_changes AFTER INSERT OR UPDATE OR DELETE ON claims FOR EACH ROW EXECUTE FUNCTION changes_record_claim();

CREATE FUNCTION changes_record_workflow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('workflow', NEW.venture, NEW.id, NEW.updated_at);
    PERFORM pg_notify('baton_changes', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER workflows_changes AFTER INSERT OR UPDATE ON workflows FOR EACH ROW EXECUTE FUNCTION changes_record_workflow();

CREATE FUNCTION changes_record_sprint() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('sprint', NEW.venture, NEW.id, NEW.updated_at);
    PERFORM pg_notify('baton_changes', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER sprints_changes AFTER INSERT OR UPDATE ON sprints FOR EACH ROW EXECUTE FUNCTION changes_record_sprint();

-- Agents and machines serve every venture: venture NULL.
CREATE FUNCTION changes_record_agent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO changes (kind, venture, subject, at) VALUES ('agent', NULL, OLD.id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
    ELSE
        INSERT INTO changes (kind, venture, subject, at) VALUES ('agent', NULL, NEW.id, greatest(NEW.updated_at, NEW.last_heartbeat_at));
    END IF;
    PERFORM pg_notify('baton_changes', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER agents_changes AFTER INSERT OR UPDATE OR DELETE ON agents FOR EACH ROW EXECUTE FUNCTION changes_record_agent();

CREATE FUNCTION changes_record_machine() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('machine', NULL, NEW.id, NEW.last_seen_at);
    PERFORM pg_notify('baton_changes', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER machines_changes AFTER INSERT OR UPDATE ON machines FOR EACH ROW EXECUTE FUNCTION changes_record_machine();

-- Notes: a global note (venture 'global') is fleet-wide.
CREATE FUNCTION changes_record_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (kind, venture, subject, at) VALUES ('note', nullif(NEW.venture, 'global'), NEW.id, NEW.updated_at);
    PERFORM pg_notify('baton_changes', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER notes_changes AFTER INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION changes_record_note();
