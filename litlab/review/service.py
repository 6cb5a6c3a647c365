"""Entry points the Corpus exposes for reviews, validation, the classifier run and
simulations. Each takes the DuckDB connection and the settings explicitly; the CLI and the UI
call these through the Corpus."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from litlab.errors import LitlabError
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
                   settings: ReviewSettings, label_column: str = "label",
                   new_reviewers: tuple[str, ...] = (), stage: str | None = None
                   ) -> ImportResult:
    """Human labels from a CSV (``record_id``, ``doi`` or ``title``, a label column, and
    optionally ``reviewer``; at the full-text stage ``reason``) stored as reviews."""
    return _import(con, question, Path(path), settings.reviewer, label_column, new_reviewers,
                   stage)


def reviews(con: duckdb.DuckDBPyConnection, question: str, stage: str | None = None
            ) -> pd.DataFrame:
    """The decision that counts per reviewed record (the latest) at a screening stage, with
    reviewer, time, exclusion reason and whether reviewers disagree on it."""
    from litlab.review.criteria import check_stage

    return current_reviews(con, question, check_stage(stage))


def set_question(con: duckdb.DuckDBPyConnection, question: str, criteria=None,
                 reasons=None) -> dict:
    """Attach eligibility criteria (file or text) and/or full-text exclusion reasons."""
    from litlab.review.criteria import set_question as _set

    return _set(con, question, criteria, reasons)


def review_session(con: duckdb.DuckDBPyConnection, question: str, settings: ReviewSettings,
                   index: IndexSettings, reviewer: str | None = None, mode: str | None = None,
                   source: str = "terminal", stage: str | None = None) -> ReviewSession:
    """A live review: ``next()``, ``decide()``, ``skip()``, ``stopping()``; at title and
    abstract it retrains per decision; at the full-text ``stage`` it walks the records
    included at title and abstract (an exclusion takes a reason)."""
    from litlab.review.criteria import FULL_TEXT, check_stage

    if check_stage(stage) == FULL_TEXT:
        from litlab.review.fulltext import FullTextSession

        return FullTextSession(con, question, reviewer or settings.reviewer, source)
    features = features_for(con, question, settings, index)
    return ReviewSession(con, question, features, settings, reviewer, mode, source)


def label_from_reviews(con: duckdb.DuckDBPyConnection, question: str, settings: ReviewSettings,
                       index: IndexSettings) -> ClassifierRun:
    """Train on the reviews of ``question`` and label every record as a new run (``run_id``)."""
    return write_classifier_run(con, question, features_for(con, question, settings, index),
                                settings)


def simulate_file(path: Path, settings: ReviewSettings, index: IndexSettings,
                  label_column: str | None = None, mode: str = "relevant",
                  plot_path: Path | None = None, progress=None, question: str | None = None,
                  criteria: str | Path | None = None, rules: list[str] | None = None
                  ) -> SimulationReport:
    """Replay screening on a fully labeled CSV (ASReview layout) with seeds and repetitions;
    with ``question`` (and ``criteria``: text or a file) the cold start can rank before any
    prior (``settings.prior_relevant = prior_irrelevant = 0``); ``rules`` are the stopping
    rules to replay beside the chosen one."""
    from litlab.review.criteria import read_criteria
    from litlab.review.simulate import file_features, read_labeled_file, simulate

    labeled = read_labeled_file(Path(path), label_column)
    criteria_text = read_criteria(criteria) if criteria is not None else None

    def embed(texts):
        from litlab.index.embedders import load_embedder

        return load_embedder(index.model, index.device, index.batch_size).encode(texts)

    features = file_features(labeled, settings, index.model, embed, mode, question,
                             criteria_text)
    return simulate(features, labeled.truth, settings, Path(path).name, mode, plot_path,
                    progress, rules)


def simulate_reviews(con: duckdb.DuckDBPyConnection, question: str, settings: ReviewSettings,
                     index: IndexSettings, mode: str = "relevant",
                     plot_path: Path | None = None, progress=None,
                     rules: list[str] | None = None) -> SimulationReport:
    """Replay screening over a corpus's reviewed records, their human labels as the truth
    (the cold start ranks by the question and its stored criteria)."""
    from litlab.review.simulate import simulate

    features = features_for(con, question, settings, index)
    decided = current_reviews(con, question)
    decided = decided[decided.label.isin(["TRUE", "FALSE"]) & ~decided.disputed]
    if decided.empty:
        raise LitlabError("no TRUE/FALSE reviews of this question to simulate on")
    row_of = {int(r): i for i, r in enumerate(features.ids)}
    decided = decided[decided.record_id.isin(list(row_of))]
    rows = [row_of[int(r)] for r in decided.record_id]
    truth = (decided.label == "TRUE").to_numpy()
    return simulate(features.subset(rows), truth, settings, f"reviews of {question[:60]!r}",
                    mode, plot_path, progress, rules)


def validate(con: duckdb.DuckDBPyConnection, run_id: int, n: int, seed: int | None = None,
             stratify: bool = False, redraw: bool = False):
    """Draw a random validation sample of a run into the review queue."""
    from litlab.review import validation

    return validation.draw(con, run_id, n, seed if seed is not None else 20261130, stratify,
                           redraw)


def agreement(con: duckdb.DuckDBPyConnection, question: str) -> dict:
    """Agreement between reviewers of a question (kappa with a 95% interval per pair)."""
    from litlab.review.agreement import reviewer_agreement

    return reviewer_agreement(con, question)


def disagreements(con: duckdb.DuckDBPyConnection, question: str) -> pd.DataFrame:
    """Records whose reviewers disagree, with each one's decision; settle them in review
    mode ``disagreements``."""
    from litlab.review.agreement import disagreements as disputed

    return disputed(con, question)


def stopping(con: duckdb.DuckDBPyConnection, question: str, settings: ReviewSettings,
             index: IndexSettings | None = None, rules: list[str] | None = None) -> dict:
    """The chosen stopping rule (``settings.stopping_rule``) on the reviews of a question so
    far, and with ``rules`` those rules too ("all": every one); refused, with the reason,
    before any relevant record is found."""
    from litlab.review.stopcheck import verdicts
    from litlab.review.stoprules import STOPPING_RULES
    from litlab.review.stopping import NothingFoundYet, screening_order

    names = list(dict.fromkeys([settings.stopping_rule, *(
        STOPPING_RULES.names() if rules == ["all"] else rules or [])]))
    if not screening_order(con, normalise_question(question)).any():
        raise NothingFoundYet(
            "no relevant record found yet: the stopping rule estimates recall from the relevant "
            "records found, so keep screening until there is one")
    features = (features_for(con, question, settings, index)
                if "model" in names and index is not None else None)
    found = verdicts(con, normalise_question(question), settings, names, features)
    return {**found[0].to_dict(), "rules": [v.to_dict() for v in found] if rules else None}
