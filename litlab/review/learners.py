"""Screening learners behind one seam: score every record from the decisions so far.

``tfidf`` (the default) is ASReview LAB's ELAS u4 rebuilt; ``ensemble`` adds a linear SVM on
the sentence embeddings. A learner yet to come (a fine-tuned local model retrained every N
decisions, the fine-tuning issue) registers here under its own name and is then measured
leave-one-review-out by ``benchmarks/bench_simulate.py --tune`` before it may become the
default; third parties register through the entry-point group ``litlab.screening_learners``.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np

from litlab.registry import Registry


class ScreeningLearner(Protocol):
    """Scores for ranking: higher = more likely relevant, for every row of ``features``."""

    name: str
    description: str

    def decision(self, features, rows: np.ndarray, y: np.ndarray, settings) -> np.ndarray:
        """Train on the labeled ``rows`` (``y`` 0/1) and score every row."""


class Tfidf:
    name = "tfidf"
    description = "linear SVM on TF-IDF 1-2 grams, ASReview's ELAS u4 recipe"

    def decision(self, features, rows, y, settings):
        from litlab.review.classifier import _standardised, _svm, member_decisions

        if features.tfidf is None:  # no text: the embeddings alone
            return member_decisions(features, rows, y, settings, settings.screening_ratio)[
                "embeddings"]
        return _standardised(_svm(features.tfidf, rows, y, settings.tfidf_C,
                                  settings.screening_ratio), True)


class Ensemble:
    name = "ensemble"
    description = "ELAS u4 plus a linear SVM on the embeddings, z-scored and summed"

    def decision(self, features, rows, y, settings):
        from litlab.review.classifier import member_decisions

        members = member_decisions(features, rows, y, settings, settings.screening_ratio)
        if "tfidf" not in members:
            return members["embeddings"]
        if "embeddings" not in members:
            return members["tfidf"]
        return members["tfidf"] + settings.embedding_weight * members["embeddings"]


def register_builtins(registry: Registry) -> None:
    for learner in (Tfidf, Ensemble):
        registry.register(learner.name, learner)


SCREENING_LEARNERS: Registry[ScreeningLearner] = Registry("screening_learners", __name__)
