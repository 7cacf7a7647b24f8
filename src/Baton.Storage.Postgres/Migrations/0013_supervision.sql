-- Issue 16: supervision (docs/architecture.md §14 Supervision, decisions/0029-supervision.md). A venture's follow-up
-- rules (ventures.json follow_ups, JSON text; NULL: none), and the supervisory reports a succeeded review task leaves
-- on the task it reviewed. A review task reports once: it succeeds at most once.
ALTER TABLE ventures ADD COLUMN follow_ups text;

CREATE TABLE task_reviews (
    seq               bigserial PRIMARY KEY,
    reviewed_task_id  text COLLATE "C" NOT NULL REFERENCES tasks (id),
    review_task_id    text COLLATE "C" NOT NULL REFERENCES tasks (id),
    agent_id          text COLLATE "C",
    verdict           text NOT NULL CHECK (verdict IN ('none', 'approve', 'request_changes', 'reject')),
    concerns          text NOT NULL,
    summary           text,
    problem           text,
    at                bigint NOT NULL
);

CREATE INDEX task_reviews_by_reviewed ON task_reviews (reviewed_task_id, seq);
CREATE UNIQUE INDEX task_reviews_by_review ON task_reviews (review_task_id);
