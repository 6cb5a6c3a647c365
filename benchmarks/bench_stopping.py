"""Which stopping rule keeps the saving? Every rule replayed on litlab's own screening orders.

    python benchmarks/bench_stopping.py [--repeat 5] [--reviews nagtegaal,...] [--json]
                                        [--priors 1,1 | --priors 0]

The default learner screens each of the four shared reviews from the same priors and seeds as
benchmarks/bench_simulate.py (1 relevant + 1 irrelevant from seeds 535...; --priors 0: the
cold start from benchmarks/review_questions.py); the orders are cached under
build/screening-orders/. Each rule of litlab.review.stoprules is then asked after every record
(the model rule at its estimates, every 25 records) with target recall 95% and confidence 95%.
Per rule: the recall where it stopped, the share of runs reaching 95%, the work saved (records
never read, a target sample's records counted as read), and that saving against the oracle's
(stopping the moment 95% are found). The chosen default is the rule reaching the target in at
least 95% of all runs with the largest mean saving.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from orders import cache_path, cached_run  # noqa: E402
from review_questions import QUESTIONS  # noqa: E402
from reviews import available  # noqa: E402

from litlab.review.settings import ReviewSettings  # noqa: E402
from litlab.review.simulate import draw_priors, file_features, read_labeled_file  # noqa: E402
from litlab.review.stopreplay import all_outcomes  # noqa: E402
from litlab.review.stoprules import STOPPING_RULES  # noqa: E402
from litlab.settings import IndexSettings  # noqa: E402


def review_features(name: str, path: Path, column: str, settings: ReviewSettings,
                    cold: bool):
    labeled = read_labeled_file(path, column)
    index = IndexSettings()

    def embed(texts):
        from litlab.index.embedders import load_embedder

        return load_embedder(index.model, "cpu", index.batch_size).encode(texts)

    question, criteria = QUESTIONS[name] if cold else (None, None)
    return labeled, file_features(labeled, settings, index.model, embed, "relevant", question,
                                  criteria)


def runs(reviews: dict, settings: ReviewSettings, repeat: int, progress=None,
         cached_only: bool = False) -> dict:
    """review -> list of (truth, seed, cached run) per seed (``cached_only``: only the runs
    already simulated)."""
    out = {}
    cold = settings.prior_relevant + settings.prior_irrelevant == 0
    for name, (path, column, _) in reviews.items():
        labeled, features = review_features(name, path, column, settings, cold and
                                            not cached_only)
        out[name] = []
        for seed in range(settings.seed, settings.seed + repeat):
            priors = draw_priors(labeled.truth, settings, seed)
            if cached_only and not cache_path(name, labeled.sha256, settings, priors, seed,
                                              extra={"cold": cold}).exists():
                continue
            out[name].append((labeled.truth, seed, cached_run(
                name, labeled.sha256, features, labeled.truth, settings, priors, seed,
                extra={"cold": cold})))
            if progress:
                progress(name, seed)
    return out


def table(simulated: dict, settings: ReviewSettings) -> dict:
    """rule -> review -> outcomes per seed (and "all")."""
    rows: dict = {}
    for review, seeds in simulated.items():
        for truth, seed, run in seeds:
            outcomes = all_outcomes(truth, run["order"], settings.target_recall,
                                    settings.confidence, run["estimates"], seed)
            for rule, result in outcomes.items():
                rows.setdefault(rule, {}).setdefault(review, []).append(result)
    return rows


def summary(results: list[dict], oracle: list[dict]) -> dict:
    saved = float(np.mean([r["work_saved"] for r in results]))
    best = float(np.mean([r["work_saved"] for r in oracle]))
    return {"recall": float(np.mean([r["recall"] for r in results])),
            "min_recall": float(np.min([r["recall"] for r in results])),
            "reached": float(np.mean([r["reached"] for r in results])),
            "work_saved": saved, "oracle_saved": best, "of_oracle": saved / best,
            "runs": len(results)}


def choose(rows: dict) -> tuple[str | None, dict]:
    """The rule reaching the target in >= 95% of all runs with the largest mean saving."""
    overall = {}
    for rule, by_review in rows.items():
        if rule == "oracle":
            continue
        every = [r for results in by_review.values() for r in results]
        oracle = [r for results in rows["oracle"].values() for r in results]
        overall[rule] = summary(every, oracle)
    fit = [r for r, s in overall.items() if s["reached"] >= 0.95]
    return (max(fit, key=lambda r: overall[r]["work_saved"]) if fit else None), overall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reviews", default=",".join(available()))
    parser.add_argument("--priors", default="1,1")
    parser.add_argument("--cached-only", action="store_true", help="only the runs already "
                        "in build/screening-orders/ (say so when reporting)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    relevant, irrelevant = (int(p) for p in (args.priors.split(",") * 2)[:2])
    settings = ReviewSettings(repeat=args.repeat, prior_relevant=relevant,
                              prior_irrelevant=irrelevant)
    reviews = {n: available()[n] for n in args.reviews.split(",")}
    simulated = runs(reviews, settings, args.repeat,
                     None if args.json else lambda n, s: print(f"  {n} seed {s}",
                                                               file=sys.stderr, flush=True),
                     args.cached_only)
    simulated = {n: s for n, s in simulated.items() if s}
    rows = table(simulated, settings)
    chosen, overall = choose(rows)
    per_review = {rule: {review: summary(results, rows["oracle"][review])
                         for review, results in by_review.items()}
                  for rule, by_review in rows.items() if rule != "oracle"}
    if args.json:
        print(json.dumps({"chosen": chosen, "overall": overall, "per_review": per_review},
                         indent=2))
        return
    n_runs = sum(len(s) for s in simulated.values())
    seeds = ", ".join(f"{n} {len(s)}" for n, s in simulated.items())
    print(f"stopping rules on litlab's screening orders: {n_runs} runs (seeds per review: "
          f"{seeds}); priors {args.priors}; target recall 95%, "
          "confidence 95%; work saved = records never read (percent of all)")
    print(f"{'rule':<8}{'recall':>8}{'min':>7}{'reached':>9}{'saved':>8}{'oracle':>8}"
          f"{'of oracle':>11}  guarantee")
    for rule, s in overall.items():
        kind = STOPPING_RULES.create(rule).guarantee.split(":")[0]
        print(f"{rule:<8}{100 * s['recall']:>7.1f}%{100 * s['min_recall']:>6.1f}%"
              f"{100 * s['reached']:>8.0f}%{100 * s['work_saved']:>7.1f}%"
              f"{100 * s['oracle_saved']:>7.1f}%{100 * s['of_oracle']:>10.0f}%  {kind}")
    print("\nper review: recall at the stop / reached / work saved (oracle's saving)")
    for review in simulated:
        oracle = summary(rows["oracle"][review], rows["oracle"][review])["work_saved"]
        cells = "  ".join(f"{rule} {100 * s[review]['recall']:.0f}/{100 * s[review]['reached']:.0f}"
                          f"/{100 * s[review]['work_saved']:.0f}"
                          for rule, s in per_review.items())
        print(f"  {review:<10} (oracle {100 * oracle:.0f}) {cells}")
    if chosen:
        share = overall[chosen]["of_oracle"]
        print(f"\nchosen: {chosen} (reached the target in {100 * overall[chosen]['reached']:.0f}%"
              f" of runs, saved {100 * overall[chosen]['work_saved']:.1f}%, {100 * share:.0f}% "
              f"of the oracle's saving; the issue's target is 67%: "
              f"{'met' if share >= 2 / 3 else 'MISSED'})")
    else:
        print("\nno rule reached the target in 95% of runs")


if __name__ == "__main__":
    main()
