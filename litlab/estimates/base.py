"""The estimator seam: a Problem (design matrix, labels, the validation sample) in, an
Estimate out. Built-ins (naive, classical, dsl, ppi) register in ``litlab.estimates.builtin``;
a package can add one through the entry-point group ``litlab.estimators``."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from litlab.registry import Registry


@dataclass
class Problem:
    """What every estimator sees. Rows are all N records the run labeled."""
    X: np.ndarray                 # N x d design (intercept, covariates, or group one-hots)
    names: list[str]              # column names of X
    label: np.ndarray             # the run's hard label (1 = the option)
    surrogate: np.ndarray         # the run's probability of the option
    sampled: np.ndarray           # bool: in the reviewed part of the validation sample
    pi: np.ndarray                # inclusion probability where sampled (NaN elsewhere)
    y: np.ndarray                 # the settled review (1 = the option) where sampled
    family: str = "linear"        # linear (means and shares too) | logistic
    simple_random: bool = True    # one stratum: every record had the same probability
    folds: int = 5                # DSL's cross-fitting folds
    seed: int = 0
    g: np.ndarray | None = field(default=None, repr=False)  # DSL's outcome model, once fitted
    g_features: np.ndarray | None = field(default=None, repr=False)

    def subset(self, rows: np.ndarray, X: np.ndarray | None = None) -> "Problem":
        """The same problem on some rows (a group), keeping a fitted outcome model."""
        take = (lambda a: None if a is None else a[rows])
        return replace(self, X=self.X[rows] if X is None else X, label=self.label[rows],
                       surrogate=self.surrogate[rows], sampled=self.sampled[rows],
                       pi=self.pi[rows], y=self.y[rows], g=take(self.g),
                       g_features=take(self.g_features))


@dataclass
class Estimate:
    estimator: str
    coef: np.ndarray
    se: np.ndarray
    ci: np.ndarray                # d x 2

    def row(self, j: int) -> dict:
        return {"estimate": _num(self.coef[j]), "se": _num(self.se[j]),
                "ci_low": _num(self.ci[j, 0]), "ci_high": _num(self.ci[j, 1])}


def _num(value) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


class Estimator(Protocol):
    """One way of estimating the target from labels and reviews."""
    name: str
    interval: str   # how its interval is computed, for the methods paragraph

    def applies(self, problem: Problem) -> str | None:
        """None when the estimator is valid here; else the reason it is not."""

    def estimate(self, problem: Problem) -> Estimate:
        """Point estimates and 95% intervals of every column of ``problem.X``."""


ESTIMATORS: Registry[Estimator] = Registry("estimators", "litlab.estimates.builtin")
