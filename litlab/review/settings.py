"""Typed settings of the review loop, the classifier and simulations."""
from __future__ import annotations

import getpass
from dataclasses import dataclass, field


def default_reviewer() -> str:
    """The OS user's name: who a decision is stored under unless told otherwise."""
    try:
        return getpass.getuser() or "reviewer"
    except (OSError, KeyError):
        return "reviewer"


@dataclass(frozen=True)
class ReviewSettings:
    """How reviews train the learner, which record comes next, and when it is safe to stop."""

    # Stored with every decision: the OS user unless --reviewer names someone.
    reviewer: str = field(default_factory=default_reviewer)
    # uncertain (labeling) | relevant (screening: most likely TRUE first) | disagreements
    mode: str = "uncertain"
    # The classifier needs both classes; below these counts it ranks by the zero-shot signals.
    min_per_class: int = 1
    # The TF-IDF model is ASReview LAB's ELAS u4: a linear SVM with C = 0.11 and, in
    # screening, relevant records weighted by a balance ratio of 9.8 (labels use balanced
    # classes, ratio 1).
    tfidf_C: float = 0.11
    screening_ratio: float = 9.8
    max_tfidf_features: int | None = None
    # Screening learner: "tfidf" (ELAS u4 alone, the default: never behind ASReview on the
    # four shared reviews) or "ensemble" (plus a linear SVM on the embeddings, z-scored and
    # added with embedding_weight: far ahead on two reviews, behind on one; README).
    learner: str = "tfidf"
    embedding_C: float = 0.11
    embedding_weight: float = 0.5
    # Labels from reviews weigh the two models equally (kappa on the gold set, README).
    label_embedding_weight: float = 1.0
    # Zero-shot signals: the LLM's probability of TRUE (also an input of the labels'
    # calibration) and similarity to the question rank records before the first reviews.
    use_llm: bool = True
    use_similarity: bool = True
    # The stopping rules' target: stop once recall of at least target_recall is reached
    # (with this confidence, for the rules that state one).
    target_recall: float = 0.95
    confidence: float = 0.95
    # Which stopping rule a review and a simulation report (litlab.review.stoprules: buscar,
    # knee, target, qbcb, safe, model); chosen by benchmarks/bench_stopping.py.
    stopping_rule: str = "buscar"
    # The model rule's estimate of the relevant left is refreshed every this many records.
    estimate_every: int = 25
    # Simulation: priors drawn per repetition, repetitions, and the base seed.
    prior_relevant: int = 1
    prior_irrelevant: int = 1
    repeat: int = 5
    seed: int = 535
