"""PNG versions of the topic figures, drawn with matplotlib.

Why not plotly's own PNG export: it needs kaleido 1.x, which drives a Chrome it downloads on
first use (``plotly_get_chrome``); an offline machine has none, so plotly cannot write PNGs
here. matplotlib draws the same four figures from the same data, with the same colours.
"""
from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pandas as pd

from litlab.settings import TopicSettings
from litlab.topics.figures import colour, counts_per_year, label, map_points

KEYWORD_PANELS = 24  # the largest topics get a panel in the PNG; the HTML has them all


def write_pngs(table: pd.DataFrame, points: pd.DataFrame, out: Path,
               settings: TopicSettings) -> list[str]:
    """``topics_<name>.png`` for the map, sizes, over-time and keyword figures; their paths."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    topics = list(table.itertuples())
    real = [t for t in topics if t.topic_id >= 0]
    paths = []

    def save(fig, name):
        path = out / f"topics_{name}.png"
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        paths.append(str(path))

    shown = map_points(points, settings.map_points, settings.seed)
    fig, ax = plt.subplots(figsize=(11, 8))
    for t in sorted(topics, key=lambda t: t.topic_id >= 0):
        part = shown[shown.topic_id == t.topic_id]
        ax.scatter(part.x, part.y, s=4 if t.topic_id < 0 else 8, c=colour(t.topic_id),
                   alpha=0.5 if t.topic_id < 0 else 0.85, linewidths=0,
                   label=textwrap.shorten(label(t), 45, placeholder="…"))
    for t in real:  # each topic's id at the middle of its points
        part = shown[shown.topic_id == t.topic_id]
        if len(part):
            ax.annotate(str(t.topic_id), (part.x.median(), part.y.median()), fontsize=9,
                        weight="bold", ha="center")
    ax.set_axis_off()
    ax.set_title(f"Document map: {len(points):,} records, {len(real)} topics")
    if len(topics) <= 30:
        ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize=7, markerscale=2, frameon=False)
    save(fig, "map")

    by_size = sorted(topics, key=lambda t: t.size)
    fig, ax = plt.subplots(figsize=(9, max(3, 0.28 * len(by_size) + 1)))
    ax.barh([textwrap.shorten(label(t), 55, placeholder="…") for t in by_size],
            [t.size for t in by_size], color=[colour(t.topic_id) for t in by_size])
    ax.set_xlabel("records")
    ax.set_title("Topic sizes")
    save(fig, "sizes")

    counts = counts_per_year(points)
    fig, ax = plt.subplots(figsize=(11, 6))
    for t in real[:20]:
        if t.topic_id in counts.columns:
            ax.plot(counts.index, counts[t.topic_id], marker="o", markersize=3,
                    color=colour(t.topic_id), label=textwrap.shorten(label(t), 45, placeholder="…"))
    ax.set_xlabel("year")
    ax.set_ylabel("records")
    ax.set_title("Topics over time" + (" (first 20 topics)" if len(real) > 20 else ""))
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize=7, frameon=False)
    save(fig, "over_time")

    panels = sorted(real, key=lambda t: -t.size)[:KEYWORD_PANELS]
    columns = 4
    rows = max(1, math.ceil(len(panels) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(16, 2.6 * rows), squeeze=False)
    for ax in axes.flat:
        ax.set_visible(False)
    for ax, t in zip(axes.flat, panels):
        ax.set_visible(True)
        ax.barh(t.keywords[:8][::-1], t.keyword_scores[:8][::-1], color=colour(t.topic_id))
        ax.set_title(textwrap.shorten(label(t), 40, placeholder="…"), fontsize=9)
        ax.tick_params(labelsize=7)
    fig.suptitle("Keywords per topic (c-TF-IDF)" +
                 (f", largest {KEYWORD_PANELS} topics" if len(real) > KEYWORD_PANELS else ""))
    fig.tight_layout()
    save(fig, "keywords")
    return paths
