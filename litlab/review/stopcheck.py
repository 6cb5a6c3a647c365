"""The stopping rules on a live review: the chosen rule's verdict (``settings.stopping_rule``),
and on request every rule's, from the decisions stored for a question."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import duckdb
import numpy as np

from litlab.review.settings import ReviewSettings
from litlab.review.stoprules import STOPPING_RULES, History


@dataclass
class RuleVerdict:
    """One rule on the screening so far."""

    rule: str
    guarantee: str
    met: bool
    detail: str
    screened: int
    relevant_found: int
    total: int
    reference: str = ""
    target: float = 0.95
    confidence: float = 0.95

    @property
    def methods(self) -> str:
        """The sentence a methods section reports: the rule, its source, its guarantee."""
        kind, _, rests_on = self.guarantee.partition(": ")
        confidence = (f" with {100 * self.confidence:.0f}% confidence"
                      if kind == "statistical" else "")
        return (f"Screening was stopped by the {self.rule} rule ({self.reference}) at a target "
                f"recall of {100 * self.target:.0f}%{confidence}; its guarantee is {kind}: "
                f"{rests_on}. {self.screened:,} of {self.total:,} records were screened and "
                f"{self.relevant_found} relevant found when it was "
                f"{'met' if self.met else 'last checked (not met)'}.")

    @property
    def message(self) -> str:
        """One line for a reviewer, naming the rule and the kind of its guarantee."""
        kind = self.guarantee.split(":")[0]
        verdict = "stopping criterion met" if self.met else "keep screening"
        return (f"{verdict} ({self.rule}, {kind}): {self.detail}; {self.screened:,} of "
                f"{self.total:,} screened, {self.relevant_found} relevant found")

    def to_dict(self) -> dict:
        return {**asdict(self), "message": self.message, "methods": self.methods}


def model_estimate(features, con: duckdb.DuckDBPyConnection, question: str,
                   settings: ReviewSettings) -> tuple[float, float] | None:
    """The learner's (mean, variance) of the relevant records nobody has screened, from the
    question's TRUE/FALSE reviews; None before both classes exist."""
    from litlab.review.labels import current_reviews
    from litlab.review.simulate import expected_left

    reviews = current_reviews(con, question)
    row_of = {int(r): i for i, r in enumerate(features.ids)}
    usable = reviews[~reviews.disputed & reviews.label.isin(["TRUE", "FALSE"])]
    rows = np.array([row_of[int(r)] for r in usable.record_id if int(r) in row_of], dtype=np.int64)
    truth = np.zeros(len(features.ids), dtype=bool)
    truth[rows] = [label == "TRUE" for r, label in zip(usable.record_id, usable.label)
                   if int(r) in row_of]
    if not truth[rows].any() or truth[rows].all():
        return None
    unscreened = np.ones(len(features.ids), dtype=bool)
    unscreened[[row_of[int(r)] for r in reviews.record_id if int(r) in row_of]] = False
    return expected_left(features, rows, truth, settings, unscreened)


def verdicts(con: duckdb.DuckDBPyConnection, question: str, settings: ReviewSettings,
             rules: list[str] | None = None, features=None) -> list[RuleVerdict]:
    """The named rules (default: the chosen one) on the reviews of a question so far. The
    model rule needs the question's ``features``; the target method and QBCB need a random
    target sample, which a live review does not draw (they say so)."""
    from litlab.review.stopping import screening_order

    names = rules or [settings.stopping_rule]
    labels = screening_order(con, question)
    total = con.execute("SELECT count(*) FROM records").fetchone()[0]
    estimate = (model_estimate(features, con, question, settings)
                if "model" in names and features is not None else None)
    history = History(labels, int(total), settings.target_recall, settings.confidence,
                      estimate)
    out = []
    for name in names:
        rule = STOPPING_RULES.create(name)
        verdict = rule.check(history)
        detail = verdict.detail
        if name == "buscar" and labels.any():  # also the recall reached with the confidence
            from litlab.review.stopping import recall_bound

            bound = recall_bound(labels, int(total), settings.confidence)
            detail = (f"recall is at least {100 * bound:.0f}% with "
                      f"{100 * settings.confidence:.0f}% confidence, {detail}" if bound else
                      f"recall cannot be bounded yet, {detail}")
        out.append(RuleVerdict(name, rule.guarantee, verdict.met, detail,
                               int(len(labels)), int(labels.sum()), int(total), rule.reference,
                               settings.target_recall, settings.confidence))
    return out
