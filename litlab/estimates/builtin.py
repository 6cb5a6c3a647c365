"""The built-in estimators: naive (labels alone), classical (the reviewed sample alone), DSL
(design-based supervised learning, Egami et al. 2023) and PPI++ (Angelopoulos et al. 2023,
through the ``ppi-python`` package)."""
from __future__ import annotations

import numpy as np

from litlab.estimates.base import Estimate, Estimator, Problem
from litlab.estimates.mest import Z95, fit
from litlab.registry import Registry


# Pseudo-observations behind a share's interval: as many as this of one labeling error are
# added to the variance (litlab.review.estimates.PSEUDO, calibrated on a real review), so that
# a group whose few reviews show no error (a rare option: every review FALSE) does not claim a
# near-zero width. Wald intervals alone covered 74% for 5% shares in groups of ~33 reviews.
PSEUDO = 1.0
FLOOR = ("; for a share, one pseudo-observation of a labeling error is added to the variance "
         "(a small-sample floor)")


def _estimate(name: str, result, problem: Problem | None = None, floor: bool = True
              ) -> Estimate:
    coef, se = result.coef, result.se
    ci = np.column_stack([coef - Z95 * se, coef + Z95 * se])
    if problem is not None and _is_share(problem):
        se = _floored(se, problem) if floor else se
        ci = np.clip(np.column_stack([coef - Z95 * se, coef + Z95 * se]), 0.0, 1.0)
    return Estimate(name, coef, se, ci)


def _is_share(problem: Problem) -> bool:
    return (problem.family == "linear" and problem.X.shape[1] == 1
            and bool(np.all(problem.X == 1)))


def _floored(se: np.ndarray, problem: Problem) -> np.ndarray:
    """A share's standard error with PSEUDO errors of size 1 added to its variance, at the
    reviewed records' mean weight: (1 - f) PSEUDO / n^2 for n reviewed of N (f = n / N)."""
    n, N = int(problem.sampled.sum()), len(problem.sampled)
    if not n:
        return se
    f = min(1.0, float(np.mean(problem.pi[problem.sampled])))
    return np.sqrt(se ** 2 + (1 - f) * PSEUDO / n ** 2)


class _Fit:
    def __init__(self, coef, se):
        self.coef, self.se = coef, se


class Naive:
    """The labels taken as truth: every record, no correction (biased; too narrow)."""
    name = "naive"
    interval = "Wald intervals from robust (sandwich) standard errors over all labeled records"

    def applies(self, problem: Problem) -> str | None:
        return None

    def estimate(self, problem: Problem) -> Estimate:
        return _estimate(self.name, fit(problem.X, problem.label, family=problem.family),
                         problem, floor=False)


class Classical:
    """The reviewed sample alone, weighted by inverse inclusion probabilities."""
    name = "classical"
    interval = ("Wald intervals from design-based sandwich standard errors of the "
                "inverse-probability-weighted reviewed sample (Horvitz-Thompson variance with "
                "each record's (1 - pi) / pi^2)" + FLOOR)

    def applies(self, problem: Problem) -> str | None:
        return None if problem.sampled.any() else "no reviewed record"

    def estimate(self, problem: Problem) -> Estimate:
        s = problem.sampled
        X, y, pi = problem.X[s], problem.y[s], problem.pi[s]
        first = fit(X, y, 1.0 / pi, problem.family)
        if not np.all(np.isfinite(first.coef)):
            return _estimate(self.name, first, problem)
        # Design-based variance: each reviewed record's score times (1 - pi) / pi^2 (Poisson
        # sampling's Horvitz-Thompson variance), so a group reviewed in full is known exactly.
        eta = X @ first.coef
        mu = eta if problem.family == "linear" else 1 / (1 + np.exp(-eta))
        return _estimate(self.name, fit(X, y, 1.0 / pi, problem.family,
                                        meat=((1 - pi) / pi ** 2, y - mu)), problem)


