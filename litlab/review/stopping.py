"""When is it safe to stop screening? The hypergeometric test of Callaghan and Müller-Hansen.

Callaghan, M. W. and Müller-Hansen, F. (2020), "Statistical stopping criteria for automated
screening in systematic reviews", Systematic Reviews 9, 273, doi:10.1186/s13643-020-01521-4;
the p-value follows their package buscarpy. The null hypothesis is that recall is
below the target. For every n, the last n records screened are treated as a random sample of
themselves plus the records not yet screened; if even the most favourable such sample makes
"recall below target" unlikely (p below 1 - confidence), the target is reached with that
confidence. Treating the last records as random is conservative when screening is ranked
(relevant first): ranked records are more likely relevant than the ones left.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from litlab.errors import LitlabError


class NothingFoundYet(LitlabError):
    """The stopping rule was asked about a screening that has found no relevant record."""


@dataclass(frozen=True)
class StoppingRule:
    """Target recall and the confidence with which it must be reached."""

    recall: float = 0.95
    confidence: float = 0.95

    def __post_init__(self):
        if not 0 < self.recall < 1:
            raise LitlabError(f"the target recall must be between 0 and 1 (got {self.recall})")
        if not 0 < self.confidence < 1:
            raise LitlabError(f"the confidence must be between 0 and 1 (got {self.confidence})")


@dataclass
class StoppingStatus:
    """Where a screening stands against the rule."""

    screened: int
    relevant_found: int
    total: int
    p_value: float  # of "recall is below the target"
    met: bool
    recall_bound: float  # recall reached with the rule's confidence (a lower bound)
    rule: StoppingRule

    @property
    def message(self) -> str:
        """One line for a reviewer."""
        bound = (f"recall is at least {100 * self.recall_bound:.0f}% with "
                 f"{100 * self.rule.confidence:.0f}% confidence" if self.recall_bound else
                 "recall cannot be bounded yet (too few irrelevant records since the last "
                 "relevant one)")
        if self.met:
            return (f"stopping criterion met (buscar, statistical): {bound} (target {100 * self.rule.recall:.0f}%; "
                    f"p = {self.p_value:.3f}); {self.screened:,} of {self.total:,} screened, "
                    f"{self.relevant_found} relevant found")
        return (f"keep screening (buscar, statistical): {bound} so far, the target is {100 * self.rule.recall:.0f}% "
                f"(p = {self.p_value:.3f} must fall below {1 - self.rule.confidence:.2f}); "
                f"{self.screened:,} of {self.total:,} screened, {self.relevant_found} relevant found")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["message"] = self.message
        return data


def p_value(labels: np.ndarray, total: int, target: float) -> float:
    """The p-value that recall is below ``target``, given the labels (1 = relevant) in the
    order they were screened and the number of records in all.

    This follows buscarpy's ``calculate_h0`` (the tests check that the two agree) with one
    difference: where "recall below target" would need more relevant records in an urn than
    the urn holds, that urn rejects it outright (p = 0) instead of giving NaN.
    """
    from scipy.stats import hypergeom

    labels = np.asarray(labels, dtype=np.int64)
    if not len(labels):
        return 1.0
    seen = int(labels.sum())
    last_first = labels[::-1]
    in_sample = np.cumsum(last_first)  # relevant among the last n screened
    sizes = np.arange(1, len(labels) + 1)  # n
    population = total - (len(labels) - sizes)  # the last n plus every record not screened
    # The fewest relevant records the urn must hold for recall to be below the target.
    needed = np.floor(seen / target + 1 - (seen - in_sample))
    if (needed > population).any():
        return 0.0
    # Among windows with the same number of relevant records the p-value falls as the window
    # grows, so only the longest of each (the one just before the next relevant record going
    # back) can be the minimum: the same value as every window, ~20x faster in a long review.
    ends = np.flatnonzero(np.append(last_first[1:] == 1, True))
    return float(hypergeom.cdf(in_sample[ends], population[ends], needed[ends],
                               sizes[ends]).min())


def recall_bound(labels: np.ndarray, total: int, confidence: float) -> float:
    """The highest recall the screening has reached with ``confidence`` (0 if none)."""
    alpha = 1 - confidence
    low, high = 0.05, 0.999
    if p_value(labels, total, low) >= alpha:
        return 0.0
    for _ in range(14):  # p rises with the target: bisect to ~0.0001
        middle = (low + high) / 2
        if p_value(labels, total, middle) < alpha:
            low = middle
        else:
            high = middle
    return low


def status(labels, total: int, rule: StoppingRule = StoppingRule()) -> StoppingStatus:
    """Test the rule on the decisions so far (True = relevant), in screening order."""
    labels = np.asarray(labels, dtype=bool)
    if total < len(labels):
        raise LitlabError(f"{len(labels)} decisions for {total} records: the total is too small")
    if not labels.any():
        raise NothingFoundYet(
            "no relevant record found yet: the stopping rule estimates recall from the relevant "
            "records found, so keep screening until there is one")
    p = p_value(labels, total, rule.recall)
    return StoppingStatus(int(len(labels)), int(labels.sum()), int(total), p,
                          p < 1 - rule.confidence, recall_bound(labels, total, rule.confidence),
                          rule)


def first_stop(labels: np.ndarray, total: int, rule: StoppingRule = StoppingRule(),
               start: int = 1, every: int = 1) -> int | None:
    """How many records had been screened when the rule was first met (checked after each
    ``every`` records from ``start`` on), or None if it never was within ``labels``."""
    labels = np.asarray(labels, dtype=bool)
    hits = np.cumsum(labels)
    for n in range(max(1, start), len(labels) + 1, max(1, every)):
        if hits[n - 1] and p_value(labels[:n], total, rule.recall) < 1 - rule.confidence:
            return n
    return None


def screening_order(con, question: str) -> np.ndarray:
    """A question's decided records in the order they were first decided: relevant (TRUE,
    or UNCLEAR: an unclear record goes on to full text) or not, by its current label."""
    from litlab.review.labels import current_reviews, normalise_question, title_abstract_only

    question = normalise_question(question)
    current = dict(zip(*[current_reviews(con, question)[c] for c in ("record_id", "label")]))
    firsts = con.execute("SELECT record_id, min(review_id) AS first FROM reviews "
                         f"WHERE question = ? {title_abstract_only(con)} GROUP BY record_id "
                         "ORDER BY first",
                         [question]).fetchall()
    return np.array([current[r] in ("TRUE", "UNCLEAR") for r, _ in firsts if r in current],
                    dtype=bool)


def review_status(con, question: str, rule: StoppingRule = StoppingRule()) -> StoppingStatus:
    """The rule on the reviews of a question so far, over every record of the corpus."""
    total = con.execute("SELECT count(*) FROM records").fetchone()[0]
    return status(screening_order(con, question), total, rule)
