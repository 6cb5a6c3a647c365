"""Statistics a methods section can report: agreement with confidence intervals, and each
option's share of the whole corpus corrected by a random validation sample.

The share is the difference estimator of survey sampling, which is what design-based
supervised learning (Egami et al. 2023) and prediction-powered inference (Angelopoulos et
al. 2023) reduce to for a mean: the share of records *labeled* with the option, plus the mean
labeling error measured on records reviewed at random, weighted by their inclusion
probabilities (stratum by stratum when the sample was stratified by label). It is unbiased
however wrong the labels are; good labels only make the interval narrower.
"""
from __future__ import annotations

import math

import numpy as np

Z95 = 1.959964
# Pseudo-observations per stratum for the variance of a corrected share: this many without
# error and this many with one. 1 covers closest to 95% on a real review (0.5-2 tried;
# benchmarks/bench_validation.py).
PSEUDO = 1.0


def confusion(truth: list[str], predicted: list[str], weights: np.ndarray,
              options: list[str]) -> np.ndarray:
    """Weighted confusion matrix: rows are the reviewers' labels, columns the run's."""
    at = {o: i for i, o in enumerate(options)}
    matrix = np.zeros((len(options), len(options)))
    for t, p, w in zip(truth, predicted, weights):
        if t in at and p in at:
            matrix[at[t], at[p]] += w
    return matrix


def scores(matrix: np.ndarray, options: list[str]) -> dict:
    """Accuracy, Cohen's kappa, and precision/recall/F1 per option from a confusion matrix."""
    total = matrix.sum()
    if not total:
        return {}
    observed = np.trace(matrix) / total
    expected = float((matrix.sum(0) * matrix.sum(1)).sum()) / total ** 2
    kappa = (observed - expected) / (1 - expected) if expected < 1 else float("nan")
    out = {"accuracy": float(observed), "kappa": float(kappa), "precision": {}, "recall": {},
           "f1": {}}
    for i, option in enumerate(options):
        tp, predicted, actual = matrix[i, i], matrix[:, i].sum(), matrix[i, :].sum()
        p = tp / predicted if predicted else 0.0
        r = tp / actual if actual else 0.0
        out["precision"][option], out["recall"][option] = float(p), float(r)
        out["f1"][option] = float(2 * p * r / (p + r)) if p + r else 0.0
    return out


def wilson(successes: float, n: float) -> tuple[float, float]:
    """Wilson score interval for a proportion (95%)."""
    if not n:
        return (float("nan"), float("nan"))
    p = successes / n
    centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / (1 + Z95 ** 2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def agreement(truth: list[str], predicted: list[str], options: list[str],
              weights: np.ndarray | None = None, strata: list[str] | None = None,
              resamples: int = 2000, seed: int = 0) -> dict:
    """Scores with 95% intervals: percentile bootstrap, resampling within strata (Wilson's
    interval for the accuracy of an unweighted sample)."""
    n = len(truth)
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    strata = strata or ["all"] * n
    point = scores(confusion(truth, predicted, weights, options), options)
    if not point:
        return {}
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(np.array(strata) == s) for s in sorted(set(strata))]
    truth_a, predicted_a = np.array(truth, dtype=object), np.array(predicted, dtype=object)
    draws = []
    for _ in range(resamples):
        picked = np.concatenate([rng.choice(g, len(g)) for g in groups])
        draws.append(scores(confusion(truth_a[picked], predicted_a[picked], weights[picked],
                                      options), options))

    def interval(values):
        values = np.array([v for v in values if v == v])
        if not len(values):
            return [float("nan"), float("nan")]
        return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))]

    ci = {"accuracy": interval([d["accuracy"] for d in draws]),
          "kappa": interval([d["kappa"] for d in draws])}
    if len(groups) == 1 and np.all(weights == weights[0]):
        ci["accuracy"] = list(wilson(point["accuracy"] * n, n))
    for metric in ("precision", "recall", "f1"):
        ci[metric] = {o: interval([d[metric][o] for d in draws]) for o in options}
    return {**point, "ci": ci, "n": n}


def corrected_share(labeled: np.ndarray, stratum_sizes: dict, sample_strata: list[str],
                    sample_truth: np.ndarray, sample_labeled: np.ndarray) -> dict:
    """One option's share of all N records, from the labels (0/1 for every record) and a
    random sample's reviews (0/1) beside its labels, stratified by ``sample_strata``.

    ``stratum_sizes`` gives N_h for every stratum the sample was drawn from. Each stratum's
    variance is computed with two pseudo-observations added (one error-free, one error of
    each sign the stratum can make, as Agresti and Min add to a paired 2x2 table), so that a
    sample with few or no errors does not claim a narrow interval: labeling errors are rare
    and skewed, where the plain normal interval covers less than it says.
    """
    total = sum(stratum_sizes.values())
    naive = float(np.mean(labeled))
    estimate, variance, n_sample = naive, 0.0, 0
    strata = np.array(sample_strata)
    predicted = np.asarray(sample_labeled, dtype=float)
    errors = np.asarray(sample_truth, dtype=float) - predicted
    for name, size in stratum_sizes.items():
        inside = strata == name
        e, n_h = errors[inside], int(inside.sum())
        if not n_h:
            continue
        share = size / total
        estimate += share * e.mean()
        signs = [s for s, can in ((1.0, (predicted[inside] == 0).any()),
                                  (-1.0, (predicted[inside] == 1).any())) if can]
        pseudo = np.concatenate([e, [0.0], signs])
        weights = np.concatenate([np.ones(n_h), [PSEUDO], np.full(len(signs), PSEUDO / len(signs))])
        mean = np.average(pseudo, weights=weights)
        spread = np.average((pseudo - mean) ** 2, weights=weights) * (n_h + 2 * PSEUDO) / (
            n_h + 2 * PSEUDO - 1)
        variance += share ** 2 * (1 - n_h / size) * spread / n_h
        n_sample += n_h
    se = math.sqrt(variance)
    df = max(1, n_sample - len(stratum_sizes))
    from scipy.stats import t

    half = float(t.ppf(0.975, df)) * se
    return {"labeled_share": naive, "estimate": min(1.0, max(0.0, estimate)), "se": se,
            "ci": [max(0.0, estimate - half), min(1.0, estimate + half)], "n_reviewed": n_sample}
