"""What the screening learner reads about each record: TF-IDF terms, embeddings, and
zero-shot signals (the LLM's probability of TRUE, similarity to the question).

TF-IDF catches the exact terms a review turns on (a method's name, a population); the
embeddings carry meaning across wordings, which matters most while labels are few; the
signals let the ranking start before any label.
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
    tfidf: object | None  # scipy.sparse CSR, L2-normalised rows
    embeddings: np.ndarray | None  # dense, L2-normalised rows
    signals: dict = field(default_factory=dict)  # name -> z-scores, 0 where unknown
    prior: np.ndarray | None = None  # zero-shot score for ranking before training, higher = TRUE
    prior_name: str | None = None
    details: dict = field(default_factory=dict)  # sizes, models, run ids: provenance

    @property
    def groups(self) -> list[str]:
        """The feature blocks present, in a fixed order."""
        return ([g for g, block in (("tfidf", self.tfidf), ("embeddings", self.embeddings))
                 if block is not None] + list(self.signals))

    def subset(self, rows: np.ndarray) -> "Features":
        """The same features for some rows only (a simulation over reviewed records)."""
        return Features(self.ids[rows], None if self.tfidf is None else self.tfidf[rows],
                        None if self.embeddings is None else self.embeddings[rows],
                        {k: v[rows] for k, v in self.signals.items()},
                        None if self.prior is None else self.prior[rows], self.prior_name,
                        dict(self.details))


def _standardise(values: np.ndarray) -> np.ndarray:
    """z-scores with missing values at 0."""
    missing = np.isnan(values)
    known = values[~missing]
    mean, std = (known.mean(), known.std()) if known.size else (0.0, 1.0)
    return np.where(missing, 0.0, (values - mean) / (std or 1.0)).astype(np.float32)


def tfidf_matrix(texts: list[str], settings: ReviewSettings):
    """ASReview LAB's ELAS u4 text features: unigrams and bigrams, sublinear term frequency,
    every term kept (min_df 1, max_df 0.95); None when no text has a usable word."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, max_df=0.95,
                                 dtype=np.float64, max_features=settings.max_tfidf_features)
    try:
        return vectorizer.fit_transform([t or "" for t in texts]).tocsr()
    except ValueError:  # every text empty or too short: the other blocks still work
        return None


def build_features(texts: list[str], embeddings: np.ndarray | None, signals: dict[str, np.ndarray],
                   settings: ReviewSettings, ids: np.ndarray | None = None) -> Features:
    """TF-IDF of the texts beside the given embeddings and standardised signals."""
    n = len(texts)
    if n == 0:
        raise LitlabError("nothing to review: there are no records")
    tfidf = tfidf_matrix(texts, settings)
    if embeddings is not None and (not embeddings.size or not settings.embedding_weight):
        embeddings = None
    if tfidf is None and embeddings is None:
        raise LitlabError("no features: the records have no text and no embeddings")
    zs = {name: _standardise(np.asarray(v, dtype=np.float64)) for name, v in signals.items()}
    prior_name = next(iter(zs), None)  # the first signal given is the strongest zero-shot one
    details = {"items": n, "tfidf_terms": 0 if tfidf is None else int(tfidf.shape[1])}
    if embeddings is not None:
        details["embedding_dim"] = int(embeddings.shape[1])
        embeddings = np.asarray(embeddings, dtype=np.float64)
    return Features(ids if ids is not None else np.arange(n), tfidf, embeddings, zs,
                    zs.get(prior_name), prior_name, details)


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

    ``embed_question`` turns the question and its criteria into a vector (the embedding
    model); it is only called when the corpus has embeddings and similarity is wanted.
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
    if settings.use_similarity:
        # The cold start: the question and its criteria, by meaning and by their words.
        from litlab.review import coldstart
        from litlab.review.criteria import question_settings

        query = coldstart.query_text(question, question_settings(con, question)["criteria"])
        query_vector = (embed_question(query) if embeddings is not None
                        and embed_question is not None else None)
        signals[coldstart.NAME] = coldstart.criteria_signal(
            [t for _, t in rows], embeddings if query_vector is not None else None,
            query_vector, query)
    features = build_features([t for _, t in rows], embeddings, signals, settings, ids)
    features.details.update(embedding_model=embedding_model if embeddings is not None else None,
                            llm_run=run_id)
    return features
