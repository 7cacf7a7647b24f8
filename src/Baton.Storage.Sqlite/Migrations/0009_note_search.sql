-- Issue 13: note search over many matches. A search joins every FTS5 match to its note to apply the scope filter
-- (archived, venture, tags) and to break rank ties by id. Looked up in the table, each match reads the note's whole
-- row (title and content included) from a page of its own; this index holds only what the filter and the tie-break
-- read, so the same join touches a few hundred small pages instead of one large row per match (measured on 100,000
-- notes: the exact count for a word in every note fell from ~80 ms to ~50 ms, under load). See decision 0016.
CREATE INDEX notes_search_scope ON notes (seq, archived, venture, id);
