"""The learner behind screening and labels from reviews, and which record to ask next.

Screening (the default learner ``tfidf``) is ASReview LAB's ELAS u4, rebuilt here and checked
to give the same screening order: a linear SVM (C = 0.11) on TF-IDF unigrams and bigrams,
relevant records weighted up by a balance ratio of 9.8, retrained after every decision, the
highest-scoring record asked next. The learner ``ensemble`` adds a linear SVM on the sentence
embeddings (decision values z-scored and summed, the embeddings weighted 0.5): on four
published reviews it saves far more reading on two (education, virology) and less on one
(benchmarks/README.md), so it is an option, not the default, which must never be behind.

Labels from reviews use both models with balanced classes (the embeddings carry meaning
across wordings, which matters most while labels are few); the sum is calibrated to a
probability by Platt scaling on out-of-fold decision values, with the LLM's probability of
TRUE as a second input when a label run exists, so the reviews decide how much it counts.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from litlab.errors import LitlabError
from litlab.review.features import Features
from litlab.review.settings import ReviewSettings

ORDERS = ("uncertain", "relevant")
MODEL_ID = ("linear SVMs on TF-IDF (ASReview ELAS u4 recipe) and on embeddings, "
            "standardised and summed, Platt-calibrated")


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


def _sample_weights(y: np.ndarray, ratio: float) -> np.ndarray:
    """ASReview's balance: relevant rows weigh 1, irrelevant rows n_rel / (ratio * n_irr),
    rescaled to sum to the number of rows (ratio 1 is balanced classes)."""
    n_true, n_false = int(y.sum()), int(len(y) - y.sum())
    weights = np.where(y == 1, 1.0, n_true / (ratio * n_false))
    return weights * len(y) / weights.sum()


def _svm(matrix, rows: np.ndarray, y: np.ndarray, C: float, ratio: float) -> np.ndarray:
    from sklearn.svm import LinearSVC

    # Seeded: liblinear shuffles the rows in its solver; the same reviews give the same run.
    model = LinearSVC(C=C, loss="squared_hinge", random_state=0)
    model.fit(matrix[rows], y, sample_weight=_sample_weights(y, ratio))
    return model.decision_function(matrix)


def _standardised(values: np.ndarray, centre: bool) -> np.ndarray:
    """Decision values in standard deviations over the corpus; ``centre`` also subtracts the
    mean (a z-score: fine for ranking), else 0 stays the model's boundary (for labels)."""
    spread = values.std()
    return (values - (values.mean() if centre else 0.0)) / (spread if spread else 1.0)


def member_decisions(features: Features, rows: np.ndarray, y: np.ndarray,
                     settings: ReviewSettings, ratio: float, centre: bool = True
                     ) -> dict[str, np.ndarray]:
    """Each model's standardised decision value for every row."""
    out = {}
    if features.tfidf is not None:
        out["tfidf"] = _standardised(_svm(features.tfidf, rows, y, settings.tfidf_C, ratio),
                                     centre)
    if features.embeddings is not None:
        out["embeddings"] = _standardised(
            _svm(features.embeddings, rows, y, settings.embedding_C, ratio), centre)
    return out


def fit_decision(features: Features, rows: np.ndarray, truth: np.ndarray,
                 settings: ReviewSettings, screening: bool = True) -> np.ndarray:
    """Train on the labeled rows (indices) and score every row, higher = more likely TRUE.

    ``screening`` weighs relevant rows up (ELAS u4's balance ratio) and returns z-scores, for
    ranking; otherwise classes are balanced and 0 is the boundary between TRUE and FALSE
    (labels, and "uncertain" ordering). Screening uses the embeddings only with learner
    ``ensemble``; labels always do.
    """
    y = np.asarray(truth).astype(int)
    check_classes(int(y.sum()), int(len(y) - y.sum()), settings)
    if screening:
        from litlab.review.learners import SCREENING_LEARNERS

        return SCREENING_LEARNERS.create(settings.learner).decision(features, rows, y, settings)
    members = member_decisions(features, rows, y, settings, 1.0, centre=False)
    if "tfidf" not in members:
        return members["embeddings"]
    if "embeddings" not in members:
        return members["tfidf"]
    return members["tfidf"] + settings.label_embedding_weight * members["embeddings"]


def probability(decision: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-decision))


@dataclass
class Calibrated:
    """Labels from reviews: P(TRUE) per row and how it was calibrated."""

    p_true: np.ndarray
    method: str  # platt (out-of-fold) | logistic link (too few reviews to calibrate)
    folds: int
    inputs: list[str]  # ensemble, and llm_p_true where used


def calibrated_probabilities(features: Features, rows: np.ndarray, truth: np.ndarray,
                             settings: ReviewSettings, seed: int = 0) -> Calibrated:
    """P(TRUE) for every row from the reviewed rows: the balanced ensemble, calibrated by a
    logistic regression on out-of-fold decision values (Platt scaling; K-fold with K up to 5,
    limited by the smaller class). With fewer than 2 reviews of a class it cannot be
    calibrated, and the decision value goes through the logistic function as it is."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(truth).astype(int)
    full = fit_decision(features, rows, y, settings, screening=False)
    folds = int(min(5, y.sum(), len(y) - y.sum()))
    if folds < 2:
        return Calibrated(probability(full), "logistic link", 0, ["ensemble"])
    out_of_fold = np.zeros(len(rows))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train_at, test_at in splitter.split(rows, y):
        if len(set(y[train_at])) < 2:
            continue
        out_of_fold[test_at] = fit_decision(features, rows[train_at], y[train_at], settings,
                                            screening=False)[rows[test_at]]
    columns, inputs = [out_of_fold], ["ensemble"]
    llm = features.signals.get("llm_p_true")
    if llm is not None and settings.use_llm:
        columns.append(llm[rows])
        inputs.append("llm_p_true")
    calibrator = LogisticRegression(C=1.0).fit(np.column_stack(columns), y)
    every = np.column_stack([full] + ([llm] if len(inputs) > 1 else []))
    return Calibrated(calibrator.predict_proba(every)[:, 1], "platt (out-of-fold)", folds, inputs)


def next_indices(decision: np.ndarray, candidates: np.ndarray, mode: str, k: int = 1) -> np.ndarray:
    """The k candidates to ask about: most likely TRUE first, or closest to the boundary."""
    if mode not in ORDERS:
        raise LitlabError(f"unknown mode {mode!r}: use uncertain or relevant")
    if not len(candidates):
        return candidates
    key = -decision[candidates] if mode == "relevant" else np.abs(decision[candidates])
    k = min(k, len(candidates))
    top = np.argpartition(key, k - 1)[:k] if k < len(candidates) else np.arange(len(candidates))
    return candidates[top[np.lexsort((candidates[top], key[top]))]]
