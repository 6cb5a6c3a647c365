"""Labels from reviews: kappa and AUC after 10, 20 and 50 reviews, against a plain
class-balanced logistic regression on the same stored embeddings.

    python benchmarks/bench_review_labels.py [--seeds 5] [--json]

Gold: benchmarks/gold_bibliometric.csv (TRUE/FALSE rows) over the shared scisci corpus,
ingested and indexed into a temporary database (read in place). For each number of reviews
and seed, that many gold records (both classes present) are the reviews; each learner labels
the other gold records, which are scored: Cohen's kappa of the labels, AUC of the
probabilities, expected calibration error. litlab's learner is the one `litlab label
--from-reviews` runs (two linear SVMs, Platt-calibrated, TRUE at probability 0.5).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

import litlab
from litlab.labeling.gold import read_gold
from litlab.review import service
from litlab.review.classifier import calibrated_probabilities
from litlab.review.settings import ReviewSettings

ROOT = Path(__file__).resolve().parents[1]
SCISCI = ROOT.parent / "shared" / "corpora" / "scisci" / "science_of_science.csv"
GOLD = ROOT / "benchmarks" / "gold_bibliometric.csv"
QUESTION = "Does the article use bibliometric analysis?"
SIZES = (10, 20, 50)


def draw(truth: np.ndarray, n: int, rng) -> np.ndarray:
    """n reviewed rows with both classes present (a reviewer would not stop before that)."""
    while True:
        picked = rng.choice(len(truth), n, replace=False)
        if 0 < truth[picked].sum() < n:
            return picked


def ece(p: np.ndarray, truth: np.ndarray, bins: int = 10) -> float:
    confidence = np.maximum(p, 1 - p)
    correct = (p >= 0.5) == truth
    edges = np.linspace(0.5, 1.0, bins // 2 + 1)
    total = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence >= low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def plain_lr(embeddings: np.ndarray, rows: np.ndarray, y: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(class_weight="balanced", max_iter=1000)
    return model.fit(embeddings[rows], y).predict_proba(embeddings)[:, 1]


def main() -> None:
    from sklearn.metrics import cohen_kappa_score, roc_auc_score

    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, litlab.open(Path(tmp) / "scisci.duckdb") as corpus:
        started = time.perf_counter()
        corpus.ingest([SCISCI])
        corpus.index()
        gold = read_gold(corpus.con, GOLD)
        gold = gold[gold.gold.isin(["TRUE", "FALSE"])].reset_index(drop=True)
        settings = ReviewSettings(use_llm=False)
        features = service.features_for(corpus.con, QUESTION, settings, corpus.settings.index)
        prep = time.perf_counter() - started
    row_of = {int(r): i for i, r in enumerate(features.ids)}
    rows = np.array([row_of[int(r)] for r in gold.record_id])
    truth = (gold.gold == "TRUE").to_numpy()
    learners = {
        "litlab (SVMs on TF-IDF + embeddings, Platt)":
            lambda r, y: calibrated_probabilities(features, r, y, settings).p_true,
        "class-balanced logistic regression on embeddings":
            lambda r, y: plain_lr(features.embeddings, r, y),
    }
    results = {}
    for name, learn in learners.items():
        for n in SIZES:
            kappas, aucs, eces = [], [], []
            for seed in range(args.seeds):
                picked = draw(truth, n, np.random.default_rng(seed))
                rest = np.setdiff1d(np.arange(len(truth)), picked)
                p = learn(rows[picked], truth[picked].astype(int))[rows[rest]]
                kappas.append(cohen_kappa_score(truth[rest], p >= 0.5))
                aucs.append(roc_auc_score(truth[rest], p))
                eces.append(ece(p, truth[rest]))
            results[f"{name}@{n}"] = {"kappa": round(float(np.mean(kappas)), 3),
                                      "auc": round(float(np.mean(aucs)), 3),
                                      "ece": round(float(np.mean(eces)), 3)}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"gold: {len(truth)} records ({truth.sum()} TRUE, {(~truth).sum()} FALSE); means over "
          f"{args.seeds} draws; scored on the gold records not reviewed; set-up {prep:.0f} s")
    print(f"{'learner':<52}" + "".join(f"{f'{n} reviews':>21}" for n in SIZES))
    print(f"{'':<52}" + "".join(f"{'kappa':>7}{'AUC':>7}{'ECE':>7}" for _ in SIZES))
    for name in learners:
        print(f"{name:<52}" + "".join(
            f"{results[f'{name}@{n}']['kappa']:>7.3f}{results[f'{name}@{n}']['auc']:>7.3f}"
            f"{results[f'{name}@{n}']['ece']:>7.3f}" for n in SIZES))
    baseline = "class-balanced logistic regression on embeddings"
    print("kappa ratio litlab / baseline: " + ", ".join(
        f"{n} reviews {results[f'{next(iter(learners))}@{n}']['kappa'] / results[f'{baseline}@{n}']['kappa']:.2f}"
        for n in SIZES))


if __name__ == "__main__":
    main()
