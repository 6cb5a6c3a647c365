"""Entry points the Corpus exposes for reviews, the classifier run and simulations.

Each takes the DuckDB connection and the settings explicitly; the CLI and the UI call these
through the Corpus.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from litlab.review.labels import ImportResult, current_reviews, import_reviews as _import
from litlab.review.labels import normalise_question
from litlab.review.runs import ClassifierRun, write_classifier_run
from litlab.review.session import ReviewSession
from litlab.review.settings import ReviewSettings
from litlab.review.simulate import SimulationReport
from litlab.settings import IndexSettings


def _question_embedder(index: IndexSettings):
    def embed(question: str):
        from litlab.index.embedders import load_embedder

        return load_embedder(index.model, index.device, index.batch_size).encode([question])[0]
    return embed


def features_for(con: duckdb.DuckDBPyConnection, question: str, settings: ReviewSettings,
                 index: IndexSettings):
    """Every record's features for a question (TF-IDF, embeddings, LLM run, similarity)."""
    from litlab.review.features import corpus_features

    return corpus_features(con, normalise_question(question), settings, index.model,
                           _question_embedder(index))


def import_reviews(con: duckdb.DuckDBPyConnection, question: str, path: Path,
                   settings: ReviewSettings, label_column: str = "label") -> ImportResult:
    """Human labels from a CSV (``record_id`` or ``doi``, and ``label``) stored as reviews."""
    return _import(con, question, Path(path), settings.reviewer, label_column)


def reviews(con: duckdb.DuckDBPyConnection, question: str) -> pd.DataFrame:
    """The decision that counts per reviewed record (the latest), with reviewer and time."""
    return current_reviews(con, question)


def review_session(con: duckdb.DuckDBPyConnection, question: str, settings: ReviewSettings,
                   index: IndexSettings, reviewer: str | None = None, mode: str | None = None,
                   source: str = "terminal") -> ReviewSession:
    """A live review: ``next()``, ``decide()``, ``skip()``, ``hint()``; retrains per decision."""
    features = features_for(con, question, settings, index)
    return ReviewSession(con, question, features, settings, reviewer, mode, source)


def label_from_reviews(con: duckdb.DuckDBPyConnection, question: str, settings: ReviewSettings,
                       index: IndexSettings) -> ClassifierRun:
    """Train on the reviews of ``question`` and label every record as a new run (``run_id``)."""
    return write_classifier_run(con, question, features_for(con, question, settings, index),
                                settings)


def simulate_file(path: Path, settings: ReviewSettings, index: IndexSettings,
                  label_column: str = "label_included", mode: str = "relevant",
                  plot_path: Path | None = None) -> SimulationReport:
    """Replay screening on a fully labeled CSV (ASReview layout) with seeds and repetitions."""
    from litlab.review.simulate import file_features, read_labeled_file, simulate

    labeled = read_labeled_file(Path(path), label_column)

    def embed(texts):
        from litlab.index.embedders import load_embedder

        return load_embedder(index.model, index.device, index.batch_size).encode(texts)

    features = file_features(labeled, settings, index.model, embed)
    return simulate(features, labeled.truth, settings, Path(path).name, mode, plot_path)


def simulate_reviews(con: duckdb.DuckDBPyConnection, question: str, settings: ReviewSettings,
                     index: IndexSettings, mode: str = "relevant",
                     plot_path: Path | None = None) -> SimulationReport:
    """Replay screening over a corpus's reviewed records, their human labels as the truth."""
    from litlab.errors import LitlabError
    from litlab.review.simulate import simulate

    features = features_for(con, question, settings, index)
    decided = current_reviews(con, question)
    decided = decided[decided.label != "UNCLEAR"]
    if decided.empty:
        raise LitlabError("no TRUE/FALSE reviews of this question to simulate on")
    row_of = {int(r): i for i, r in enumerate(features.ids)}
    decided = decided[decided.record_id.isin(list(row_of))]
    rows = [row_of[int(r)] for r in decided.record_id]
    features.matrix, features.ids = features.matrix[rows], features.ids[rows]
    truth = (decided.label == "TRUE").to_numpy()
    return simulate(features, truth, settings, f"reviews of {question[:60]!r}", mode, plot_path)
