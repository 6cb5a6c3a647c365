"""Stopping rules behind one seam: each reads the screening so far and says stop or not.

A rule sees a ``History``: the decisions in screening order (priors first), the number of
records in all, the target recall and confidence, and where it has them, the model's own
estimate of the relevant records left (the sum of calibrated probabilities over the
unscreened records, and its variance) and a random target sample's progress. Built-ins
register through ``litlab.registry``; ``STOPPING_RULES.create(name)`` builds one, and an
unknown name lists the others. Which one is the default is chosen by
``benchmarks/bench_stopping.py`` (recall at the stop, share of runs reaching the target,
work saved; benchmarks/README.md).

- ``buscar``: Callaghan and Müller-Hansen (2020), the hypergeometric test (statistical,
  conservative for ranked screening): ``litlab.review.stopping``.
- ``knee``: Cormack and Grossman (2016): stop once the gain curve has bent, the slope before
  its knee at least 156 - min(relevant found, 150) times the slope after it, and at least
  150 records screened (heuristic).
- ``target``: Cormack and Grossman (2016): a random sample drawn until it holds T relevant
  records (the targets); stop once screening has found all of them. With T = ceil(log(1 -
  confidence) / log(target)) recall is below the target with probability at most 1 -
  confidence (statistical; the sample costs reading).
- ``qbcb``: Lewis, Yang and Frieder (2021), the quantile binomial coefficient bound: r
  targets, stop at the j-th found, j the smallest with P(Binomial(r, target) >= j) <= 1 -
  confidence (statistical).
- ``safe``: the SAFE procedure's stopping heuristics (Boetje and van de Schoot 2024) for its
  active-learning phase: at least 10% screened, at least twice the relevant records found so
  far, and the last 50 records irrelevant (heuristic; the relevant count stands in for the
  estimate SAFE draws from a random set).
- ``model``: the learner's calibrated probabilities of the unscreened records: stop when
  found / (found + an upper bound of the relevant left) reaches the target, the bound the
  normal approximation of the Poisson-binomial sum at the confidence (heuristic: it holds
  only as far as the probabilities are calibrated where nobody has looked).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from litlab.registry import Registry


@dataclass(frozen=True)
class History:
    """What a rule may read: the decisions so far and what else the screening knows."""

    labels: np.ndarray  # bool, in screening order, priors included
    total: int  # records in the corpus
    target: float = 0.95
    confidence: float = 0.95
    expected_left: tuple[float, float] | None = None  # model: mean, variance of relevant left
    targets: int = 0  # relevant records in a random target sample (0: no sample)
    targets_found: int = 0  # of them, how many screening has reached


@dataclass(frozen=True)
class Verdict:
    met: bool
    detail: str  # the figure the rule decided on, for a reviewer


class StoppingRule(Protocol):
    """A rule that says, from the screening so far, whether it is safe to stop."""

    name: str
    guarantee: str  # "statistical" or "heuristic", with what it rests on
    reference: str

    def check(self, history: History) -> Verdict:
        """Stop now or keep screening, and the figure that decided it."""


class Buscar:
    name = "buscar"
    guarantee = ("statistical: recall >= the target with the stated confidence if the last "
                 "records screened were a random sample of the rest; conservative for ranked "
                 "screening")
    reference = "Callaghan and Müller-Hansen (2020), Systematic Reviews 9, 273"
    replay_step = 5  # a simulation asks every 5 records, then refines (stopreplay.outcome)

    def check(self, history: History) -> Verdict:
        from litlab.review.stopping import p_value

        labels = np.asarray(history.labels, dtype=bool)
        if not labels.any():
            return Verdict(False, "no relevant record found yet")
        p = p_value(labels, history.total, history.target)
        return Verdict(p < 1 - history.confidence,
                       f"p = {p:.3f} that recall is below {100 * history.target:.0f}%")


def knee_ratio(labels: np.ndarray) -> tuple[float, int]:
    """The slope ratio at the knee of the gain curve (relevant found against records screened)
    and the knee's rank: the knee is the point farthest above the line from the origin to the
    current point (Satopää et al.'s Kneedle on a curve this shape)."""
    hits = np.cumsum(np.asarray(labels, dtype=np.int64))
    n, found = len(hits), int(hits[-1]) if len(hits) else 0
    if not found:
        return 0.0, 0
    ranks = np.arange(1, n + 1)
    knee = int(np.argmax(hits - found * ranks / n)) + 1
    before = hits[knee - 1] / knee
    after = (found - hits[knee - 1] + 1) / max(1, n - knee)
    return float(before / after), knee


class Knee:
    name = "knee"
    guarantee = "heuristic: the gain curve has flattened; no probability is claimed"
    reference = "Cormack and Grossman (2016), SIGIR '16, 75-84"
    min_screened = 150

    def check(self, history: History) -> Verdict:
        labels = np.asarray(history.labels, dtype=bool)
        ratio, knee = knee_ratio(labels)
        needed = 156 - min(int(labels.sum()), 150)
        met = len(labels) >= self.min_screened and ratio >= needed
        return Verdict(met, f"slope ratio {ratio:.1f} at the knee (rank {knee}), needs "
                            f"{needed} and {self.min_screened} screened")


def targets_needed(target: float, confidence: float) -> int:
    """The target method's T: all T found means recall >= target with this confidence."""
    return int(math.ceil(math.log(1 - confidence) / math.log(target)))


class TargetMethod:
    name = "target"
    guarantee = ("statistical: recall >= the target with the stated confidence, from a random "
                 "sample holding T relevant records, all found again by screening")
    reference = "Cormack and Grossman (2016), SIGIR '16, 75-84"

    def needed(self, history: History) -> int:
        return targets_needed(history.target, history.confidence)

    def check(self, history: History) -> Verdict:
        need = self.needed(history)
        if history.targets < need:
            return Verdict(False, f"needs a random sample holding {need} relevant records "
                                  f"(has {history.targets})")
        return Verdict(history.targets_found >= need,
                       f"{history.targets_found} of {need} target records found")


@lru_cache(maxsize=64)
def qbcb_stop_at(targets: int, target: float, confidence: float) -> int | None:
    """QBCB's j for r = ``targets``: the fewest found for P(Binomial(r, target) >= j) <=
    1 - confidence; None when no j is enough (too few targets)."""
    from scipy.stats import binom

    for j in range(1, targets + 1):
        if binom.sf(j - 1, targets, target) <= 1 - confidence:
            return j
    return None


class QBCB:
    name = "qbcb"
    guarantee = ("statistical: recall >= the target with the stated confidence (quantile "
                 "binomial coefficient bound on a random sample's relevant records)")
    reference = "Lewis, Yang and Frieder (2021), CIKM '21, 1006-1015"
    sample_targets = 100  # r: more targets than the target method's 59, to stop before the last

    def needed(self, history: History) -> int:
        return max(self.sample_targets, targets_needed(history.target, history.confidence))

    def check(self, history: History) -> Verdict:
        r = self.needed(history)
        if history.targets < r:
            return Verdict(False, f"needs a random sample holding {r} relevant records "
                                  f"(has {history.targets})")
        j = qbcb_stop_at(history.targets, history.target, history.confidence)
        if j is None:
            return Verdict(False, f"{history.targets} targets are too few for the bound")
        return Verdict(history.targets_found >= j,
                       f"{history.targets_found} of the {j} target records needed found "
                       f"(of {history.targets})")


class Safe:
    name = "safe"
    guarantee = "heuristic: enough screened and a long run of irrelevant records"
    reference = "Boetje and van de Schoot (2024), Systematic Reviews 13, 81"
    min_share, run, relevant_factor = 0.10, 50, 2

    def check(self, history: History) -> Verdict:
        labels = np.asarray(history.labels, dtype=bool)
        n, found = len(labels), int(labels.sum())
        hits = np.flatnonzero(labels)
        since = n - (int(hits[-1]) + 1) if len(hits) else n
        met = (found > 0 and n >= self.min_share * history.total
               and n >= self.relevant_factor * found and since >= self.run)
        return Verdict(met, f"{since} irrelevant in a row (needs {self.run}), "
                            f"{100 * n / history.total:.0f}% screened (needs "
                            f"{100 * self.min_share:.0f}%)")


class ModelEstimate:
    name = "model"
    guarantee = ("heuristic: the learner's calibrated probabilities of the unscreened records "
                 "bound the relevant left; it holds as far as they are calibrated there")
    reference = "litlab: Platt-calibrated SVM, normal bound on the Poisson-binomial sum"

    def check(self, history: History) -> Verdict:
        from scipy.stats import norm

        if history.expected_left is None:
            return Verdict(False, "no model estimate of the records left")
        found = int(np.asarray(history.labels, dtype=bool).sum())
        mean, variance = history.expected_left
        high = mean + float(norm.ppf(history.confidence)) * math.sqrt(max(variance, 0.0))
        recall = found / (found + high) if found + high > 0 else 0.0
        return Verdict(found > 0 and recall >= history.target,
                       f"estimated recall at least {100 * recall:.1f}% ({found} found, at most "
                       f"{high:.1f} left with {100 * history.confidence:.0f}% confidence)")


def register_builtins(registry: Registry) -> None:
    for rule in (Buscar, Knee, TargetMethod, QBCB, Safe, ModelEstimate):
        registry.register(rule.name, rule)


STOPPING_RULES: Registry[StoppingRule] = Registry("stopping_rules", __name__)


def rule_names() -> list[str]:
    """Every registered rule, built-ins first."""
    return STOPPING_RULES.names()


def needs_sample(rule: StoppingRule) -> bool:
    """Whether the rule reads a random target sample (the target method, QBCB)."""
    return hasattr(rule, "needed")
