"""A live review of one question: which record next, a decision, a retrain, the stopping rule.

The terminal loop and the web UI both drive this object; it keeps the features in memory
(built once) and retrains after every decision, which takes milliseconds. Records come in
this order: a run's validation sample not yet reviewed by this reviewer (random order, the
model's label hidden), then the classifier's choice among records nobody has reviewed. In
``disagreements`` mode it shows the disputed records instead, and each decision settles one.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np

from litlab.errors import LitlabError
from litlab.review.classifier import fit_decision, next_indices
from litlab.review.features import Features
from litlab.review.labels import add_review, check_reviewer, current_reviews, normalise_question
from litlab.review.settings import ReviewSettings
from litlab.review.stopping import (NothingFoundYet, StoppingRule, StoppingStatus,
                                    review_status)

MODES = ("uncertain", "relevant", "disagreements")


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
    score: float | None  # the classifier's decision value, None before it can train
    why: str  # how it was chosen
    blind: bool = False  # a validation record: the model's label is not shown
    decisions: dict | None = None  # disagreements mode: reviewer -> label
    criteria: str | None = None  # the question's eligibility criteria, shown beside the record
    stage: str = "title_abstract"  # or full_text
    pdf: str | None = None  # full text: the linked PDF's path, None when not retrieved


class ReviewSession:
    """Reviews of one question in one corpus, ranked by a classifier retrained on each decision."""

    stage = "title_abstract"  # the full-text stage is ``FullTextSession``

    def __init__(self, con: duckdb.DuckDBPyConnection, question: str, features: Features,
                 settings: ReviewSettings, reviewer: str | None = None, mode: str | None = None,
                 source: str = "api"):
        self.con, self.question, self.features = con, normalise_question(question), features
        self.settings = settings
        self.reviewer = check_reviewer(reviewer or settings.reviewer)
        self.mode = mode or settings.mode
        if self.mode not in MODES:
            raise LitlabError(f"unknown review mode {self.mode!r}: use {', '.join(MODES)}")
        self.source = source  # stored with each decision: terminal | ui | api
        self.rule = StoppingRule(settings.target_recall, settings.confidence)
        self.row_of = {int(r): i for i, r in enumerate(features.ids)}
        self.skipped: set[int] = set()
        self.decision: np.ndarray | None = None
        from litlab.review.criteria import question_settings

        self.criteria = question_settings(con, self.question)["criteria"]
        self.refresh()

    def refresh(self) -> None:
        """Re-read the stored reviews and retrain (or fall back to the zero-shot ranking)."""
        reviews = current_reviews(self.con, self.question)
        self.reviewed = {int(r): l for r, l in zip(reviews.record_id, reviews.label)}
        self.disputed = [int(r) for r in reviews.record_id[reviews.disputed]]
        usable = reviews[~reviews.disputed & reviews.label.isin(["TRUE", "FALSE"])]
        decided = [(self.row_of[int(r)], l == "TRUE") for r, l in zip(usable.record_id,
                                                                      usable.label)
                   if int(r) in self.row_of]
        self.n_true = sum(1 for _, t in decided if t)
        self.n_false = len(decided) - self.n_true
        self.decision = None
        need = max(1, self.settings.min_per_class)
        if self.n_true >= need and self.n_false >= need:
            rows = np.array([i for i, _ in decided])
            self.decision = fit_decision(self.features, rows, np.array([t for _, t in decided]),
                                         self.settings, screening=self.mode != "uncertain")

    def _validation_queue(self) -> list[tuple[int, int]]:
        from litlab.review.validation import pending

        return [(run, r) for run, r in pending(self.con, self.question, self.reviewer)
                if r not in self.skipped and r in self.row_of]

    def _candidates(self) -> np.ndarray:
        done = set(self.reviewed) | self.skipped
        return np.array([i for i, r in enumerate(self.features.ids) if int(r) not in done],
                        dtype=np.int64)

    def next(self) -> Proposal | None:
        """The next record to decide; None when nothing is left."""
        if self.mode == "disagreements":
            left = [r for r in self.disputed if r not in self.skipped]
            if not left:
                return None
            from litlab.review.agreement import decisions_by_reviewer

            decisions = decisions_by_reviewer(self.con, self.question).loc[left[0]].dropna()
            return self._proposal(self.row_of[left[0]], f"disputed: {len(left)} to settle",
                                  decisions=dict(decisions.items()))
        queue = self._validation_queue()
        if queue:
            run_id, record_id = queue[0]
            return self._proposal(self.row_of[record_id],
                                  f"validation sample of run {run_id}: {len(queue)} left to "
                                  "review; the model's label is hidden", blind=True)
        candidates = self._candidates()
        if not len(candidates):
            return None
        if self.decision is not None:
            order = "relevant" if self.mode == "relevant" else "uncertain"
            row = int(next_indices(self.decision, candidates, order)[0])
            why = (f"classifier, {order} first, trained on {self.n_true} TRUE and "
                   f"{self.n_false} FALSE")
        elif self.features.prior is not None:
            # Before both classes exist: the most likely TRUE by the zero-shot signal, so that
            # the first TRUE review comes soon (uncertainty means little without a model).
            row = int(next_indices(self.features.prior, candidates, "relevant")[0])
            why = f"zero-shot ({self.features.prior_name}), until TRUE and FALSE reviews exist"
        else:
            row, why = int(candidates[0]), "corpus order, until TRUE and FALSE reviews exist"
        return self._proposal(row, why)

    def _proposal(self, row: int, why: str, blind: bool = False,
                  decisions: dict | None = None) -> Proposal:
        record_id = int(self.features.ids[row])
        title, year, doi, abstract = self.con.execute(
            "SELECT title, year, doi, abstract FROM records WHERE record_id = ?",
            [record_id]).fetchone()
        evidence, llm, score = None, None, None
        run_id = self.features.details.get("llm_run")
        if run_id is not None and not blind:
            found = self.con.execute(
                "SELECT l.evidence, r.options, l.probabilities FROM labels l JOIN label_runs r "
                "USING (run_id) WHERE l.run_id = ? AND l.record_id = ?", [run_id, record_id]
            ).fetchone()
            if found:
                evidence, llm = found[0], dict(zip(found[1], found[2]))
        if self.decision is not None and not blind:
            score = float(self.decision[row])
        return Proposal(record_id, title, year, doi, abstract, evidence, llm, score, why, blind,
                        decisions, self.criteria)

    def decide(self, record_id: int, label: str, note: str | None = None) -> int:
        """Store a decision (a correction is a new row; in disagreements mode a settlement)
        and retrain; returns the review id."""
        source = "settle" if self.mode == "disagreements" else self.source
        review_id = add_review(self.con, self.question, record_id, label, self.reviewer,
                               source, note)
        self.skipped.discard(int(record_id))
        self.refresh()
        return review_id

    def skip(self, record_id: int) -> None:
        """Leave a record for later in this session (nothing is stored)."""
        self.skipped.add(int(record_id))

    def stopping(self, rules: list[str] | None = None):
        """The chosen stopping rule on the screening so far (``.met``, ``.message``), or with
        ``rules`` a list of those rules' verdicts; None before any relevant record."""
        from litlab.review.stopcheck import verdicts

        if self.settings.stopping_rule == "buscar" and rules is None:
            try:  # the hypergeometric test's own status: p-value and recall bound
                return review_status(self.con, self.question, self.rule)
            except NothingFoundYet:
                return None
        if not self.n_true:
            return None
        found = verdicts(self.con, self.question, self.settings,
                         rules or [self.settings.stopping_rule], self.features)
        return found if rules else found[0]

    def stopping_message(self, every_rule: bool = False) -> str:
        """The chosen rule's verdict in one line (every rule's, a line each), also before it
        can be computed."""
        from litlab.review.stoprules import rule_names

        result = self.stopping(rule_names() if every_rule else None)
        if result is None:
            return ("stopping rule: no relevant record found yet; it estimates recall from the "
                    "relevant records found")
        if every_rule:
            return "\n".join(v.message for v in result)
        return result.message

    def counts(self) -> dict:
        """Reviewed so far by label, how many records are left, skipped and disputed."""
        labels = list(self.reviewed.values())
        return {"TRUE": labels.count("TRUE"), "FALSE": labels.count("FALSE"),
                "UNCLEAR": labels.count("UNCLEAR"), "left": len(self._candidates()),
                "skipped": len(self.skipped), "disputed": len(self.disputed),
                "validation_left": len(self._validation_queue())}
