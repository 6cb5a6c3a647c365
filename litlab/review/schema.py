"""The review tables, as one forward migration appended to ``litlab.schema.MIGRATIONS``."""
from __future__ import annotations

MIGRATION = """
    CREATE SEQUENCE IF NOT EXISTS review_ids START 1;
    CREATE TABLE IF NOT EXISTS reviews (
        review_id BIGINT PRIMARY KEY DEFAULT nextval('review_ids'),
        question VARCHAR NOT NULL,        -- the question as asked, whitespace collapsed
        record_id INTEGER NOT NULL,
        label VARCHAR NOT NULL,           -- TRUE | FALSE | UNCLEAR
        reviewer VARCHAR NOT NULL,
        source VARCHAR NOT NULL,          -- terminal | import | api | ui
        note VARCHAR,                     -- e.g. the imported file and line
        created_at TIMESTAMP NOT NULL
    );
    -- A correction is a new row; the row with the highest review_id per (question, record) counts.
    CREATE INDEX IF NOT EXISTS reviews_question_record ON reviews(question, record_id);
"""


def ensure_review_schema(con) -> None:
    """Apply ``MIGRATION`` where it is missing; harmless where it ran (every statement is
    IF NOT EXISTS, so a database touched by this before the migration ships migrates cleanly)."""
    con.execute(MIGRATION)
