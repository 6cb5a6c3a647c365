"""The corpus schema as forward migrations. Append a migration; never edit a shipped one."""
from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the ingestion store.
    """
    CREATE TABLE imports (
        import_id INTEGER PRIMARY KEY,
        file VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        format VARCHAR,
        encoding VARCHAR,
        rows_read INTEGER DEFAULT 0,
        stored INTEGER DEFAULT 0,
        duplicates INTEGER DEFAULT 0,
        rejected INTEGER DEFAULT 0,
        status VARCHAR NOT NULL,          -- done | failed
        message VARCHAR,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP
    );
    CREATE TABLE records (
        record_id INTEGER PRIMARY KEY,
        import_id INTEGER NOT NULL,
        source_line INTEGER,
        title VARCHAR,
        title_key VARCHAR,
        abstract VARCHAR,
        copyright VARCHAR,
        authors VARCHAR[],
        author_full_names VARCHAR[],
        author_ids VARCHAR[],
        affiliations VARCHAR[],
        year INTEGER,
        source_title VARCHAR,
        volume VARCHAR,
        issue VARCHAR,
        art_no VARCHAR,
        page_start VARCHAR,
        page_end VARCHAR,
        page_count INTEGER,
        cited_by INTEGER,
        doi VARCHAR,
        link VARCHAR,
        author_keywords VARCHAR[],
        index_keywords VARCHAR[],
        document_type VARCHAR,
        publication_stage VARCHAR,
        open_access VARCHAR,
        language VARCHAR,
        publisher VARCHAR,
        issn VARCHAR,
        isbn VARCHAR,
        eid VARCHAR,
        wos_ut VARCHAR,
        openalex_id VARCHAR,
        pmid VARCHAR,
        source_db VARCHAR,
        raw VARCHAR,                      -- the source row as read, JSON text (VARCHAR: no parse on insert)
        updated_at TIMESTAMP
    );
    CREATE TABLE rejects (
        import_id INTEGER NOT NULL,
        line INTEGER,
        reason VARCHAR NOT NULL,
        raw VARCHAR
    );
    CREATE TABLE duplicates (
        import_id INTEGER NOT NULL,
        line INTEGER,
        duplicate_of INTEGER NOT NULL,    -- the kept record
        reason VARCHAR NOT NULL,          -- doi | eid | wos_ut | openalex_id | pmid | title_year | fuzzy_title
        similarity DOUBLE,
        enriched VARCHAR[],               -- fields the kept record took from this one
        raw VARCHAR                       -- JSON text
    );
    CREATE TABLE documents (
        document_id INTEGER PRIMARY KEY,
        path VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        n_pages INTEGER,
        n_chars INTEGER,
        status VARCHAR NOT NULL,          -- ok | repaired | empty | corrupt | encrypted | no_text
        error VARCHAR,
        record_id INTEGER,
        link_method VARCHAR,              -- filename_doi | metadata_doi | text_doi | title
        link_score DOUBLE,
        metadata JSON,
        added_at TIMESTAMP NOT NULL
    );
    CREATE TABLE pages (
        document_id INTEGER NOT NULL,
        page INTEGER NOT NULL,            -- 1-based
        text VARCHAR
    );
    CREATE TABLE chunks (
        chunk_id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL,
        chunk_index INTEGER NOT NULL,
        text VARCHAR NOT NULL,
        page_start INTEGER NOT NULL,
        page_end INTEGER NOT NULL,
        char_start INTEGER NOT NULL,      -- offsets into the document's pages joined by "\\n\\n"
        char_end INTEGER NOT NULL
    );
    CREATE INDEX records_doi ON records(doi);
    CREATE INDEX documents_sha ON documents(sha256);
    """,
    # 2: the search index: vectors keyed by (object, model, hash of the embedded text), and
    # fingerprints telling when a derived index (fts, FAISS) is stale.
    """
    CREATE TABLE embeddings (
        granularity VARCHAR NOT NULL,     -- record | chunk
        object_id INTEGER NOT NULL,       -- record_id or chunk_id
        model VARCHAR NOT NULL,
        text_hash VARCHAR NOT NULL,
        vector FLOAT[] NOT NULL,          -- L2-normalised
        PRIMARY KEY (granularity, object_id, model)
    );
    CREATE TABLE index_state (
        name VARCHAR PRIMARY KEY,
        fingerprint VARCHAR NOT NULL,
        built_at TIMESTAMP NOT NULL
    );
    """,
    # 3: label runs and labels.
    """
    CREATE TABLE label_runs (
        run_id INTEGER PRIMARY KEY,
        name VARCHAR NOT NULL,            -- short slug of the question, used in export columns
        question VARCHAR NOT NULL,
        options VARCHAR[] NOT NULL,
        scope VARCHAR NOT NULL,           -- abstract | fulltext | auto
        backend VARCHAR NOT NULL,
        model_id VARCHAR NOT NULL,
        weights_sha256 VARCHAR,
        prompt_template VARCHAR NOT NULL,
        parameters VARCHAR NOT NULL,      -- JSON text
        litlab_version VARCHAR NOT NULL,
        record_ids INTEGER[] NOT NULL,    -- the records this run labels, fixed at creation
        status VARCHAR NOT NULL,          -- running | done | interrupted | paused | failed
        message VARCHAR,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP
    );
    CREATE TABLE labels (
        run_id INTEGER NOT NULL,
        record_id INTEGER NOT NULL,
        label VARCHAR,                    -- NULL only when no option could be given
        probabilities DOUBLE[] NOT NULL,  -- aligned with label_runs.options
        evidence VARCHAR,                 -- a verbatim sentence of the context
        evidence_page INTEGER,            -- for PDF text
        evidence_source VARCHAR,          -- abstract | title | fulltext
        method VARCHAR NOT NULL,          -- option_logprobs | generated | no_text
        reason VARCHAR,
        context_tokens INTEGER,
        truncated BOOLEAN NOT NULL DEFAULT false,
        latency_ms DOUBLE,
        created_at TIMESTAMP NOT NULL,
        PRIMARY KEY (run_id, record_id)
    );
    """,
    # 4: answers to questions across the corpus, with their citations.
    """
    CREATE TABLE answers (
        answer_id INTEGER PRIMARY KEY,
        question VARCHAR NOT NULL,
        answer VARCHAR NOT NULL,
        citations VARCHAR NOT NULL,       -- JSON text: [{n, record_id, doi, title, page, passage}]
        uncited_sentences VARCHAR[],      -- sentences of the answer that carry no citation
        invalid_citations INTEGER[],      -- numbers cited that match no source
        filters VARCHAR,                  -- JSON text
        model_id VARCHAR NOT NULL,
        seconds DOUBLE,
        created_at TIMESTAMP NOT NULL
    );
    """,
    # 5: topic models: runs, topics, and every record's topic and map position per run.
    """
    CREATE TABLE topic_runs (
        topic_run_id INTEGER PRIMARY KEY,
        embedding_model VARCHAR NOT NULL,
        parameters VARCHAR NOT NULL,      -- JSON text: every setting used, the scaled ones resolved
        n_records INTEGER NOT NULL,
        fitted_on INTEGER NOT NULL,       -- records UMAP/HDBSCAN saw; the rest were transformed
        outliers_before INTEGER NOT NULL, -- topic -1 before outlier reduction
        outliers_after INTEGER NOT NULL,
        engine VARCHAR NOT NULL,          -- umap-learn+hdbscan | cuml
        versions VARCHAR NOT NULL,        -- JSON text: litlab, bertopic, umap, hdbscan
        seconds DOUBLE NOT NULL,
        created_at TIMESTAMP NOT NULL
    );
    CREATE TABLE topics (
        topic_run_id INTEGER NOT NULL,
        topic_id INTEGER NOT NULL,        -- -1: the outliers
        name VARCHAR NOT NULL,
        name_source VARCHAR NOT NULL,     -- keywords | llm | user
        name_model VARCHAR,               -- the LLM that wrote the name
        keywords VARCHAR[] NOT NULL,      -- c-TF-IDF, best first
        keyword_scores DOUBLE[] NOT NULL,
        keybert VARCHAR[],                -- KeyBERT-inspired keywords
        size INTEGER NOT NULL,
        representative_ids INTEGER[],     -- records nearest the topic's centroid, nearest first
        merged_into INTEGER,              -- set when merged into another topic (size then 0)
        PRIMARY KEY (topic_run_id, topic_id)
    );
    CREATE TABLE topic_assignments (
        topic_run_id INTEGER NOT NULL,
        record_id INTEGER NOT NULL,
        topic_id INTEGER NOT NULL,
        probability DOUBLE,               -- HDBSCAN membership; cosine to the centroid if reassigned
        method VARCHAR NOT NULL,          -- fit | transform | outlier_reduction | merge
        x FLOAT NOT NULL,                 -- 2-D UMAP of the same embeddings, for maps
        y FLOAT NOT NULL,
        PRIMARY KEY (topic_run_id, record_id)
    );
    """,
]

# 6: human reviews per question (a correction is a new row; the latest counts).
from litlab.review.schema import MIGRATION as _REVIEW_MIGRATION  # noqa: E402
from litlab.review.schema import VALIDATION_MIGRATION as _VALIDATION_MIGRATION  # noqa: E402

MIGRATIONS.append(_REVIEW_MIGRATION)
# 7: validation samples of runs, and review rows that could not be stored.
MIGRATIONS.append(_VALIDATION_MIGRATION)
# 8: screening stages, exclusion reasons, eligibility criteria per question.
from litlab.review.schema import SCREENING_MIGRATION as _SCREENING_MIGRATION  # noqa: E402

MIGRATIONS.append(_SCREENING_MIGRATION)
# 9: answers that could not be scored (no label; kept to read, asked again on resume).
from litlab.labeling.unscorable import MIGRATION as _UNSCORABLE_MIGRATION  # noqa: E402

MIGRATIONS.append(_UNSCORABLE_MIGRATION)
