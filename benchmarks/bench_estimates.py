"""Do the corrected estimates' 95% intervals hold for group shares and a regression slope?

    nice -n 10 python benchmarks/bench_estimates.py [--reps 500] [--out results.json]

Two corpora whose truth is known stand in for a labeled corpus:

- Nagtegaal 2019 (ASReview, 2,019 records, 5% included, every record decided). It has no
  publication year, so its groups are terciles of abstract length and its slope is on the
  standardised log abstract length: a real covariate in the year's place.
- The scisci corpus's gold set (benchmarks/gold_bibliometric.csv: the records the developers
  labeled for "Does the article use bibliometric analysis?", matched to the corpus by DOI,
  UNCLEAR taken as not TRUE). Its groups are periods of publication years and its slope is
  on the standardised year. The gold set is small, so its samples are smaller (see the table).

A classifier run labels each corpus from 20 or 100 random reviews (litlab's
labels-from-reviews learner, TF-IDF; reviewed records keep their human label, as in a
`--from-reviews` run). Then `--reps` validation samples are drawn, simple random or
stratified by group with equal allocation (as `litlab validate --stratify` draws them). Each
sample gives, for every group's share and for the logistic slope, four estimates with 95%
intervals through the code `litlab estimate` / `litlab regress` run (litlab.estimates: the
same Problem, outcome model and registered estimators): naive (labels alone), classical
(reviewed sample alone), DSL, and PPI++ (simple random samples only). Printed per row:
coverage of the truth (census value of the fully labeled corpus), bias, RMSE, mean width,
and the corrected width as a ratio of the classical width on the same sample.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from reviews import SHARED, available  # noqa: E402

from litlab.estimates.base import ESTIMATORS, Problem  # noqa: E402
from litlab.estimates.builtin import outcome_model  # noqa: E402
from litlab.estimates.mest import fit  # noqa: E402
from litlab.review.classifier import calibrated_probabilities  # noqa: E402
from litlab.review.features import build_features  # noqa: E402
from litlab.review.settings import ReviewSettings  # noqa: E402
from litlab.review.validation import _allocate  # noqa: E402

ESTIMATOR_NAMES = ("naive", "classical", "dsl", "ppi")


def nagtegaal():
    from litlab.review.simulate import read_labeled_file

    path, column, _ = available()["nagtegaal"]
    labeled = read_labeled_file(path, column)
    length = np.log1p(np.array([len(t) for t in labeled.texts], dtype=float))
    groups = pd.qcut(length, 3, labels=["short", "medium", "long"]).astype(str)
    return ("Nagtegaal 2019", labeled.texts, np.asarray(labeled.truth, bool), np.asarray(groups),
            length, "abstract length tercile", "log abstract length")


def scisci():
    corpus = pd.read_csv(SHARED / "scisci" / "science_of_science.csv")
    gold = pd.read_csv(ROOT / "benchmarks" / "gold_bibliometric.csv")
    gold = gold[gold.label.isin(["TRUE", "FALSE", "UNCLEAR"])]
    merged = gold[["doi", "label"]].merge(corpus, on="doi").dropna(subset=["year"])
    texts = (merged.title.fillna("") + ". " + merged.abstract.fillna("")).tolist()
    year = merged.year.to_numpy(float)
    groups = np.where(year < 2015, "-2014", np.where(year < 2020, "2015-2019", "2020-"))
    return ("scisci gold", texts, (merged.label == "TRUE").to_numpy(), groups, year,
            "publication period", "year")


def classifier_run(texts, truth, n_reviews, seed):
    """A labels-from-reviews run: probabilities from n random reviews; reviewed = truth."""
    features = build_features(texts, None, {}, ReviewSettings())
    rng = np.random.default_rng(seed)
    while True:
        reviewed = rng.choice(len(truth), n_reviews, replace=False)
        if 1 < truth[reviewed].sum() < n_reviews - 1:
            break
    p = calibrated_probabilities(features, reviewed, truth[reviewed], ReviewSettings()).p_true
    p = np.asarray(p, float).copy()
    p[reviewed] = truth[reviewed]
    return p


def draw(rng, groups, n, stratified):
    """(sampled mask, inclusion probabilities) as `litlab validate` draws them."""
    N = len(groups)
    sampled, pi = np.zeros(N, bool), np.full(N, np.nan)
    if not stratified:
        sampled[rng.choice(N, n, replace=False)] = True
        pi[sampled] = n / N
        return sampled, pi
    sizes = {g: int((groups == g).sum()) for g in np.unique(groups)}
    for g, k in _allocate(sizes, n).items():
        members = np.flatnonzero(groups == g)
        sampled[rng.choice(members, k, replace=False)] = True
        pi[members] = k / sizes[g]
    pi[~sampled] = np.nan
    return sampled, pi


def one_sample(rng, p, truth, groups, x, n, stratified, names):
    """Every estimator's estimate and interval of each group share and of the slope."""
    sampled, pi = draw(rng, groups, n, stratified)
    y = np.where(sampled, truth.astype(float), np.nan)
    label = (p >= 0.5).astype(float)
    onehot = np.column_stack([(groups == g).astype(float) for g in names])
    logit = np.log(np.clip(p, 1e-4, 1 - 1e-4) / (1 - np.clip(p, 1e-4, 1 - 1e-4)))
    base = dict(label=label, surrogate=p, sampled=sampled, pi=pi, y=y,
                simple_random=not stratified, seed=int(rng.integers(1 << 30)))
    out = []
    shares = Problem(np.ones((len(p), 1)), ["share"], family="linear",
                     g_features=np.column_stack([logit, onehot]), **base)
    shares.g = outcome_model(shares)
    for j, g in enumerate(names):
        part = shares.subset(groups == g)
        for name in ESTIMATOR_NAMES:
            est = ESTIMATORS.create(name)
            if est.applies(part) is None:
                e = est.estimate(part)
                out.append((f"share {g}", name, e.coef[0], e.ci[0, 0], e.ci[0, 1]))
    X = np.column_stack([np.ones(len(p)), x])
    slope = Problem(X, ["Intercept", "x"], family="logistic",
                    g_features=np.column_stack([logit, x]), **base)
    slope.g = outcome_model(slope)
    for name in ESTIMATOR_NAMES:
        est = ESTIMATORS.create(name)
        if est.applies(slope) is None:
            e = est.estimate(slope)
            out.append(("slope", name, e.coef[1], e.ci[1, 0], e.ci[1, 1]))
    return out


