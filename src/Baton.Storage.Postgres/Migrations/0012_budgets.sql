-- Issue 16: budgets (docs/architecture.md §14 Budgets, §3). A venture's daily budget in dollars (null: none), and why
-- the dispatcher holds a queued task (its venture's budget; null while it is not held).
ALTER TABLE ventures ADD COLUMN daily_budget_usd double precision CHECK (daily_budget_usd IS NULL OR daily_budget_usd > 0);
ALTER TABLE tasks ADD COLUMN held text;
