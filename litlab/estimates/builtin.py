"""The built-in estimators: naive (labels alone), classical (the reviewed sample alone), DSL
(design-based supervised learning, Egami et al. 2023) and PPI++ (Angelopoulos et al. 2023,
through the ``ppi-python`` package)."""
from __future__ import annotations

import numpy as np

from litlab.estimates.base import Estimate, Estimator, Problem
from litlab.estimates.mest import Z95, fit
from litlab.registry import Registry


def _estimate(name: str, result) -> Estimate:
    return Estimate(name, result.coef, result.se, result.ci)


class Naive:
    """The labels taken as truth: every record, no correction (biased; too narrow)."""
    name = "naive"
    interval = "Wald intervals from robust (sandwich) standard errors over all labeled records"

    def applies(self, problem: Problem) -> str | None:
        return None

    def estimate(self, problem: Problem) -> Estimate:
        return _estimate(self.name, fit(problem.X, problem.label, family=problem.family))


class Classical:
    """The reviewed sample alone, weighted by inverse inclusion probabilities."""
    name = "classical"
    interval = ("Wald intervals from design-based (sandwich) standard errors of the "
                "inverse-probability-weighted reviewed sample")

    def applies(self, problem: Problem) -> str | None:
        return None if problem.sampled.any() else "no reviewed record"

    def estimate(self, problem: Problem) -> Estimate:
        s = problem.sampled
        return _estimate(self.name, fit(problem.X[s], problem.y[s], 1.0 / problem.pi[s],
                                        problem.family))


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
    interval = ("Wald intervals from sandwich standard errors of the DSL pseudo-outcomes "
                "(design-based: the known inclusion probabilities; outcome model cross-fitted "
                "in 5 folds)")

    def applies(self, problem: Problem) -> str | None:
        return None if problem.sampled.any() else "no reviewed record"

    def estimate(self, problem: Problem) -> Estimate:
        g = problem.g if problem.g is not None else outcome_model(problem)
        s = problem.sampled
        pseudo = g.copy()
        pseudo[s] += (problem.y[s] - g[s]) / problem.pi[s]
        return _estimate(self.name, fit(problem.X, pseudo, family=problem.family))


class PPI:
    """PPI++ (power-tuned prediction-powered inference), from ``ppi-python``."""
    name = "ppi"
    interval = ("PPI++ Wald intervals with the power-tuning parameter estimated "
                "(ppi-python ppi_mean_ci / ppi_ols_ci / ppi_logistic_ci)")

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
        try:
            if d == 1 and np.all(problem.X == 1) and problem.family == "linear":
                low, high = ppi_py.ppi_mean_ci(Y, Yhat, Yhat_u, alpha=0.05)
            elif problem.family == "linear":
                low, high = ppi_py.ppi_ols_ci(problem.X[s], Y, Yhat, problem.X[u], Yhat_u,
                                              alpha=0.05)
            else:
                low, high = ppi_py.ppi_logistic_ci(problem.X[s], Y, Yhat, problem.X[u],
                                                   Yhat_u, alpha=0.05)
        except (np.linalg.LinAlgError, ValueError):  # a sample that cannot identify them
            low = high = np.full(d, np.nan)
        low, high = np.atleast_1d(low).astype(float), np.atleast_1d(high).astype(float)
        coef, se = (low + high) / 2, (high - low) / (2 * Z95)
        return Estimate(self.name, coef, se, np.column_stack([low, high]))


def register_builtins(registry: Registry[Estimator]) -> None:
    for estimator in (Naive, Classical, DSL, PPI):
        registry.register(estimator.name, estimator)
