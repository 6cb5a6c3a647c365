"""The topic figures: document map, topic sizes, topics over time, keywords per topic.

``figures`` returns plotly figures (what a UI shows); ``write_all`` writes each as a
self-contained HTML file (plotly.js inlined: no CDN, the figures open offline) and as PNG.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from litlab.settings import TopicSettings

# Colours by topic id (cycled); outliers are grey. Shared with the PNG versions.
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
           "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363", "#9c9ede", "#cedb9c",
           "#e7cb94", "#e7969c", "#de9ed6"]
OUTLIER_COLOUR = "#c7c7c7"
NAMES = ("map", "sizes", "over_time", "keywords")


def colour(topic_id: int) -> str:
    return OUTLIER_COLOUR if topic_id < 0 else PALETTE[topic_id % len(PALETTE)]


def label(topic) -> str:
    return f"{topic.topic_id}: {topic.name}"


def map_points(points: pd.DataFrame, limit: int, seed: int) -> pd.DataFrame:
    """The points a map draws: all of them, or a seeded sample of ``limit``."""
    if len(points) <= limit:
        return points
    rng = np.random.default_rng(seed)
    return points.iloc[np.sort(rng.choice(len(points), limit, replace=False))]


def counts_per_year(points: pd.DataFrame) -> pd.DataFrame:
    """Records per topic per year (topics as columns, years without records as 0)."""
    dated = points[(points.topic_id >= 0) & points.year.notna() & (points.year > 0)]
    if dated.empty:
        return pd.DataFrame()
    counts = dated.groupby(["year", "topic_id"]).size().unstack(fill_value=0)
    years = range(int(counts.index.min()), int(counts.index.max()) + 1)
    return counts.reindex(years, fill_value=0)


def figures(table: pd.DataFrame, points: pd.DataFrame, settings: TopicSettings) -> dict:
    """The four figures of a run as plotly ``Figure`` objects, by name."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    topics = list(table.itertuples())
    shown = map_points(points, settings.map_points, settings.seed)
    note = "" if len(shown) == len(points) else f" ({len(shown):,} of {len(points):,} shown)"
    doc_map = go.Figure()
    for t in sorted(topics, key=lambda t: t.topic_id >= 0):  # outliers drawn first, underneath
        part = shown[shown.topic_id == t.topic_id]
        hover = [f"{(title or '')[:120]}<br>{int(y) if y > 0 else 'year unknown'} · topic {label(t)[:60]}"
                 for title, y in zip(part.title, part.year.fillna(-1))]
        doc_map.add_trace(go.Scattergl(
            x=part.x, y=part.y, mode="markers", name=label(t)[:50], text=hover,
            hovertemplate="%{text}<extra></extra>",
            marker={"size": 4 if t.topic_id < 0 else 6, "color": colour(t.topic_id),
                    "opacity": 0.5 if t.topic_id < 0 else 0.85}))
    doc_map.update_layout(title=f"Document map: {len(points):,} records, "
                                f"{sum(t.topic_id >= 0 for t in topics)} topics{note}",
                          xaxis={"visible": False}, yaxis={"visible": False},
                          template="plotly_white", height=750)

    by_size = sorted(topics, key=lambda t: t.size)
    sizes = go.Figure(go.Bar(x=[t.size for t in by_size], y=[label(t)[:60] for t in by_size],
                             orientation="h", marker_color=[colour(t.topic_id) for t in by_size]))
    sizes.update_layout(title="Topic sizes (records)", template="plotly_white",
                        height=max(350, 22 * len(by_size) + 120))

    counts = counts_per_year(points)
    over_time = go.Figure()
    for t in topics:
        if t.topic_id >= 0 and t.topic_id in counts.columns:
            over_time.add_trace(go.Scatter(x=list(counts.index), y=counts[t.topic_id].tolist(),
                                           mode="lines+markers", name=label(t)[:50],
                                           line={"color": colour(t.topic_id)}))
    over_time.update_layout(title="Topics over time (records per year)", template="plotly_white",
                            xaxis_title="year", yaxis_title="records", height=550)

    real = [t for t in topics if t.topic_id >= 0]
    columns = 4
    rows = max(1, math.ceil(len(real) / columns))
    keywords = make_subplots(rows=rows, cols=columns, subplot_titles=[label(t)[:40] for t in real],
                             horizontal_spacing=0.12, vertical_spacing=min(0.3 / rows, 0.08))
    for i, t in enumerate(real):
        words, scores = t.keywords[:8][::-1], t.keyword_scores[:8][::-1]
        keywords.add_trace(go.Bar(x=scores, y=words, orientation="h", showlegend=False,
                                  marker_color=colour(t.topic_id)),
                           row=i // columns + 1, col=i % columns + 1)
    keywords.update_layout(title="Keywords per topic (c-TF-IDF)", template="plotly_white",
                           height=max(400, 260 * rows), width=1300)
    keywords.update_annotations(font_size=11)
    return {"map": doc_map, "sizes": sizes, "over_time": over_time, "keywords": keywords}


def write_all(table: pd.DataFrame, points: pd.DataFrame, out: Path,
              settings: TopicSettings) -> list[str]:
    """Write ``topics_<name>.html`` (self-contained) and ``topics_<name>.png`` for each figure."""
    from litlab.topics.png import write_pngs

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, figure in figures(table, points, settings).items():
        path = out / f"topics_{name}.html"
        figure.write_html(path, include_plotlyjs=True, full_html=True)
        written.append(str(path))
    written += write_pngs(table, points, out, settings)
    return written
