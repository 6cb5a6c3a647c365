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

# 8: systematic reviews. A review row belongs to a screening stage (title and abstract, or the
# full text) and a full-text exclusion carries its reason; a question keeps its eligibility
# criteria and the exclusion reasons reviewers may give (PRISMA 2020 counts them by reason).
SCREENING_MIGRATION = """
    ALTER TABLE reviews ADD COLUMN stage VARCHAR DEFAULT 'title_abstract';  -- | full_text
    ALTER TABLE reviews ADD COLUMN reason VARCHAR;   -- a full-text exclusion's reason
    UPDATE reviews SET stage = 'title_abstract' WHERE stage IS NULL;
    CREATE TABLE IF NOT EXISTS question_settings (
        question VARCHAR PRIMARY KEY,     -- normalised as reviews.question
        criteria VARCHAR,                 -- eligibility criteria, shown and given to the LLM
        exclusion_reasons VARCHAR[],      -- the reasons a full-text exclusion may give
        updated_at TIMESTAMP NOT NULL
    );
"""
