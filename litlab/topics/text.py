"""The text topics are described by: record documents, stop words, the c-TF-IDF vectorizer."""
from __future__ import annotations

import re

import duckdb
import numpy as np

from litlab.errors import LitlabError

# Words that bibliographic exports add to abstracts and that say nothing about a topic:
# copyright lines and publisher names, structured-abstract headings, generic research words.
# Forms are as BERTopic's preprocessing leaves them (punctuation dropped before counting:
# "Author(s)" -> "authors", "B.V." -> "bv", "Design/methodology/approach" -> one word).
BIBLIOGRAPHIC_NOISE = frozenset("""
    copyright copyrighted rights reserved elsevier springer springerverlag verlag wiley
    sons taylor francis informa sage emerald ieee acm mdpi basel licensee license licence
    licensed creative commons bv ltd inc gmbh llc publishing published publisher publishers press
    author authors study studies paper papers article articles abstract doi http https www org
    com et al purpose designmethodologyapproach methodologyapproach originalityvalue findings
    researchlimitationsimplications practicalimplications socialimplications results result
    using use used based new propose proposed present presents aim aims objective objectives
    conclusion conclusions background methods method
""".split())
# Tokens start with a letter: years, page numbers and other bare numbers are not keywords.
TOKEN_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z0-9]+\b"

DOCUMENTS_SQL = """
    SELECT record_id, concat_ws('. ', title, abstract, array_to_string(author_keywords, '; ')),
           title, year
    FROM records WHERE list_contains(?, record_id) ORDER BY record_id
"""


def stop_words() -> list[str]:
    """English stop words plus bibliographic noise."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(ENGLISH_STOP_WORDS | BIBLIOGRAPHIC_NOISE)


def vectorizer():
    """The CountVectorizer behind every c-TF-IDF keyword list: words and word pairs."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(stop_words=stop_words(), ngram_range=(1, 2),
                           token_pattern=TOKEN_PATTERN, lowercase=True)


def clean(doc: str) -> str:
    """BERTopic's own preprocessing for English (letters, digits and spaces kept)."""
    doc = re.sub(r"[^A-Za-z0-9 ]+", "", doc.replace("\n", " ").replace("\t", " "))
    return doc or "emptydoc"


def documents(con: duckdb.DuckDBPyConnection, ids: np.ndarray
              ) -> tuple[list[str], list[str], np.ndarray]:
    """(text, title, year) of records in ``ids`` order: title, abstract, author keywords.

    Records without an abstract are described by their title and keywords alone.
    """
    rows = con.execute(DOCUMENTS_SQL, [ids.tolist()]).fetchall()
    if len(rows) != len(ids):  # vectors of records deleted since the last index
        raise LitlabError(f"{len(ids) - len(rows)} embedded records are no longer in the corpus: "
                          "run `litlab index` first")
    docs = [text or "" for _, text, _, _ in rows]
    titles = [title or "" for _, _, title, _ in rows]
    years = np.array([year if year is not None else -1 for *_, year in rows], dtype=np.int32)
    return docs, titles, years


def ctfidf(docs: list[str], labels: np.ndarray, top_n: int
           ) -> dict[int, list[tuple[str, float]]]:
    """Top words per label by class-based TF-IDF, as BERTopic's ClassTfidfTransformer computes
    it (term frequency per class, L1-normalised, times log(1 + mean class size / frequency)).

    Used after a merge, where the fitted BERTopic model is no longer at hand.
    """
    classes = sorted(set(labels.tolist()))
    joined = [" ".join(clean(docs[i]) for i in np.flatnonzero(labels == c)) for c in classes]
    counts = vectorizer().fit(joined)
    matrix = counts.transform(joined).astype(np.float64).toarray()
    words = counts.get_feature_names_out()
    frequency = matrix.sum(axis=0)
    idf = np.log(matrix.sum(axis=1).mean() / np.maximum(frequency, 1) + 1)
    weights = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1) * idf
    out = {}
    for row, c in enumerate(classes):
        best = np.argsort(-weights[row], kind="stable")[:top_n]
        out[c] = [(str(words[j]), float(weights[row, j])) for j in best if weights[row, j] > 0]
    return out
