"""A live review of one question: which record next, a decision, a retrain, a stopping hint.

The terminal loop and the web UI both drive this object; it keeps the features in memory
(built once) and retrains after every decision, which takes milliseconds.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np

from litlab.review.classifier import (StopHint, next_indices, probability, scores,
                                      stopping_hint, train)
from litlab.review.features import Features
from litlab.review.labels import add_review, current_reviews, normalise_question
from litlab.review.settings import ReviewSettings


@dataclass
class Proposal:
    """The record to ask about next, with what the ranking knows about it."""

    record_id: int
    title: str | None
    year: int | None
    doi: str | None
    abstract: str | None
    evidence: str | None  # the LLM run's evidence sentence, to highlight
    llm_probabilities: dict | None  # option -> probability, from the latest LLM run
    p_true: float | None  # the classifier's, None before it can train
    why: str  # how it was chosen


class ReviewSession:
    """Reviews of one question in one corpus, ranked by a classifier retrained on each decision."""

    def __init__(self, con: duckdb.DuckDBPyConnection, question: str, features: Features,
                 settings: ReviewSettings, reviewer: str | None = None, mode: str | None = None,
                 source: str = "api"):
        self.con, self.question, self.features = con, normalise_question(question), features
        self.settings = settings
        self.reviewer = reviewer or settings.reviewer
        self.mode = mode or settings.mode
        self.source = source  # stored with each decision: terminal | ui | api
        self.row_of = {int(r): i for i, r in enumerate(features.ids)}
        self.skipped: set[int] = set()
        self.history: list[bool] = []  # this session's TRUE/FALSE decisions, in order
        self.decision: np.ndarray | None = None
        self.refresh()

    def refresh(self) -> None:
        """Re-read the stored reviews and retrain (or fall back to the zero-shot ranking)."""
        reviews = current_reviews(self.con, self.question)
        self.reviewed = {int(r): l for r, l in zip(reviews.record_id, reviews.label)}
        decided = [(self.row_of[r], l == "TRUE") for r, l in self.reviewed.items()
                   if l != "UNCLEAR" and r in self.row_of]
        self.n_true = sum(1 for _, t in decided if t)
        self.n_false = len(decided) - self.n_true
        self.decision = None
        if self.n_true >= max(1, self.settings.min_per_class) and \
                self.n_false >= max(1, self.settings.min_per_class):
            rows = np.array([i for i, _ in decided])
            model = train(self.features.matrix, rows, np.array([t for _, t in decided]),
                          self.settings, screening=self.mode == "relevant")
            self.decision = scores(model, self.features.matrix)

    def _candidates(self) -> np.ndarray:
        done = set(self.reviewed) | self.skipped
        return np.array([i for i, r in enumerate(self.features.ids) if int(r) not in done],
                        dtype=np.int64)

    def next(self) -> Proposal | None:
        """The record that teaches most (uncertain) or is most likely TRUE (relevant); None at end."""
        candidates = self._candidates()
        if not len(candidates):
            return None
        if self.decision is not None:
            row = int(next_indices(self.decision, candidates, self.mode)[0])
            why = (f"classifier, {self.mode} first, trained on {self.n_true} TRUE and "
                   f"{self.n_false} FALSE")
        elif self.features.prior is not None:
            # Before both classes exist: the most likely TRUE by the zero-shot signal, so that
            # the first TRUE review comes soon (uncertainty means little without a model).
            row = int(next_indices(self.features.prior, candidates, "relevant")[0])
            why = f"zero-shot ({self.features.prior_name}), until TRUE and FALSE reviews exist"
        else:
            row, why = int(candidates[0]), "corpus order, until TRUE and FALSE reviews exist"
        return self._proposal(row, why)

    def _proposal(self, row: int, why: str) -> Proposal:
        record_id = int(self.features.ids[row])
        title, year, doi, abstract = self.con.execute(
            "SELECT title, year, doi, abstract FROM records WHERE record_id = ?",
            [record_id]).fetchone()
        evidence, llm = None, None
        run_id = self.features.details.get("llm_run")
        if run_id is not None:
            found = self.con.execute(
                "SELECT l.evidence, r.options, l.probabilities FROM labels l JOIN label_runs r "
                "USING (run_id) WHERE l.run_id = ? AND l.record_id = ?", [run_id, record_id]
            ).fetchone()
            if found:
                evidence, llm = found[0], dict(zip(found[1], found[2]))
        p_true = float(probability(self.decision[row])) if self.decision is not None else None
        return Proposal(record_id, title, year, doi, abstract, evidence, llm, p_true, why)

    def decide(self, record_id: int, label: str, note: str | None = None) -> int:
        """Store a decision (a correction is a new row) and retrain; returns the review id."""
        review_id = add_review(self.con, self.question, record_id, label, self.reviewer,
                               self.source, note)
        if label.upper() in ("TRUE", "FALSE"):
            self.history.append(label.upper() == "TRUE")
        self.skipped.discard(int(record_id))
        self.refresh()
        return review_id

    def skip(self, record_id: int) -> None:
        """Leave a record for later in this session (nothing is stored)."""
        self.skipped.add(int(record_id))

    def hint(self) -> StopHint:
        """Whether it may be time to stop, and why."""
        candidates = self._candidates()
        boost = self.settings.positive_weight if self.mode == "relevant" else 1.0
        return stopping_hint(self.history, self.decision, candidates, self.n_true, self.n_false,
                             self.settings, boost)

    def counts(self) -> dict:
        """Reviewed so far by label, and how many records are left."""
        labels = list(self.reviewed.values())
        return {"TRUE": labels.count("TRUE"), "FALSE": labels.count("FALSE"),
                "UNCLEAR": labels.count("UNCLEAR"), "left": len(self._candidates()),
                "skipped": len(self.skipped)}
