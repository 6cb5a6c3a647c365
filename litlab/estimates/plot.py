"""Figures of a share table: a trend (numeric groups such as years: lines with 95% bands, the
naive labels dashed) or a group plot (points with 95% bars). PNG by matplotlib (plotly's PNG
export needs a Chrome download), HTML by plotly."""
from __future__ import annotations

from pathlib import Path

from litlab.errors import LitlabError
from litlab.estimates.report import NAMES

STYLE = {"naive": ("#888888", "dash"), "classical": ("#1f77b4", "dot"),
         "corrected": ("#d62728", "solid")}


def _series(result, role: str) -> tuple[list, list, list, list]:
    rows = [r for r in result.rows if r[role]["estimate"] is not None]
    return ([r["group"] for r in rows], [r[role]["estimate"] for r in rows],
            [r[role]["ci_low"] for r in rows], [r[role]["ci_high"] for r in rows])


def _numeric(result) -> bool:
    try:
        [float(r["group"]) for r in result.rows]
        return len(result.rows) > 1
    except ValueError:
        return False


def _legend(result, role: str) -> str:
    return {"naive": "naive (labels alone)", "classical": "classical (reviewed sample)",
            "corrected": f"corrected ({NAMES[result.corrected]})"}[role]


def write_plot(result, path: Path) -> str:
    """Write the figure to ``path`` (.png or .html) and return the path."""
    if result.kind != "shares":
        raise LitlabError("--plot draws shares (`litlab estimate`), not a regression")
    path = Path(path)
    if path.suffix.lower() not in (".png", ".html"):
        raise LitlabError(f"--plot writes .png or .html, not {path.suffix or 'no suffix'!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    (_html if path.suffix.lower() == ".html" else _png)(result, path)
    return str(path)


def _title(result) -> str:
    f = result.facts
    return (f"Share {f['option']}: {f['question'][:70]}" + (f" by {result.by}" if result.by
                                                              else ""))


def _png(result, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    trend = _numeric(result)
    fig, ax = plt.subplots(figsize=(8, 4.5) if trend else (8, 0.45 * len(result.rows) + 1.6))
    for k, role in enumerate(("naive", "classical", "corrected")):
        colour, dash = STYLE[role]
        groups, mid, low, high = _series(result, role)
        style = {"dash": "--", "dot": ":", "solid": "-"}[dash]
        if trend:
            x = [float(g) for g in groups]
            ax.plot(x, mid, style, color=colour, label=_legend(result, role), marker="o", ms=3)
            if role != "naive":
                ax.fill_between(x, low, high, color=colour, alpha=0.15, lw=0)
        else:
            y = [result.rows.index(next(r for r in result.rows if r["group"] == g)) + (k - 1) * 0.22
                 for g in groups]
            ax.errorbar(mid, y, xerr=[[m - lo for m, lo in zip(mid, low)],
                                      [hi - m for m, hi in zip(mid, high)]],
                        fmt="o", color=colour, label=_legend(result, role), capsize=2)
    if not trend:
        ax.set_yticks(range(len(result.rows)), [r["group"][:40] for r in result.rows])
        ax.invert_yaxis()
        ax.set_xlabel("share (95% interval)")
    else:
        ax.set_xlabel(result.by)
        ax.set_ylabel("share (95% interval)")
    ax.set_title(_title(result), fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _html(result, path: Path) -> None:
    import plotly.graph_objects as go

    trend = _numeric(result)
    fig = go.Figure()
    for role in ("naive", "classical", "corrected"):
        colour, dash = STYLE[role]
        groups, mid, low, high = _series(result, role)
        name = _legend(result, role)
        if trend:
            x = [float(g) for g in groups]
            if role != "naive":
                fig.add_trace(go.Scatter(x=x + x[::-1], y=high + low[::-1], fill="toself",
                                         fillcolor=colour, opacity=0.15, line={"width": 0},
                                         name=f"{name} 95%", hoverinfo="skip"))
            fig.add_trace(go.Scatter(x=x, y=mid, name=name, mode="lines+markers",
                                     line={"color": colour, "dash": dash}))
        else:
            fig.add_trace(go.Scatter(
                x=mid, y=groups, name=name, mode="markers", marker={"color": colour},
                error_x={"type": "data", "symmetric": False,
                         "array": [h - m for m, h in zip(mid, high)],
                         "arrayminus": [m - lo for m, lo in zip(mid, low)]}))
    fig.update_layout(title=_title(result), yaxis_title="share" if trend else None,
                      xaxis_title=result.by if trend else "share (95% interval)")
    fig.write_html(str(path), include_plotlyjs=True)
