"""Weighted M-estimation with sandwich variances: the one fitting routine every estimator shares.

A mean is a linear fit on an intercept; a share per group a linear fit on the groups' one-hot
columns. Weights are inverse inclusion probabilities (the classical estimator on the sample)
or 1 (the labels, or DSL's pseudo-outcomes, over every record); the variance is the robust
sandwich A^-1 B A^-1 with B = sum w^2 psi psi', the design-based variance of a
Horvitz-Thompson estimating equation under Poisson sampling, which is conservative for a
sample of fixed size.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054


@dataclass
class Fit:
    coef: np.ndarray
    se: np.ndarray

    @property
    def ci(self) -> np.ndarray:
        return np.column_stack([self.coef - Z95 * self.se, self.coef + Z95 * self.se])


def _expit(eta: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(eta, -30, 30)))


def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray | None = None, family: str = "linear",
        iterations: int = 100, meat: tuple[np.ndarray, np.ndarray] | None = None) -> Fit:
    """Solve sum w_i x_i (y_i - mu(x_i b)) = 0 (identity or logit link) and return b with
    sandwich standard errors. ``meat`` = (c, r) replaces the middle of the sandwich by
    sum c_i r_i^2 x_i x_i' (default c = w^2, r = y - mu): a design-based variance passes
    c = (1 - pi) / pi^2 on the reviewed rows. Columns without support (all zero where w > 0)
    and a fit that does not converge (separation) give NaN rather than a made-up number."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.ones(len(y)) if w is None else np.asarray(w, dtype=float)
    d = X.shape[1]
    coef, se = np.full(d, np.nan), np.full(d, np.nan)
    live = np.flatnonzero(np.abs(X[w > 0]).sum(0) > 0) if len(y) else np.array([], int)
    if len(live) == 0 or (w > 0).sum() <= len(live) - 1:
        return Fit(coef, se)
    Z = X[:, live]
    if family == "linear":
        A = Z.T @ (w[:, None] * Z)
        try:
            b = np.linalg.solve(A, Z.T @ (w * y))
        except np.linalg.LinAlgError:
            return Fit(coef, se)
        mu, slope = Z @ b, np.ones(len(y))
    elif family == "logistic":
        b = np.zeros(len(live))
        for _ in range(iterations):
            mu = _expit(Z @ b)
            A = Z.T @ ((w * mu * (1 - mu))[:, None] * Z)
            try:
                step = np.linalg.solve(A, Z.T @ (w * (y - mu)))
            except np.linalg.LinAlgError:
                return Fit(coef, se)
            b = b + step
            if np.max(np.abs(step)) < 1e-9:
                break
        else:
            return Fit(coef, se)
        if np.max(np.abs(Z @ b)) > 25:  # fitted probabilities of 0 or 1: separation
            return Fit(coef, se)
        mu = _expit(Z @ b)
        slope = mu * (1 - mu)
    else:
        raise ValueError(f"unknown family {family!r}")
    A = Z.T @ ((w * slope)[:, None] * Z)
    factor, residual = meat if meat is not None else (w ** 2, y - mu)
    score = Z * (np.sqrt(np.clip(factor, 0, None)) * residual)[:, None]
    try:
        inverse = np.linalg.inv(A)
    except np.linalg.LinAlgError:
        return Fit(coef, se)
    cov = inverse @ (score.T @ score) @ inverse
    coef[live], se[live] = b, np.sqrt(np.clip(np.diag(cov), 0, None))
    return Fit(coef, se)
