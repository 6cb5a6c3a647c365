"""The classifier's features: sparse TF-IDF beside dense embeddings beside zero-shot signals.

TF-IDF catches the exact terms a review turns on (a method's name, a population); the
embeddings carry meaning across wordings, which matters most when there are 10-50 labels;
the zero-shot signals (the LLM's probability of TRUE, similarity to the question) let the
ranking start before any label and let the reviews correct them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np

from litlab.errors import LitlabError
from litlab.review.settings import ReviewSettings


@dataclass
class Features:
    """One row per item (a record, or a row of a simulation file)."""

    ids: np.ndarray  # record ids (or row numbers)
    matrix: object  # scipy.sparse CSR, float32
    groups: list[str]  # which feature blocks are in the matrix
    prior: np.ndarray | None = None  # zero-shot score for ranking before training, higher = TRUE
    prior_name: str | None = None
    details: dict = field(default_factory=dict)  # sizes, models, run ids: provenance


def _standardise(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """z-scores with missing values at 0, and a 0/1 column telling which were missing."""
    missing = np.isnan(values)
    known = values[~missing]
    mean, std = (known.mean(), known.std()) if known.size else (0.0, 1.0)
    z = np.where(missing, 0.0, (values - mean) / (std or 1.0))
    return z.astype(np.float32), missing.astype(np.float32)


def build_features(texts: list[str], embeddings: np.ndarray | None, signals: dict[str, np.ndarray],
                   settings: ReviewSettings, ids: np.ndarray | None = None) -> Features:
    """Stack [TF-IDF | embeddings | standardised signals] into one sparse matrix."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(texts)
    if n == 0:
        raise LitlabError("nothing to review: there are no records")
    blocks, groups, details = [], [], {"items": n}
    # Unigrams and bigrams, every term kept (no stop list, min_df 1): in screening, rare terms
    # and phrases such as "randomised controlled" carry the decision (on the Nagtegaal data a
    # stop list and min_df 2 cost about 10 points of WSS@95).
    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1, max_df=0.95,
                                 dtype=np.float32, max_features=settings.max_tfidf_features)
    try:
        if not settings.tfidf_weight:
            raise ValueError("TF-IDF switched off")
        tfidf = vectorizer.fit_transform([t or "" for t in texts])
        blocks.append(tfidf * settings.tfidf_weight)
        groups.append("tfidf")
        details["tfidf_terms"] = tfidf.shape[1]
    except ValueError:  # every text empty or stop words only: the other blocks still work
        details["tfidf_terms"] = 0
    if embeddings is not None and embeddings.size and settings.embedding_weight:
        blocks.append(sparse.csr_matrix(embeddings.astype(np.float32) * settings.embedding_weight))
        groups.append("embeddings")
        details["embedding_dim"] = int(embeddings.shape[1])
    prior, prior_name = None, None
    for name, values in signals.items():
        z, missing = _standardise(np.asarray(values, dtype=np.float64))
        columns = [z] + ([missing] if missing.any() else [])
        blocks.append(sparse.csr_matrix(np.column_stack(columns) * settings.signal_weight))
        groups.append(name)
        if prior is None:  # the first signal given is the strongest zero-shot ranking
            prior, prior_name = z, name
    if not blocks:
        raise LitlabError("no features: the records have no text and no embeddings")
    matrix = sparse.hstack(blocks, format="csr", dtype=np.float32)
    return Features(ids if ids is not None else np.arange(n), matrix, groups, prior, prior_name,
                    details)


def llm_probabilities(con: duckdb.DuckDBPyConnection, question: str, ids: np.ndarray
                      ) -> tuple[np.ndarray | None, int | None]:
    """P(TRUE) from the latest LLM run of this question (NaN where it has no label), and its id."""
    row = con.execute(
        "SELECT run_id, options FROM label_runs WHERE question = ? AND backend <> 'classifier' "
        "AND list_contains(options, 'TRUE') ORDER BY run_id DESC LIMIT 1", [question]).fetchone()
    if row is None:
        return None, None
    run_id, options = row
    at = list(options).index("TRUE")
    found = dict(con.execute("SELECT record_id, probabilities[?] FROM labels WHERE run_id = ? "
                             "AND method <> 'no_text'", [at + 1, run_id]).fetchall())
    if not found:
        return None, None
    return np.array([found.get(int(i), np.nan) for i in ids], dtype=np.float64), run_id


def corpus_features(con: duckdb.DuckDBPyConnection, question: str, settings: ReviewSettings,
                    embedding_model: str, embed_question=None) -> Features:
    """Features of every record of the corpus for one question.

    ``embed_question`` turns the question into a vector (the embedding model); it is only
    called when the corpus has embeddings and similarity is wanted.
    """
    from litlab.index.vectors import load_matrix, texts

    rows = texts(con, "record")
    ids = np.array([r for r, _ in rows], dtype=np.int64)
    stored_ids, vectors = load_matrix(con, "record", embedding_model)
    llm, run_id = llm_probabilities(con, question, ids) if settings.use_llm else (None, None)
    if not len(stored_ids) and llm is None:
        raise LitlabError(
            "nothing to learn from yet: this corpus has no embeddings and no label run for this "
            "question; run `litlab index` (embeddings), or `litlab label QUESTION` (LLM "
            "probabilities), then review again")
    embeddings = None
    if len(stored_ids):
        embeddings = np.zeros((len(ids), vectors.shape[1]), dtype=np.float32)
        where = {int(r): i for i, r in enumerate(stored_ids)}
        rows_at = np.array([where.get(int(r), -1) for r in ids])
        embeddings[rows_at >= 0] = vectors[rows_at[rows_at >= 0]]
    signals = {}
    if llm is not None:
        signals["llm_p_true"] = llm
    if embeddings is not None and settings.use_similarity and embed_question is not None:
        query = np.asarray(embed_question(question), dtype=np.float32).reshape(-1)
        similarity = embeddings @ query
        similarity[~embeddings.any(axis=1)] = np.nan
        signals["question_similarity"] = similarity
    features = build_features([t for _, t in rows], embeddings, signals, settings, ids)
    features.details.update(embedding_model=embedding_model if embeddings is not None else None,
                            llm_run=run_id)
    return features
