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

# 7: validation samples drawn from a run, and review rows that could not be stored.
VALIDATION_MIGRATION = """
    CREATE TABLE IF NOT EXISTS validation_samples (
        run_id INTEGER NOT NULL,
        record_id INTEGER NOT NULL,
        stratum VARCHAR NOT NULL,             -- the run's label ('all' when not stratified)
        inclusion_probability DOUBLE NOT NULL,
        position INTEGER NOT NULL,            -- the (random) order it is reviewed in
        seed BIGINT NOT NULL,
        drawn_at TIMESTAMP NOT NULL,
        PRIMARY KEY (run_id, record_id)
    );
    CREATE TABLE IF NOT EXISTS review_rejects (
        question VARCHAR NOT NULL,
        file VARCHAR,
        line INTEGER,
        reason VARCHAR NOT NULL,
        raw VARCHAR,                          -- the row as read, JSON text
        created_at TIMESTAMP NOT NULL
    );
"""
