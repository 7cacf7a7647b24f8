-- Issue 15: handoffs Baton drafts from a session's hook events (at compaction and session end) or synthesizes for an
-- abandoned session at the next SOD (docs/architecture.md §15, decisions/0023-drafted-handoffs.md), and the few more
-- bounded, secret-scanned details per event they are built from.

-- Null for a handoff an agent wrote; else what made Baton draft it. drafted_from is the trigger (the hook event's id,
-- or 'abandoned'): one draft per (session, trigger), however often the trigger is forwarded.
ALTER TABLE handoffs ADD COLUMN drafted_by text CHECK (drafted_by IN ('compaction', 'session_end', 'abandoned'));
ALTER TABLE handoffs ADD COLUMN drafted_from text;
CREATE UNIQUE INDEX handoffs_drafted_once ON handoffs (session_id, drafted_from) WHERE drafted_from IS NOT NULL;
-- "Did the agent write a handoff in this session?" — asked before every draft.
CREATE INDEX handoffs_by_session ON handoffs (session_id) WHERE session_id IS NOT NULL;

-- A tool event's file path and command (first line), and a turn's last assistant message: each bounded and passed
-- through the secret scanner by Core, like the summary.
ALTER TABLE hook_events ADD COLUMN file_path text;
ALTER TABLE hook_events ADD COLUMN command text;
ALTER TABLE hook_events ADD COLUMN message text;