def summarise(rows, truths):
    frame = pd.DataFrame(rows, columns=["rep", "target", "estimator", "est", "lo", "hi"])
    frame["truth"] = frame.target.map(truths)
    frame = frame[np.isfinite(frame.est) & np.isfinite(frame.lo)]
    frame["hit"] = (frame.lo <= frame.truth) & (frame.truth <= frame.hi)
    frame["width"] = frame.hi - frame.lo
    frame["kind"] = np.where(frame.target == "slope", "slope", "group shares")
    out = {}
    for (kind, name), part in frame.groupby(["kind", "estimator"]):
        err = part.est - part.truth
        out[(kind, name)] = {"coverage": part.hit.mean(), "bias": err.mean(),
                             "rmse": float(np.sqrt((err ** 2).mean())),
                             "width": part.width.mean(), "intervals": len(part)}
    classical = frame[frame.estimator == "classical"].set_index(["rep", "target"]).width
    for name in ("dsl", "ppi"):
        mine = frame[frame.estimator == name].set_index(["rep", "target"]).width
        both = pd.concat([mine, classical], axis=1, keys=["c", "k"]).dropna()
        both = both[both.k > 0]
        both["kind"] = np.where(both.index.get_level_values(1) == "slope", "slope",
                                "group shares")
        for kind, part in both.groupby("kind"):
            if (kind, name) in out:
                out[(kind, name)]["width_ratio"] = float((part.c / part.k).median())
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--out", type=Path, default=None, help="Write every figure as JSON.")
    parser.add_argument("--only", choices=["nagtegaal", "scisci"], default=None)
    args = parser.parse_args()
    configs = [(nagtegaal, (20, 100), (100, 300)), (scisci, (20, 50), (30, 60))]
    configs = [c for c in configs if args.only in (None, c[0].__name__)]
    results = []
    print(f"{args.reps} validation samples per row; coverage of 95% intervals (target 93-97% "
          "for DSL / PPI++), bias, RMSE, mean width; ratio = median corrected width / classical "
          "width on the same sample (target <= 0.85)")
    print(f"{'corpus':<15}{'reviews':>8}{'n':>5}{'design':>11}  {'target':<13}{'estimator':<10}"
          f"{'coverage':>9}{'bias':>9}{'RMSE':>8}{'width':>8}{'ratio':>7}")
    for load, review_counts, sizes in configs:
        title, texts, truth, groups, x, group_name, x_name = load()
        x = (x - x.mean()) / x.std()
        names = sorted(set(groups))
        census = fit(np.column_stack([np.ones(len(x)), x]), truth.astype(float),
                     family="logistic").coef[1]
        truths = {f"share {g}": truth[groups == g].mean() for g in names} | {"slope": census}
        print(f"# {title}: {len(truth)} records, {truth.mean():.1%} TRUE; groups: {group_name} "
              + ", ".join(f"{g} {truths['share ' + g]:.1%}" for g in names)
              + f"; slope on standardised {x_name}: {census:+.3f} (census logistic fit)")
        for n_reviews in review_counts:
            p = classifier_run(texts, truth, n_reviews, seed=1)
            for n in sizes:
                for stratified in (False, True):
                    start, rng, rows = time.time(), np.random.default_rng(7), []
                    for rep in range(args.reps):
                        rows += [(rep, *r) for r in one_sample(rng, p, truth, groups, x, n,
                                                               stratified, names)]
                    design = "stratified" if stratified else "simple"
                    for (kind, name), m in sorted(summarise(rows, truths).items()):
                        ratio = f"{m['width_ratio']:.2f}" if "width_ratio" in m else ""
                        print(f"{title:<15}{n_reviews:>8}{n:>5}{design:>11}  {kind:<13}{name:<10}"
                              f"{m['coverage']:>9.1%}{m['bias']:>+9.4f}{m['rmse']:>8.4f}"
                              f"{m['width']:>8.4f}{ratio:>7}", flush=True)
                        results.append({"corpus": title, "reviews": n_reviews, "n": n,
                                        "design": design, "target": kind, "estimator": name,
                                        **{k: float(v) for k, v in m.items()}})
                    print(f"#   ({time.time() - start:.0f} s)", flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
