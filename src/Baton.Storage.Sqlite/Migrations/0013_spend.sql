-- Issue 15: spend (docs/architecture.md §15 Spend). Task results already carry their usage; these indexes serve the
-- sums: a period's reports (by finish time), and a session's (the results of its CLI's native session id).
CREATE INDEX task_results_by_finish ON task_results (finished_at);
CREATE INDEX task_results_by_native ON task_results (native_session_id) WHERE native_session_id IS NOT NULL;
