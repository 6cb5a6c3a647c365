"""Screening on four published reviews: litlab's default learner vs ASReview LAB's default
(ELAS u4), side by side in one run, and where litlab's stopping rule would have stopped.

    python benchmarks/bench_simulate.py [--repeat 5] [--reviews nagtegaal,hamilton,...]
                                        [--tune] [--cold] [--asreview-cached-only] [--json]

Same files, same priors (1 relevant + 1 irrelevant, drawn by litlab from seeds 535, 536, ...
and given to ASReview with --prior-idx), same seeds, and the same metric code for both
(litlab.review.metrics, priors not counted): WSS@95, recall after screening 10%, and
ASReview's loss (normalised area between the perfect and the actual recall curve; lower is
better). ASReview runs from its own virtualenv (benchmarks/asreview_baseline.py). litlab's
orders are cached under build/screening-orders/ (benchmarks/orders.py) and shared with
benchmarks/bench_stopping.py, which compares the stopping rules on them. --cold starts litlab
from no priors (the question and criteria of benchmarks/review_questions.py) against
ASReview from its 1+1.

--tune also runs the candidate settings and picks one leave-one-review-out: for each review,
the candidate whose smallest gain over ASReview on the *other three* reviews is largest, and
how it does on the review left out.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from asreview_baseline import DEFAULT_BINARY, found_array, screening_order  # noqa: E402
from orders import cached_run  # noqa: E402
from review_questions import QUESTIONS  # noqa: E402
from reviews import available  # noqa: E402

from litlab.review.classifier import fit_decision  # noqa: E402
from litlab.review.metrics import screening_metrics  # noqa: E402
from litlab.review.settings import ReviewSettings  # noqa: E402
from litlab.review.simulate import (draw_priors, file_features, read_labeled_file,  # noqa: E402
                                    replay)
from litlab.settings import IndexSettings  # noqa: E402

KEYS = ("wss@95", "recall@10%", "loss")
DEFAULT = "tfidf: ELAS u4 recipe (default)"
CANDIDATES = {  # name: changes to the default settings
    DEFAULT: {},
    "ensemble, embeddings weight 0.5": {"learner": "ensemble"},
    "ensemble, embeddings weight 0.25": {"learner": "ensemble", "embedding_weight": 0.25},
}


def features_of(path: Path, column: str, settings: ReviewSettings, question=None,
                criteria=None):
    labeled = read_labeled_file(path, column)
    index = IndexSettings()

    def embed(texts):
        from litlab.index.embedders import load_embedder

        return load_embedder(index.model, "cpu", index.batch_size).encode(texts)

    return labeled, file_features(labeled, settings, index.model, embed, "relevant", question,
                                  criteria)




def retrain_ms(features, truth, settings, sizes=(50, 500, 2000)) -> dict:
    """Milliseconds to retrain and rescore every record with this many decisions (median of
    five)."""
    rng = np.random.default_rng(0)
    out = {}
    for size in sizes:
        size = min(size, len(truth))
        rows = rng.choice(len(truth), size, replace=False)
        rows[:2] = [np.flatnonzero(truth)[0], np.flatnonzero(~truth)[0]]
        times = []
        for _ in range(5):
            started = time.perf_counter()
            fit_decision(features, rows, truth[rows], settings)
            times.append(1000 * (time.perf_counter() - started))
        out[size] = round(float(np.median(times)), 1)
    return out


def run_review(name: str, path: Path, column: str, settings: ReviewSettings, repeat: int,
               binary: Path, default: bool = True, cold: bool = False,
               cached_only: bool = False) -> dict:
    """litlab's runs (cached under build/screening-orders/, shared with bench_stopping.py)
    beside ASReview's from the same 1+1 priors; ``cold``: litlab starts from no priors."""
    labeled, features = features_of(path, column, settings, *(QUESTIONS[name] if cold else ()))
    truth = labeled.truth
    ours, theirs = [], []
    for seed in range(settings.seed, settings.seed + repeat):
        priors = draw_priors(truth, settings, seed)
        # Without priors nothing is drawn: every seed gives the same order, so one run.
        if not (cold and ours):
            run = cached_run(name, labeled.sha256, features, truth, settings,
                             priors[:0] if cold else priors, settings.seed if cold else seed,
                             estimates=default, extra={"cold": cold})
            ours.append({**run["metrics"], "seconds": run["seconds"]})
        order = (screening_order(binary, path, [int(p) for p in priors], seed, cached_only)
                 if binary.exists() else None)
        if order is not None:
            found = found_array(order["order"], truth, len(priors))
            to_find = int(truth.sum() - truth[priors].sum())
            theirs.append({**screening_metrics(found, to_find), "seconds": order["seconds"]})
    mean = lambda runs: {k: float(np.mean([r[k] for r in runs])) for k in (*KEYS, "seconds")}  # noqa: E731
    return {"review": name, "records": int(len(truth)), "relevant": int(truth.sum()),
            "litlab": mean(ours), "asreview": mean(theirs) if theirs else None,
            "litlab_runs": ours, "asreview_runs": theirs,
            "retrain_ms": retrain_ms(features, truth, settings) if default and not cold
            else None}


