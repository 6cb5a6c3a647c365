"""Screening on the Nagtegaal (2019) review: litlab simulate vs ASReview LAB's own simulation.

    python benchmarks/bench_simulate.py [--repeat 5] [--asreview PATH] [--json]

Same file, same priors (1 relevant + 1 irrelevant, drawn by litlab from seeds 535, 536, ...
and passed to ASReview with --prior-idx), same seeds, and the same metric code for both
(litlab.review.metrics, priors not counted): WSS@95, WSS@100 and recall after screening 10%.
ASReview runs its default model (ELAS u4: SVM on TF-IDF, max query) from its own command.
It is installed in a separate virtualenv (default build/asreview-venv): `pip install asreview`
pins pandas<3 and rispy 0.9, which would downgrade litlab's environment.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from litlab.review import service
from litlab.review.metrics import screening_metrics
from litlab.review.settings import ReviewSettings
from litlab.review.simulate import read_labeled_file
from litlab.settings import IndexSettings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "corpora" / "asreview-nagtegaal" / "Nagtegaal_2019.csv"
PUBLISHED = {"wss@95": 71.7, "rrf@10": 65.3}  # ASReview docs, older default (NB + TF-IDF), 15 runs


def asreview_run(binary: Path, priors: list[int], seed: int, n: int, workdir: Path) -> dict:
    """One ASReview simulation; its labeling order read back from the project's results.db."""
    out = workdir / f"seed{seed}.asreview"
    started = time.perf_counter()
    subprocess.run([str(binary), "simulate", str(DATA), "--prior-idx", *map(str, priors),
                    "--seed", str(seed), "-o", str(out)], check=True, capture_output=True)
    seconds = time.perf_counter() - started
    with zipfile.ZipFile(out) as archive:
        archive.extract("results.db", workdir / f"seed{seed}")
    con = sqlite3.connect(workdir / f"seed{seed}" / "results.db")
    rows = con.execute("SELECT record_id, label, classifier FROM results ORDER BY rowid").fetchall()
    found = np.zeros(n - len(priors), dtype=bool)
    screened = [bool(label) for _, label, model in rows if model is not None]  # priors: no model
    found[:len(screened)] = screened
    truth = read_labeled_file(DATA).truth
    metrics = screening_metrics(found, int(truth.sum() - truth[priors].sum()))
    return {**metrics, "seconds": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--asreview", type=Path, default=ROOT / "build" / "asreview-venv" / "bin" / "asreview")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = ReviewSettings(repeat=args.repeat)
    ours = service.simulate_file(DATA, settings, IndexSettings(),
                                 plot_path=ROOT / "build" / "bench_simulate.recall.png")
    theirs, why_not = [], None
    if args.asreview.exists():
        with tempfile.TemporaryDirectory() as tmp:
            for rep in ours.repetitions:
                theirs.append(asreview_run(args.asreview, rep.priors, rep.seed, ours.records, Path(tmp)))
    else:
        why_not = f"no ASReview at {args.asreview}: python -m venv build/asreview-venv && " \
                  "build/asreview-venv/bin/pip install asreview"
    keys = ("wss@95", "wss@100", "recall@10%")
    result = {"litlab": {k: round(v, 2) for k, v in ours.means().items()},
              "litlab_repetitions": [r.metrics | {"seed": r.seed, "priors": r.priors,
                                                  "seconds": r.seconds} for r in ours.repetitions],
              "asreview": ({k: round(float(np.mean([t[k] for t in theirs])), 2) for k in theirs[0]}
                           if theirs else why_not),
              "asreview_repetitions": theirs, "published_asreview_older_default": PUBLISHED}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"Nagtegaal 2019: {ours.records} records, {ours.relevant} relevant; priors 1+1; seeds "
          f"{settings.seed}..{settings.seed + args.repeat - 1}; percent, priors not counted")
    print(f"{'':<28}" + "".join(f"{k:>12}" for k in keys) + f"{'s/run':>9}")
    for rep, other in zip(ours.repetitions, theirs or [None] * len(ours.repetitions)):
        print(f"{'litlab   seed ' + str(rep.seed):<28}" + "".join(f"{rep.metrics[k]:>12.1f}" for k in keys)
              + f"{rep.seconds:>9.1f}")
        if other:
            print(f"{'ASReview seed ' + str(rep.seed):<28}" + "".join(f"{other[k]:>12.1f}" for k in keys)
                  + f"{other['seconds']:>9.1f}")
    print(f"{'litlab mean':<28}" + "".join(f"{result['litlab'][k]:>12.1f}" for k in keys))
    if theirs:
        print(f"{'ASReview (ELAS u4) mean':<28}" + "".join(f"{result['asreview'][k]:>12.1f}" for k in keys))
    else:
        print(f"ASReview not run: {why_not}")
    print(f"{'ASReview docs, older default':<28}{PUBLISHED['wss@95']:>12.1f}{'':>12}{PUBLISHED['rrf@10']:>12.1f}")


if __name__ == "__main__":
    main()
