"""Agreement of a label run with human labels: accuracy, per-option P/R/F1, kappa, calibration."""
from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np

from litlab.errors import LitlabError
from litlab.labeling.gold import read_gold

BINS = 10


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS
                               ) -> tuple[float, list[dict]]:
    """ECE over equal-width confidence bins, and the bins for a reliability plot."""
    edges = np.linspace(0, 1, bins + 1)
    table, ece = [], 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high) if low > 0 else (confidence <= high)
        if inside.any():
            gap = abs(correct[inside].mean() - confidence[inside].mean())
            ece += inside.mean() * gap
            table.append({"low": round(low, 2), "high": round(high, 2), "n": int(inside.sum()),
                          "confidence": float(confidence[inside].mean()),
                          "accuracy": float(correct[inside].mean())})
    return float(ece), table


def evaluate_run(con: duckdb.DuckDBPyConnection, run_id: int, gold_path: Path | None,
                 plot_path: Path | None = None, label_column: str = "label") -> dict:
    """Compare a run's labels with a gold CSV, or (no path) with the reviews stored for its
    question; optionally write a reliability plot (PNG)."""
    from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

    run = con.execute("SELECT options, question FROM label_runs WHERE run_id = ?",
                      [run_id]).fetchone()
    if run is None:
        raise LitlabError(f"no label run {run_id}: `litlab runs list` shows the runs")
    options = list(run[0])
    validation = None
    if gold_path is None:
        from litlab.review import validation as validating
        from litlab.review.labels import current_reviews

        validation = validating.report(con, run_id)  # None without a sample
        current = current_reviews(con, run[1])
        gold = current[~current.disputed][["record_id", "label"]].rename(
            columns={"label": "gold"})
        gold_path = "the reviews"
        if gold.empty:
            raise LitlabError(f"no reviews yet for {run[1]!r}: review some labels first")
    else:
        gold = read_gold(con, gold_path, label_column)
    from litlab.labeling.unscorable import unusable_labels, usable_sql

    labels = con.execute("SELECT record_id, label, probabilities FROM labels WHERE run_id = ? "
                         f"AND {usable_sql()}", [run_id, len(options)]).df()
    both = gold.merge(labels, on="record_id")
    if both.empty:
        raise LitlabError(f"run {run_id} has no labels for the records in {gold_path}")
    lookup = {o.lower(): o for o in options}
    both["gold"] = both.gold.map(lambda g: lookup.get(g.strip().lower(), g.strip()))
    unknown = sorted(set(both.gold) - set(options))
    if unknown:
        raise LitlabError(f"gold labels {unknown} are not options of run {run_id} ({options})")
    predicted = both.label.fillna("").tolist()
    precision, recall, f1, support = precision_recall_fscore_support(
        both.gold, predicted, labels=options, zero_division=0)
    confidence = np.array([max(p) for p in both.probabilities])
    correct = (both.gold == both.label).to_numpy(dtype=float)
    ece, bins = expected_calibration_error(confidence, correct)
    result = {
        "run_id": run_id, "n": int(len(both)), "accuracy": float(correct.mean()),
        "kappa": float(cohen_kappa_score(both.gold, predicted, labels=options)),
        "precision": dict(zip(options, map(float, precision))),
        "recall": dict(zip(options, map(float, recall))),
        "f1": dict(zip(options, map(float, f1))),
        "support": dict(zip(options, map(int, support))),
        "ece": ece, "reliability": bins,
    }
    from litlab.review.estimates import agreement

    result["ci"] = agreement(both.gold.tolist(), predicted, options)["ci"]
    result["against"] = str(gold_path)
    unusable = unusable_labels(con, run_id)
    if unusable:  # stored before answers were checked: never scored as labels
        result["unusable_labels"] = unusable
    from litlab.labeling.calibration import calibrated_figures

    result.update(calibrated_figures(con, run_id, both, options))
    if validation is not None:
        result["validation"] = validation
    if plot_path:
        result["plot"] = str(reliability_plot(bins, ece, run_id, Path(plot_path)))
    return result


def reliability_plot(bins: list[dict], ece: float, run_id: int, path: Path) -> Path:
    """Confidence against accuracy per bin, with the diagonal of perfect calibration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=120)
    ax.plot([0, 1], [0, 1], "--", color="grey", linewidth=1, label="perfect calibration")
    if bins:
        ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], "o-",
                color="#1f77b4", label="run")
        for b in bins:
            ax.annotate(str(b["n"]), (b["confidence"], b["accuracy"]), fontsize=7,
                        xytext=(3, 3), textcoords="offset points")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence (probability of the label)",
           ylabel="accuracy", title=f"Run {run_id}: reliability (ECE {ece:.3f})")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    from litlab.outputs import output_file

    try:
        with output_file(path) as partial:
            fig.savefig(partial)
    finally:
        plt.close(fig)
    return path