def gain(result: dict) -> dict:
    """litlab minus ASReview, loss sign-flipped so that positive is better everywhere."""
    o, a = result["litlab"], result["asreview"]
    return {"wss@95": o["wss@95"] - a["wss@95"], "recall@10%": o["recall@10%"] - a["recall@10%"],
            "loss": a["loss"] - o["loss"]}


def leave_one_out(table: dict) -> list[dict]:
    """table[candidate][review] = result. For each review, the candidate with the largest
    smallest gain (WSS@95 in points, loss x 100) over the other reviews."""
    reviews = sorted(next(iter(table.values())))
    chosen = []
    for held in reviews:
        def worst(candidate):
            gains = [gain(table[candidate][r]) for r in reviews if r != held]
            return min(min(g["wss@95"], 100 * g["loss"]) for g in gains)
        best = max(table, key=worst)
        chosen.append({"held_out": held, "chosen": best, "gain_on_held_out":
                       gain(table[best][held])})
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reviews", default=",".join(available()))
    parser.add_argument("--asreview", type=Path, default=DEFAULT_BINARY)
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--cold", action="store_true", help="litlab from no priors (the cold "
                        "start from benchmarks/review_questions.py) against ASReview's 1+1")
    parser.add_argument("--asreview-cached-only", action="store_true", help="only ASReview "
                        "runs already in build/asreview-cache/ (a run takes minutes)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    reviews = {n: available()[n] for n in args.reviews.split(",")}
    if not args.asreview.exists():
        print(f"no ASReview at {args.asreview}: python -m venv build/asreview-venv && "
              "build/asreview-venv/bin/pip install asreview", file=sys.stderr)
    base = ReviewSettings(repeat=args.repeat)
    candidates = CANDIDATES if args.tune else {DEFAULT: {}}
    table = {c: {n: run_review(n, p, col, dataclasses.replace(base, **changes), args.repeat,
                               args.asreview, c == DEFAULT, args.cold,
                               args.asreview_cached_only)
                 for n, (p, col, _) in reviews.items()}
             for c, changes in candidates.items()}
    default = table[DEFAULT]
    out = {"default": default, "candidates": table if args.tune else None,
           "leave_one_out": leave_one_out(table) if args.tune and args.asreview.exists()
           else None}
    if args.json:
        print(json.dumps(out, indent=2, default=float))
        return
    print(f"priors {'0 for litlab (cold start), 1+1 for ASReview' if args.cold else '1+1'}, "
          f"seeds {base.seed}..{base.seed + args.repeat - 1}; means over seeds; percent, "
          "priors not counted; loss: lower is better")
    print(f"{'review':<12}{'':<10}" + "".join(f"{k:>12}" for k in KEYS) + f"{'s/run':>8}")
    for name, r in default.items():
        for who in ("litlab", "asreview"):
            if r[who]:
                print(f"{name if who == 'litlab' else '':<12}{who:<10}"
                      + "".join(f"{r[who][k]:>12.4f}" if k == "loss" else f"{r[who][k]:>12.1f}"
                                for k in KEYS) + f"{r[who]['seconds']:>8.1f}")
        if r["asreview"]:
            g = gain(r)
            print(f"{'':<12}{'gain':<10}{g['wss@95']:>+12.1f}{g['recall@10%']:>+12.1f}"
                  f"{g['loss']:>+12.4f}   ({'at or above' if min(g['wss@95'], g['loss']) >= 0 else 'BEHIND'} on WSS@95 and loss)")
    print("\nstopping rules: python benchmarks/bench_stopping.py (the same cached orders)")
    print(f"ASReview runs per review: " + ", ".join(f"{n} {len(r['asreview_runs'])}"
                                                   for n, r in default.items()))
    print("\nretrain + rescore every record, ms (decisions so far -> ms):")
    for name, r in default.items():
        if r["retrain_ms"]:
                print(f"  {name:<12} {r['records']} records: " + ", ".join(
                f"{n} -> {ms}" for n, ms in r["retrain_ms"].items()))
    if out["leave_one_out"]:
        print("\nleave-one-review-out choice among the candidates:")
        for row in out["leave_one_out"]:
            g = row["gain_on_held_out"]
            print(f"  held out {row['held_out']:<10} chosen: {row['chosen']:<38} gain there: "
                  f"WSS@95 {g['wss@95']:+.1f}, loss {g['loss']:+.4f}")
        print("\nevery candidate, gain over ASReview (WSS@95 points / recall@10% points / "
              "loss, positive = better):")
        for name, results in table.items():
            print(f"  {name}")
            for review, r in results.items():
                if r["asreview"]:
                    g = gain(r)
                    print(f"    {review:<10} {g['wss@95']:+6.1f} / {g['recall@10%']:+6.1f} / "
                          f"{g['loss']:+.4f}")


if __name__ == "__main__":
    main()
