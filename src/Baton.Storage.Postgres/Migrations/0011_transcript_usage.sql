-- Issue 15: interactive spend (docs/architecture.md §15 Spend, decisions/0025-interactive-spend.md). A turn's or
-- session's end may carry the session's cumulative usage, read by the hook sender from the CLI's transcript. Each
-- report is the whole session so far: spend takes a session's latest one, never their sum.
ALTER TABLE hook_events ADD COLUMN usage_input_tokens bigint;
ALTER TABLE hook_events ADD COLUMN usage_output_tokens bigint;
ALTER TABLE hook_events ADD COLUMN usage_cache_read_tokens bigint;
ALTER TABLE hook_events ADD COLUMN usage_cache_creation_tokens bigint;
-- A session's latest report.
CREATE INDEX hook_events_usage_by_session ON hook_events (session_id, occurred_at, id) WHERE usage_input_tokens IS NOT NULL AND session_id IS NOT NULL;
