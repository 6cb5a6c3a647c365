"""Typed settings of the review loop, the classifier and simulations."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewSettings:
    """How reviews train the classifier, which record comes next, and when to hint a stop."""

    reviewer: str = "me"
    mode: str = "uncertain"  # uncertain (labeling) | relevant (screening: most likely TRUE first)
    # The classifier needs both classes; below these counts it ranks by the zero-shot signals.
    min_per_class: int = 1
    # Inverse regularisation of the logistic regression over [TF-IDF | embeddings | signals].
    C: float = 1.0
    # In screening (relevant mode, simulations) TRUE reviews weigh this many times more than
    # under balanced class weights: a missed TRUE costs far more than a FALSE read. Labels
    # (uncertain mode, --from-reviews) use balanced weights.
    positive_weight: float = 5.0
    max_tfidf_features: int | None = None
    # Weights of the feature blocks: both blocks are L2-normalised rows, so these set their say.
    tfidf_weight: float = 1.0
    embedding_weight: float = 0.5
    # Zero-shot signals (LLM probability, similarity to the question) as standardised columns.
    signal_weight: float = 0.5
    use_llm: bool = True
    use_similarity: bool = True
    # Stopping hint: this many irrelevant decisions in a row (screening mode) ...
    stop_after_irrelevant: int = 50
    # ... or fewer relevant records than this estimated among those left.
    stop_below_estimated: float = 1.0
    # Simulation: priors drawn per repetition, repetitions, and the base seed.
    prior_relevant: int = 1
    prior_irrelevant: int = 1
    repeat: int = 5
    seed: int = 535
    # Simulation retrains after every label up to this many labels, then every n/20 labels
    # (the classifier changes little per label by then; keeps 2,000-record runs to seconds).
    retrain_every_label_until: int = 100
