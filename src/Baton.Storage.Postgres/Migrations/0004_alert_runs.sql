-- The newest CI run that opened or added to each alert (AlertRules.Decide): the same columns as SQLite's
-- 0005_alert_runs, in 0001's conventions. Null for alerts raised through the API or written before this migration.
ALTER TABLE alerts ADD COLUMN last_run_created_at bigint;
ALTER TABLE alerts ADD COLUMN last_run_number bigint;
