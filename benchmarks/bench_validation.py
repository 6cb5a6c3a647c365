"""Do the validation estimates' 95% intervals hold? Coverage over 200 random samples.

    python benchmarks/bench_validation.py [--samples 200] [--n 100]

A fully labeled review (Nagtegaal 2019, 2,019 records, 5% included) stands in for a corpus:
a classifier run labels it from 20 or 100 random reviews (litlab's labels-from-reviews
learner, TF-IDF only here), then validation samples of n records are drawn at random, simple
or stratified by label, as `litlab validate` draws them; each gives the corrected share of
included records with its 95% interval (litlab.review.estimates.corrected_share, the code
`litlab evaluate` runs). Coverage is the share of intervals that contain the true share:
close to 95% is the target. The labels' own share (no correction) is printed beside it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reviews import available  # noqa: E402

from litlab.review.classifier import calibrated_probabilities  # noqa: E402
from litlab.review.features import build_features  # noqa: E402
from litlab.review.settings import ReviewSettings  # noqa: E402
from litlab.review.simulate import read_labeled_file  # noqa: E402
from litlab.review.estimates import corrected_share  # noqa: E402
from litlab.review.validation import _allocate  # noqa: E402


def labels_from_reviews(features, truth, n_reviews, seed) -> np.ndarray:
    rng = np.random.default_rng(seed)
    while True:
        reviewed = rng.choice(len(truth), n_reviews, replace=False)
        if 1 < truth[reviewed].sum() < n_reviews - 1:
            break
    p = calibrated_probabilities(features, reviewed, truth[reviewed], ReviewSettings()).p_true
    labels = p >= 0.5
    labels[reviewed] = truth[reviewed]  # reviewed records keep their human label
    return labels


def coverage(labels: np.ndarray, truth: np.ndarray, n: int, samples: int, stratify: bool,
             seed: int) -> dict:
    rng = np.random.default_rng(seed)
    true_share = truth.mean()
    strata = np.where(labels, "TRUE", "FALSE") if stratify else np.full(len(truth), "all")
    sizes = {s: int((strata == s).sum()) for s in np.unique(strata)}
    take = _allocate(sizes, n) if stratify else {"all": n}
    hits, widths, estimates = 0, [], []
    for _ in range(samples):
        picked = np.concatenate([rng.choice(np.flatnonzero(strata == s), k, replace=False)
                                 for s, k in take.items()])
        result = corrected_share(labels.astype(float), sizes, strata[picked].tolist(),
                                 truth[picked].astype(float), labels[picked].astype(float))
        hits += result["ci"][0] <= true_share <= result["ci"][1]
        widths.append(result["ci"][1] - result["ci"][0])
        estimates.append(result["estimate"])
    return {"coverage": hits / samples, "width": float(np.mean(widths)),
            "bias": float(np.mean(estimates) - true_share)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args()
    path, column, _ = available()["nagtegaal"]
    labeled = read_labeled_file(path, column)
    truth = labeled.truth
    features = build_features(labeled.texts, None, {}, ReviewSettings())
    print(f"Nagtegaal 2019: {len(truth)} records, true share included {truth.mean():.4f}; "
          f"{args.samples} validation samples of {args.n} per row")
    print(f"{'labels from':<14}{'labeled share':>15}{'design':>12}{'coverage':>10}"
          f"{'mean width':>12}{'bias':>9}")
    for n_reviews in (20, 100):
        labels = labels_from_reviews(features, truth, n_reviews, seed=1)
        for stratify in (False, True):
            result = coverage(labels, truth, args.n, args.samples, stratify, seed=2)
            print(f"{f'{n_reviews} reviews':<14}{labels.mean():>15.4f}"
                  f"{'stratified' if stratify else 'simple':>12}{result['coverage']:>10.1%}"
                  f"{result['width']:>12.4f}{result['bias']:>+9.4f}")


if __name__ == "__main__":
    main()
