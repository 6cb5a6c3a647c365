"""The cold start: rank records by the question and its eligibility criteria before any
decision, so screening needs no prior knowledge (ASReview needs one relevant and one
irrelevant record first).

Two zero-shot signals available without a model download: the cosine similarity of each
record's sentence embedding to the embedded question and criteria (what the text is about,
across wordings), and BM25 of the criteria's words (the exact terms a review turns on). Each
is z-scored over the corpus and the two are summed with equal weight (not tuned on any
review's labels). A local LLM's probability of TRUE (``llm_p_true``, from a label run) is the
stronger signal where it exists and goes first (``features.corpus_features``); the learner
takes over once a relevant and an irrelevant decision exist.
"""
from __future__ import annotations

import numpy as np

NAME = "criteria_match"  # z(embedding similarity) + z(BM25) to the question and criteria


def query_text(question: str, criteria: str | None) -> str:
    """What the records are compared with: the question, then the criteria."""
    return "\n".join(p.strip() for p in (question, criteria or "") if p and p.strip())


def bm25(texts: list[str], query: str, k1: float = 1.2, b: float = 0.75) -> np.ndarray:
    """Okapi BM25 of every text for the query's words (English stop words dropped; each
    distinct query word counted once)."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(stop_words="english", lowercase=True)
    try:
        counts = vectorizer.fit_transform([t or "" for t in texts]).tocsc()
    except ValueError:  # no usable word in any text
        return np.zeros(len(texts))
    vocabulary = vectorizer.vocabulary_
    words = {w for w in vectorizer.build_analyzer()(query) if w in vocabulary}
    if not words:
        return np.zeros(len(texts))
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    norm = k1 * (1 - b + b * lengths / max(lengths.mean(), 1e-9))
    n = len(texts)
    scores = np.zeros(n)
    for word in words:
        column = counts[:, vocabulary[word]]
        rows, tf = column.indices, column.data.astype(float)
        idf = np.log(1 + (n - len(rows) + 0.5) / (len(rows) + 0.5))
        scores[rows] += idf * tf * (k1 + 1) / (tf + norm[rows])
    return scores


def _z(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / (spread if spread else 1.0)


def criteria_signal(texts: list[str], vectors: np.ndarray | None, query_vector, query: str
                    ) -> np.ndarray:
    """The cold-start score of every text: z(similarity to the query) + z(BM25 of its words);
    BM25 alone without embeddings. NaN where a record has neither text nor a vector."""
    score = _z(bm25(texts, query))
    if vectors is not None and query_vector is not None:
        q = np.asarray(query_vector, dtype=np.float64).reshape(-1)
        similarity = np.asarray(vectors, dtype=np.float64) @ (q / (np.linalg.norm(q) or 1.0))
        score = score + _z(similarity)
        score[~np.asarray(vectors).any(axis=1) & ~np.array([bool(t) for t in texts])] = np.nan
    return score