def _ridge_logistic(features: np.ndarray, y: np.ndarray, penalty: float = 1.0,
                    iterations: int = 50) -> np.ndarray:
    """Coefficients (intercept first) of an L2-penalised logistic regression by Newton's
    method: a few hundred rows and columns solve in milliseconds (scikit-learn's L-BFGS takes
    ~100x longer here, which a benchmark of thousands of samples feels)."""
    Z = np.column_stack([np.ones(len(y)), features])
    b = np.zeros(Z.shape[1])
    ridge = np.full(Z.shape[1], penalty)
    ridge[0] = 0.0  # the intercept is not shrunk
    for _ in range(iterations):
        mu = 1.0 / (1.0 + np.exp(-np.clip(Z @ b, -30, 30)))
        gradient = Z.T @ (y - mu) - ridge * b
        hessian = Z.T @ ((mu * (1 - mu))[:, None] * Z) + np.diag(ridge + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        b += step
        if np.max(np.abs(step)) < 1e-8:
            break
    return b


def outcome_model(problem: Problem) -> np.ndarray:
    """DSL's first step: each record's predicted review from the run's probability and the
    covariates, by a logistic model fitted on the reviewed records of the other folds
    (cross-fitting: no record's prediction has seen its own review)."""
    features = problem.g_features
    if features is None:
        p = np.clip(problem.surrogate, 1e-4, 1 - 1e-4)
        features = np.column_stack([np.log(p / (1 - p)), problem.X])
    features = (features - features.mean(0)) / np.where(features.std(0) > 0, features.std(0), 1)
    fold = np.random.default_rng(problem.seed).integers(0, problem.folds, len(features))
    g = np.clip(problem.surrogate.astype(float), 0, 1).copy()
    for k in range(problem.folds):
        train = problem.sampled & (fold != k)
        y = problem.y[train]
        if train.sum() < 4 or y.min() == y.max():
            g[fold == k] = y.mean() if len(y) else g[fold == k]
            continue
        b = _ridge_logistic(features[train], y)
        g[fold == k] = 1.0 / (1.0 + np.exp(-np.clip(b[0] + features[fold == k] @ b[1:],
                                                    -30, 30)))
    return g


class DSL:
    """Doubly robust pseudo-outcomes g + R/pi (y - g), fitted like the reviews would be."""
    name = "dsl"
    interval = ("Wald intervals from design-based sandwich standard errors of the DSL "
                "estimating equation (the corrections R/pi (y - g) of the reviewed records, "
                "each with variance (1 - pi) / pi^2 (y - g)^2; outcome model g cross-fitted in "
                "5 folds)" + FLOOR)

    def applies(self, problem: Problem) -> str | None:
        return None if problem.sampled.any() else "no reviewed record"

    def estimate(self, problem: Problem) -> Estimate:
        g = problem.g if problem.g is not None else outcome_model(problem)
        s = problem.sampled
        pseudo = g.copy()
        pseudo[s] += (problem.y[s] - g[s]) / problem.pi[s]
        # The variance over the design with the outcome model held fixed: only the reviewed
        # records' corrections R/pi (y - g) are random, each with variance (1 - pi)/pi^2 (y - g)^2
        # (the difference estimator's; a fully reviewed group has none).
        factor = np.where(s, (1 - np.nan_to_num(problem.pi, nan=1.0)) /
                          np.nan_to_num(problem.pi, nan=1.0) ** 2, 0.0)
        residual = np.where(s, np.nan_to_num(problem.y) - g, 0.0)
        return _estimate(self.name, fit(problem.X, pseudo, family=problem.family,
                                        meat=(factor, residual)), problem)


class PPI:
    """PPI++ (power-tuned prediction-powered inference), from ``ppi-python``."""
    name = "ppi"
    interval = ("PPI++ Wald intervals with the power-tuning parameter estimated "
                "(ppi-python ppi_mean_ci / ppi_ols_ci / ppi_logistic_ci)" + FLOOR)

    def applies(self, problem: Problem) -> str | None:
        if not problem.simple_random:
            return ("its intervals assume the reviewed records are a simple random sample; "
                    "this one was stratified, with unequal inclusion probabilities")
        if problem.sampled.sum() < 2:
            return "fewer than 2 reviewed records"
        if problem.family == "logistic" and len(set(problem.y[problem.sampled])) < 2:
            return "every reviewed record has the same review (no logistic fit)"
        return None

    def estimate(self, problem: Problem) -> Estimate:
        import ppi_py

        s, u = problem.sampled, ~problem.sampled
        Y, Yhat, Yhat_u = problem.y[s], problem.surrogate[s], problem.surrogate[u]
        d = problem.X.shape[1]
        if not u.any():  # every record reviewed: the reviews are the answer
            return _estimate(self.name, fit(problem.X, problem.y, family=problem.family,
                                            meat=(np.zeros(len(Y)), np.zeros(len(Y)))),
                             problem)
        try:
            if d == 1 and np.all(problem.X == 1) and problem.family == "linear":
                low, high = ppi_py.ppi_mean_ci(Y, Yhat, Yhat_u, alpha=0.05)
            elif problem.family == "linear":
                low, high = ppi_py.ppi_ols_ci(problem.X[s], Y, Yhat, problem.X[u], Yhat_u,
                                              alpha=0.05)
            else:
                low, high = ppi_py.ppi_logistic_ci(problem.X[s], Y, Yhat, problem.X[u],
                                                   Yhat_u, alpha=0.05)
        except (np.linalg.LinAlgError, ValueError, ZeroDivisionError):  # cannot identify them
            low = high = np.full(d, np.nan)
        low, high = np.atleast_1d(low).astype(float), np.atleast_1d(high).astype(float)
        coef, se = (low + high) / 2, (high - low) / (2 * Z95)
        return _estimate(self.name, _Fit(coef, se), problem)


def register_builtins(registry: Registry[Estimator]) -> None:
    for estimator in (Naive, Classical, DSL, PPI):
        registry.register(estimator.name, estimator)
