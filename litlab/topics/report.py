"""What a topic run reports: the dict behind ``--json`` and the table a researcher reads."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class TopicsReport:
    """A stored topic run and its topics (outliers, topic -1, last)."""

    run: dict
    table: pd.DataFrame
    figures: list[str] = field(default_factory=list)

    @property
    def n_topics(self) -> int:
        return int((self.table.topic_id >= 0).sum())

    @property
    def outlier_share(self) -> float:
        outliers = self.table.loc[self.table.topic_id < 0, "size"].sum()
        return float(outliers / max(self.run["n_records"], 1))

    def to_dict(self) -> dict:
        """What ``litlab topics --json`` prints."""
        run = self.run
        return {
            "run_id": int(run["topic_run_id"]), "n_records": int(run["n_records"]),
            "n_topics": self.n_topics, "outlier_share": round(self.outlier_share, 4),
            "outlier_share_before_reduction": round(run["outliers_before"] / max(run["n_records"], 1), 4),
            "fitted_on": int(run["fitted_on"]), "embedding_model": run["embedding_model"],
            "engine": run["engine"], "parameters": run["parameters"], "versions": run["versions"],
            "seconds": round(float(run["seconds"]), 2), "created_at": run["created_at"],
            "figures": self.figures,
            "topics": [{
                "id": int(t.topic_id), "name": t.name, "name_source": t.name_source,
                "name_model": t.name_model if isinstance(t.name_model, str) else None,
                "size": int(t.size), "share": round(float(t.share), 4),
                "keywords": t.keywords, "keybert": t.keybert,
                "years": _years(t), "peak_year": _int(t.peak_year),
                "representative": [{"record_id": int(i), "title": title} for i, title in
                                   zip(t.representative_ids, t.representative_titles)][:5],
            } for t in self.table.itertuples()],
        }


def format_report(report: TopicsReport, titles: int = 2, width: int = 100) -> str:
    """The topic table: id, size, years active, name, keywords and representative titles."""
    run = report.run
    params = run["parameters"]
    before = run["outliers_before"] / max(run["n_records"], 1)
    fitted = "all" if run["fitted_on"] == run["n_records"] else f"a sample of {run['fitted_on']:,}"
    lines = [
        f"topic run {run['topic_run_id']}: {run['n_records']:,} records, {report.n_topics} topics, "
        f"{report.outlier_share:.1%} outliers" + (f" ({before:.1%} before reduction)"
                                                 if run["outliers_before"] and params.get("reduce_outliers") else ""),
        f"  {run['engine']} fitted on {fitted} ({run['embedding_model']} embeddings), min topic "
        f"size {params['min_topic_size']}, nr_topics {params['nr_topics'] or 'as found'}, "
        f"seed {params['seed']}; {float(run['seconds']):.1f} s",
        "",
        f"{'id':>4} {'size':>6}  {'years':<9}  name",
    ]
    indent = " " * 13
    for t in report.table.itertuples():
        lines.append(f"{t.topic_id:>4} {t.size:>6}  {_years(t) or '-':<9}  {t.name}"
                     + (f"  [{t.name_source}]" if t.name_source != "keywords" else ""))
        if t.topic_id < 0:
            continue
        lines += textwrap.wrap("keywords: " + ", ".join(t.keywords[:8]), width,
                               initial_indent=indent, subsequent_indent=indent + "  ")
        for title in t.representative_titles[:titles]:
            lines.append(indent + "· " + textwrap.shorten(title, width - len(indent) - 2, placeholder="…"))
    if report.figures:
        lines += ["", "figures: " + ", ".join(report.figures)]
    return "\n".join(lines)


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _years(t) -> str | None:
    first, last = _int(t.first_year), _int(t.last_year)
    if first is None:
        return None
    return str(first) if first == last else f"{first}-{last}"
