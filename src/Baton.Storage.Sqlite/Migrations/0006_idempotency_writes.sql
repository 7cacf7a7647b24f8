-- Idempotency records commit with the writes they guard (decisions/0013-idempotency-commits-with-the-write.md):
-- the results of the writes a request made under its key, a JSON array of {"type", "result"}, appended in each
-- write's own transaction. NULL: no write recorded (an answer without writes, or a record of the old design).
ALTER TABLE idempotency ADD COLUMN writes TEXT;
