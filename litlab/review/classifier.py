"""The classifier that learns from reviews, which record to ask next, and when to stop.

Logistic regression over [TF-IDF | embeddings | zero-shot signals], class-balanced. It is
strong from 10-50 labels (the dense embeddings generalise from few examples, the sparse terms
sharpen as labels accrue) and retrains in milliseconds, so the ranking can change after every
decision even at 10k records. A SetFit-style fine-tuning of the embedding model would take
tens of seconds per retrain on a CPU: not instant, so not the default.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from litlab.errors import LitlabError
from litlab.review.settings import ReviewSettings

MODES = ("uncertain", "relevant")
MODEL_ID = "logistic regression (liblinear, class-balanced) on [TF-IDF | embeddings | signals]"


class NotEnoughReviews(LitlabError):
    """The classifier was asked to train without both classes."""


def check_classes(n_true: int, n_false: int, settings: ReviewSettings) -> None:
    """Refuse, with the counts needed, to train on fewer than ``min_per_class`` of a class."""
    need = max(1, settings.min_per_class)
    if n_true < need or n_false < need:
        raise NotEnoughReviews(
            f"the classifier needs at least {need} TRUE and {need} FALSE reviews to learn from; "
            f"it has {n_true} TRUE and {n_false} FALSE: review "
            + " and ".join(f"{need - n} more {name}" for n, name in
                           ((n_true, "TRUE"), (n_false, "FALSE")) if n < need))


def train(matrix, labeled: np.ndarray, truth: np.ndarray, settings: ReviewSettings,
          screening: bool = False):
    """Fit on the labeled rows (indices) with their booleans; returns the fitted model.

    ``screening`` weighs TRUE reviews ``settings.positive_weight`` times more than balanced.
    """
    from sklearn.linear_model import LogisticRegression

    y = truth.astype(int)
    check_classes(int(y.sum()), int(len(y) - y.sum()), settings)
    # Balanced classes, then TRUE weighted up again: in screening a missed TRUE costs far more
    # than a FALSE read (ASReview's tuned defaults weight positives about 10x the same way).
    n_true = int(y.sum())
    boost = settings.positive_weight if screening else 1.0
    weights = {1: boost * len(y) / (2 * n_true),
               0: len(y) / (2 * (len(y) - n_true))}
    # The dual problem is the small one while labels are far fewer than features.
    model = LogisticRegression(C=settings.C, class_weight=weights, solver="liblinear",
                               dual=True, max_iter=1000)
    model.fit(matrix[labeled], y)
    return model


def scores(model, matrix) -> np.ndarray:
    """Decision values (log-odds under balanced classes), one per row."""
    return model.decision_function(matrix)


def probability(decision: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-decision))


def next_indices(decision: np.ndarray, candidates: np.ndarray, mode: str, k: int = 1) -> np.ndarray:
    """The k candidates to ask about: most likely TRUE first, or closest to the boundary."""
    if mode not in MODES:
        raise LitlabError(f"unknown mode {mode!r}: use uncertain or relevant")
    if not len(candidates):
        return candidates
    key = -decision[candidates] if mode == "relevant" else np.abs(decision[candidates])
    k = min(k, len(candidates))
    top = np.argpartition(key, k - 1)[:k] if k < len(candidates) else np.arange(len(candidates))
    return candidates[top[np.lexsort((candidates[top], key[top]))]]


@dataclass
class StopHint:
    """Whether to think about stopping, and why, in words."""

    stop: bool
    irrelevant_streak: int
    estimated_left: float | None
    message: str


def stopping_hint(history: list[bool], decision: np.ndarray | None, candidates: np.ndarray,
                  n_true: int, n_false: int, settings: ReviewSettings,
                  boost: float = 1.0) -> StopHint:
    """N irrelevant decisions in a row, and a rough estimate of the relevant records left.

    The estimate sums the unreviewed records' probabilities after undoing the class weights
    (shifting the log-odds by log(boost * n_false / n_true)); screening favours TRUE records, so the
    reviewed share is an upper bound on prevalence and the estimate errs high, on the safe side.
    """
    streak = 0
    for decided in reversed(history):
        if decided:
            break
        streak += 1
    estimate = None
    if decision is not None and n_true and n_false and len(candidates):
        shift = np.log(boost * n_false / n_true)
        estimate = float(probability(decision[candidates] - shift).sum())
    reasons = []
    if streak >= settings.stop_after_irrelevant:
        reasons.append(f"the last {streak} decisions were all FALSE")
    if estimate is not None and estimate < settings.stop_below_estimated:
        reasons.append(f"about {estimate:.1f} relevant records are estimated among the "
                       f"{len(candidates)} left")
    if not len(candidates):
        reasons.append("every record is reviewed")
    message = ("consider stopping: " + "; ".join(reasons)) if reasons else (
        f"keep going: {streak} FALSE in a row"
        + (f", about {estimate:.0f} relevant estimated among the {len(candidates)} left"
           if estimate is not None else ""))
    return StopHint(bool(reasons), streak, estimate, message)
