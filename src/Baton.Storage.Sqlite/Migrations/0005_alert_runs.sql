-- The newest CI run that opened or added to each alert, so a success from an older run (a late delivery, an old run
-- re-run green) cannot resolve an alert a newer run opened (AlertRules.Decide). workflow_run: created_at and
-- run_number; check_suite: created_at and the suite id. Null for alerts raised through the API and for alerts written
-- before this migration: those resolve on any success, as before.
ALTER TABLE alerts ADD COLUMN last_run_created_at INTEGER;
ALTER TABLE alerts ADD COLUMN last_run_number INTEGER;
