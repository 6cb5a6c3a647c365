"""Screening metrics from the order records were screened in, and the recall-curve plot.

Priors are not counted: N and R are the records and relevant records left after them, as in
ASReview's simulation reports. ``found[i]`` is True when the (i+1)-th screened record is relevant.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np


def screened_to_reach(found: np.ndarray, n_relevant: int, recall: float) -> int:
    """How many records were screened when ``recall`` of the relevant ones had been found."""
    needed = math.ceil(recall * n_relevant - 1e-9)
    hits = np.cumsum(found)
    reached = np.flatnonzero(hits >= needed)
    return int(reached[0]) + 1 if len(reached) else len(found)


def loss(found: np.ndarray, n_relevant: int) -> float:
    """ASReview LAB's loss: the area between the perfect recall curve and this one, as a share
    of the area between the perfect and the worst (0 is perfect, lower is better)."""
    n = len(found)
    if not n_relevant or n_relevant >= n:
        return float("nan")
    hits = np.cumsum(found)
    return float((n_relevant * (n - (n_relevant - 1) / 2) - hits.sum())
                 / (n_relevant * (n - n_relevant)))


def screening_metrics(found: np.ndarray, n_relevant: int) -> dict:
    """WSS@95, WSS@100, RRF@10 (= recall after screening 10%), share screened for 95%
    (percent), and ASReview's loss (a fraction)."""
    n = len(found)
    at_95 = screened_to_reach(found, n_relevant, 0.95)
    at_100 = screened_to_reach(found, n_relevant, 1.0)
    tenth = max(1, int(round(0.10 * n)))
    rrf10 = 100.0 * float(np.sum(found[:tenth])) / n_relevant
    return {
        "wss@95": 100.0 * ((n - at_95) / n - 0.05),
        "wss@100": 100.0 * (n - at_100) / n,
        "rrf@10": rrf10,
        "recall@10%": rrf10,
        "screened_for_95%": 100.0 * at_95 / n,
        "screened_for_100%": 100.0 * at_100 / n,
        "loss": loss(found, n_relevant),
    }


def recall_curve(found: np.ndarray, n_relevant: int) -> tuple[np.ndarray, np.ndarray]:
    """(share screened, recall), both in percent, starting at (0, 0)."""
    n = len(found)
    x = np.arange(n + 1) * 100.0 / n
    y = np.concatenate([[0.0], np.cumsum(found) * 100.0 / n_relevant])
    return x, y


def plot_recall(curves: list[np.ndarray], n_relevant: int, title: str, path: Path,
                summary: dict | None = None) -> Path:
    """One line per repetition, the random-screening diagonal and the perfect curve; PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5), dpi=120)
    for i, found in enumerate(curves):
        x, y = recall_curve(found, n_relevant)
        ax.plot(x, y, linewidth=1.2, alpha=0.8, label=f"repetition {i + 1}" if len(curves) <= 8
                else None)
    n = len(curves[0])
    ax.plot([0, 100], [0, 100], "--", color="grey", linewidth=1, label="random screening")
    ax.plot([0, 100 * n_relevant / n, 100], [0, 100, 100], ":", color="black", linewidth=1,
            label="perfect")
    ax.axhline(95, color="#d62728", linewidth=0.7, alpha=0.6)
    if summary:
        ax.text(98, 5, f"WSS@95 {summary['wss@95']:.1f}%   RRF@10 {summary['rrf@10']:.1f}%",
                ha="right", fontsize=8)
    ax.set(xlim=(0, 100), ylim=(0, 101), xlabel="records screened (%)",
           ylabel="relevant records found (%)", title=title)
    ax.legend(loc="center right", fontsize=7)
    fig.tight_layout()
    from litlab.outputs import output_file

    path = Path(path)
    try:
        with output_file(path) as partial:
            fig.savefig(partial)
    finally:
        plt.close(fig)
    return path
