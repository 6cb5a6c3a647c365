"""The PRISMA 2020 flow diagram for new systematic reviews (databases and registers only),
drawn with matplotlib: the template's boxes, arrows and stage bands, filled from the counts.

A stage with no data yet is drawn grey with "n = ?" and the diagram lists what is missing
beneath, so a half-done review still gives a diagram that tells the truth.
"""
from __future__ import annotations

from pathlib import Path

from litlab.errors import LitlabError
from litlab.prisma.counts import PrismaCounts

FORMATS = (".svg", ".png", ".pdf")
LINE = 2.1  # height of one text line, in axis units (the axes span 0..100 horizontally)
PAD = 1.6
LEFT_X, RIGHT_X, BOX_W = 14.0, 60.0, 38.0
BAND_COLOUR, HEAD_COLOUR = "#9dc3e6", "#f4b183"
MISSING_COLOUR = "#eeeeee"


def _short(text: str, width: int = 46) -> str:
    return text if len(text) <= width else text[:width - 1] + "\u2026"


def _n(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def rows(c: PrismaCounts) -> list[tuple[str, list[str], list[str] | None, bool]]:
    """(stage, left box lines, right box lines or None, has data) from top to bottom."""
    n = c.counts
    screened = n["screened"] > 0
    assessed = n["assessed"] > 0
    sources = [f"  {_short(Path(s['source']).name)} (n = {s['n']:,})" for s in c.by_source]
    removed = ["Records removed before screening:",
               f"  Duplicate records removed (n = {n['duplicates_removed']:,})"]
    if screened and n["not_screened"]:
        removed.append(f"  Not screened: stopping rule or not reached (n = {n['not_screened']:,})")
    reasons = [f"  {_short(r['reason'], 40)} (n = {r['n']:,})" for r in c.reasons]
    return [
        ("Identification", ["Records identified from:", *(sources or ["  (no export ingested)"]),
                            f"Total (n = {n['identified']:,})"], removed, bool(c.by_source)),
        ("Screening", ["Records screened", f"(n = {_n(n['screened'] if screened else None)})"],
         ["Records excluded", f"(n = {_n(n['excluded_screening'] if screened else None)})"],
         screened),
        ("Screening", ["Reports sought for retrieval",
                       f"(n = {_n(n['sought'] if screened else None)})"],
         ["Reports not retrieved", f"(n = {_n(n['not_retrieved'] if screened else None)})"],
         screened),
        ("Screening", ["Reports assessed for eligibility",
                       f"(n = {_n(n['assessed'] if assessed else None)})"],
         [f"Reports excluded (n = {_n(n['excluded_full_text'] if assessed else None)})",
          *reasons], assessed),
        ("Included", ["Studies included in review",
                      f"(n = {_n(n['included'] if assessed else None)})"], None, assessed),
    ]


def figure(c: PrismaCounts):
    """The diagram as a matplotlib Figure (no pyplot: no global state, no display)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    layout = rows(c)
    footer = [f"Missing: {m}" for m in c.missing] + [f"Note: {m}" for m in c.notes]
    heights = [max(len(l), len(r or [])) * LINE + 2 * PAD for _, l, r, _ in layout]
    gap, top_band = 4.0, 7.0
    total = top_band + sum(heights) + gap * len(heights) + len(footer) * LINE * 1.1 + 6
    fig = Figure(figsize=(10, 10 * total / 100 * 1.05))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, total)
    ax.axis("off")
    y = total - 1.5
    head = FancyBboxPatch((LEFT_X, y - top_band + 2), RIGHT_X + BOX_W - LEFT_X, top_band - 3,
                          boxstyle="round,pad=0.3", fc=HEAD_COLOUR, ec="none")
    ax.add_patch(head)
    ax.text((LEFT_X + RIGHT_X + BOX_W) / 2, y - top_band / 2 + 0.5,
            "Identification of studies via databases and registers", ha="center",
            va="center", fontsize=11, weight="bold")
    y -= top_band
    boxes = []
    for (stage, left, right, present), height in zip(layout, heights):
        colour = "white" if present else MISSING_COLOUR
        bottom = y - height
        for x, lines in ((LEFT_X, left), (RIGHT_X, right)):
            if lines is None:
                continue
            ax.add_patch(FancyBboxPatch((x, bottom), BOX_W, height, boxstyle="square,pad=0",
                                        fc=colour, ec="black", lw=1))
            centred = x == LEFT_X and stage != "Identification"
            ax.text(x + (BOX_W / 2 if centred else 1.2), y - PAD, "\n".join(lines),
                    ha="center" if centred else "left", va="top", fontsize=8.5,
                    linespacing=1.45, color="black" if present else "#777777")
        boxes.append((stage, bottom, y, right is not None))
        y = bottom - gap
    # Stage bands on the left, one per run of rows with the same stage.
    runs: list[list] = []
    for stage, bottom, top, _ in boxes:
        if runs and runs[-1][0] == stage:
            runs[-1][1] = bottom
        else:
            runs.append([stage, bottom, top])
    for stage, bottom, top in runs:
        ax.add_patch(FancyBboxPatch((2, bottom), 8, top - bottom, boxstyle="round,pad=0.2",
                                    fc=BAND_COLOUR, ec="none"))
        ax.text(6, (bottom + top) / 2, stage, rotation=90, ha="center", va="center",
                fontsize=10, weight="bold")
    arrow = dict(arrowstyle="-|>", mutation_scale=12, lw=1, color="black")
    for (_, bottom, top, has_right), below in zip(boxes, boxes[1:] + [None]):
        middle = (bottom + top) / 2
        if has_right:
            ax.add_patch(FancyArrowPatch((LEFT_X + BOX_W, middle), (RIGHT_X, middle), **arrow))
        if below is not None:
            ax.add_patch(FancyArrowPatch((LEFT_X + BOX_W / 2, bottom),
                                         (LEFT_X + BOX_W / 2, below[2]), **arrow))
    ax.text(LEFT_X, y - 1, "\n".join(footer) if footer else
            f"Question: {_short(c.question, 110)}", ha="left", va="top", fontsize=8,
            color="#a00000" if c.missing else "#444444", linespacing=1.4)
    return fig


def draw(c: PrismaCounts, out: Path) -> Path:
    """Write the diagram to ``out``; the extension (.svg, .png, .pdf) picks the format."""
    out = Path(out)
    if out.suffix.lower() not in FORMATS:
        raise LitlabError(f"cannot draw to {out.suffix or 'a file without extension'}; use "
                          f"{', '.join(FORMATS)}")
    from litlab.outputs import check_output_path, output_file

    check_output_path(out)  # before the figure is drawn
    fig = figure(c)
    with output_file(out) as partial:
        fig.savefig(partial, dpi=150 if out.suffix.lower() == ".png" else None,
                    metadata={"Date": None} if out.suffix.lower() == ".svg" else None)
    return out
