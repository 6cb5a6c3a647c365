"""Label quality from reviews: kappa and F1 after 10, 20 and 50 reviewed labels.

    python benchmarks/bench_review_labels.py [--seeds 5] [--json]

Gold: benchmarks/gold_bibliometric.csv (TRUE/FALSE rows; UNCLEAR left out) over the shared
scisci corpus (ingested and indexed into a temporary database, read in place). For each
number of reviews and each seed, that many gold records (at least one of each class) are the
reviews; the classifier labels the other gold records; kappa and F1(TRUE) against the gold.
Feature sets: TF-IDF only; TF-IDF + embeddings + similarity to the question; the same plus the
LLM's P(TRUE) (a run of the bundled SmolLM2-135M over the gold records). Zero-shot baselines
without any review: the LLM run's own labels, and similarity above its median.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
import time
from pathlib import Path

import numpy as np

import litlab
from litlab.labeling.gold import read_gold
from litlab.review import service
from litlab.review.classifier import probability, scores, train
from litlab.review.settings import ReviewSettings

ROOT = Path(__file__).resolve().parents[1]
SCISCI = ROOT.parent / "shared" / "corpora" / "scisci" / "science_of_science.csv"
GOLD = ROOT / "benchmarks" / "gold_bibliometric.csv"
QUESTION = "Does the article use bibliometric analysis?"
SIZES = (10, 20, 50)


def score(gold: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import cohen_kappa_score, f1_score

    return float(cohen_kappa_score(gold, predicted)), float(f1_score(gold, predicted))


def draw(truth: np.ndarray, n: int, rng) -> np.ndarray:
    """n reviewed rows with both classes present (a reviewer would not stop before that)."""
    while True:
        picked = rng.choice(len(truth), n, replace=False)
        if 0 < truth[picked].sum() < n:
            return picked


def main() -> None:
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
        llm = corpus.label(QUESTION, scope="abstract",
                           filters={"record_ids": gold.record_id.tolist()})
        prep = time.perf_counter() - started
        base = ReviewSettings()
        variants = {
            "tfidf": dataclasses.replace(base, embedding_weight=0.0, use_llm=False,
                                         use_similarity=False),
            "tfidf+emb+sim": dataclasses.replace(base, use_llm=False),
            "tfidf+emb+sim+llm": base,
        }
        truth = (gold.gold == "TRUE").to_numpy()
        results = {}
        for name, settings in variants.items():
            features = service.features_for(corpus.con, QUESTION, settings, corpus.settings.index)
            row_of = {int(r): i for i, r in enumerate(features.ids)}
            rows = np.array([row_of[int(r)] for r in gold.record_id])
            for n in SIZES:
                kappas, f1s = [], []
                for seed in range(args.seeds):
                    picked = draw(truth, n, np.random.default_rng(seed))
                    rest = np.setdiff1d(np.arange(len(truth)), picked)
                    model = train(features.matrix, rows[picked], truth[picked], settings)
                    predicted = probability(scores(model, features.matrix[rows[rest]])) >= 0.5
                    k, f = score(truth[rest], predicted)
                    kappas.append(k)
                    f1s.append(f)
                results[f"{name}@{n}"] = {"kappa": round(float(np.mean(kappas)), 3),
                                          "f1_true": round(float(np.mean(f1s)), 3),
                                          "groups": features.groups}
        labels = corpus.labels(llm.run_ids[0]).set_index("record_id").loc[gold.record_id]
        k, f = score(truth, (labels.label == "TRUE").to_numpy())
        results["zero-shot LLM (SmolLM2-135M) labels"] = {"kappa": round(k, 3), "f1_true": round(f, 3)}
        features = service.features_for(corpus.con, QUESTION, variants["tfidf+emb+sim"],
                                        corpus.settings.index)
        sim = features.prior[[list(features.ids).index(r) for r in gold.record_id]]
        k, f = score(truth, sim > np.median(sim))
        results["zero-shot similarity > median"] = {"kappa": round(k, 3), "f1_true": round(f, 3)}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"gold: {len(truth)} records ({truth.sum()} TRUE, {(~truth).sum()} FALSE); "
          f"means over {args.seeds} draws; scored on the gold records not reviewed; "
          f"set-up (ingest, index, LLM run) {prep:.0f} s")
    print(f"{'features':<24}" + "".join(f"{f'{n} reviews':>22}" for n in SIZES))
    print(f"{'':<24}" + "".join(f"{'kappa':>11}{'F1':>11}" for _ in SIZES))
    for name in variants:
        print(f"{name:<24}" + "".join(f"{results[f'{name}@{n}']['kappa']:>11.3f}"
                                      f"{results[f'{name}@{n}']['f1_true']:>11.3f}" for n in SIZES))
    for name in ("zero-shot LLM (SmolLM2-135M) labels", "zero-shot similarity > median"):
        print(f"{name:<40} kappa {results[name]['kappa']:.3f}  F1 {results[name]['f1_true']:.3f}")


if __name__ == "__main__":
    main()
