"""Replaying stopping rules on a finished screening order: where each would have said stop.

A simulation knows every label, so a rule can be asked after each record as a live review
would ask it; the recall there and the share of records left unread are what a reviewer who
trusted it would have got. Rules that read a random target sample (the target method, QBCB)
get one drawn from the repetition's seed; its records count as read.
"""
from __future__ import annotations

import numpy as np

from litlab.review.stoprules import STOPPING_RULES, History, StoppingRule, needs_sample


def target_sample(truth: np.ndarray, needed: int, seed: int) -> np.ndarray:
    """Rows of a random sample drawn until it holds ``needed`` relevant records (or the
    whole corpus, when it has fewer)."""
    order = np.random.default_rng([seed, 7]).permutation(len(truth))
    hits = np.cumsum(truth[order])
    enough = np.flatnonzero(hits >= needed)
    return order[:int(enough[0]) + 1] if len(enough) else order


def outcome(rule: StoppingRule, truth: np.ndarray, order: np.ndarray, target: float,
            confidence: float, estimates: dict | None = None, seed: int = 0) -> dict:
    """Where ``rule`` first says stop on the screening ``order`` (every row of the corpus, in
    the order screened, priors first): records read (a target sample's included), recall
    there, work saved, and whether the target was reached. ``estimates`` maps records
    screened to the model's (mean, variance) of the relevant left."""
    total, relevant = len(truth), int(truth.sum())
    labels = truth[order]
    sample = None
    if needs_sample(rule):
        probe = History(labels[:0], total, target, confidence)
        sample = target_sample(truth, rule.needed(probe), seed)
        in_sample = np.zeros(total, dtype=bool)
        in_sample[sample] = True
        targets = in_sample & truth
        n_targets = int(targets.sum())
        targets_by = np.cumsum(targets[order])  # targets found within the first n
        sample_left = len(sample) - np.cumsum(in_sample[order])  # sample rows not yet screened

    def met(n: int) -> bool:
        estimate = estimates.get(n) if estimates else None
        if rule.name == "model" and estimate is None:
            return False
        return rule.check(History(labels[:n], total, target, confidence, estimate,
                                  n_targets if sample is not None else 0,
                                  int(targets_by[n - 1]) if sample is not None else 0)).met

    # A costly rule (the hypergeometric test) is asked every ``step`` records, then record by
    # record within the step of its first yes. A yes that turned back to no before the next
    # multiple of ``step`` is missed (its p-value falls steadily in a run of irrelevant
    # records, so this is rare); the stop found is then later, never earlier.
    step = getattr(rule, "replay_step", 1)
    for coarse in range(step, total + step, step):
        if not met(min(coarse, total)):
            continue
        n = next(m for m in range(max(1, coarse - step + 1), min(coarse, total) + 1) if met(m))
        read = n + (int(sample_left[n - 1]) if sample is not None else 0)
        found = int(labels[:n].sum()) + (
            int((truth[sample] & ~np.isin(sample, order[:n])).sum())
            if sample is not None else 0)
        recall = found / relevant
        return {"screened": int(read), "recall": recall, "work_saved": 1 - read / total,
                "reached": recall >= target - 1e-12, "stopped": True}
    return {"screened": total, "recall": 1.0, "work_saved": 0.0, "reached": True,
            "stopped": False}


def oracle(truth: np.ndarray, order: np.ndarray, target: float) -> dict:
    """Stopping the moment the target recall is reached: the saving a perfect rule gets."""
    import math

    needed = math.ceil(target * truth.sum() - 1e-9)
    at = int(np.flatnonzero(np.cumsum(truth[order]) >= needed)[0]) + 1
    return {"screened": at, "recall": float(truth[order][:at].sum() / truth.sum()),
            "work_saved": 1 - at / len(truth), "reached": True, "stopped": True}


def all_outcomes(truth: np.ndarray, order: np.ndarray, target: float, confidence: float,
                 estimates: dict | None = None, seed: int = 0,
                 names: list[str] | None = None) -> dict:
    """Every rule's outcome (or those named), and the oracle's."""
    out = {name: outcome(STOPPING_RULES.create(name), truth, order, target, confidence,
                         estimates, seed)
           for name in (names or STOPPING_RULES.names())}
    out["oracle"] = oracle(truth, order, target)
    return out


def full_order(priors: np.ndarray, screened: list[int], total: int) -> np.ndarray:
    """The screening order over every row: priors, the rows screened, then the rest (in row
    order; a simulation ends once every relevant record is found, so the rest are all
    irrelevant and their order changes no rule's verdict except the model's, which only
    reads its estimates)."""
    seen = np.zeros(total, dtype=bool)
    head = np.concatenate([np.asarray(priors, dtype=np.int64),
                           np.asarray(screened, dtype=np.int64)])
    seen[head] = True
    return np.concatenate([head, np.flatnonzero(~seen)])
