"""Filter controls shared by Search and Ask, turned into the same `where` expressions the CLI
takes (``--where``), so both reach DuckDB through the same bound parameters."""
from __future__ import annotations

from litlab.index.filters import parse_where


def build(gr):
    """Year range, document types, PDF, labels and topics; returns the components in order."""
    with gr.Accordion("Filters", open=False):
        with gr.Row():
            year_min = gr.Number(label="From year", precision=0)
            year_max = gr.Number(label="To year", precision=0)
            has_pdf = gr.Radio(["any", "with PDF", "without PDF"], value="any", label="PDF")
        with gr.Row():
            types = gr.Dropdown([], multiselect=True, label="Document type")
            labels = gr.Dropdown([], multiselect=True, label="Label (run=label)")
            topics = gr.Dropdown([], multiselect=True, label="Topic")
    return [year_min, year_max, has_pdf, types, labels, topics]


def choices(ctx) -> tuple:
    """Fresh choices for the dropdowns (types, labels, topics)."""
    import gradio as gr

    found = ctx.corpus.filter_choices()
    return (gr.update(choices=found["types"]), gr.update(choices=found["labels"]),
            gr.update(choices=found["topics"]))


def to_filters(year_min, year_max, has_pdf, types, labels, topics) -> dict:
    """The controls' values as a filters dict (via the CLI's --where syntax)."""
    from litlab.errors import LitlabError

    for year in (year_min, year_max):
        if year and not 1000 <= year <= 2999:
            raise LitlabError(f"{int(year)} is not a year")
    if year_min and year_max and year_min > year_max:
        raise LitlabError(f"the From year ({int(year_min)}) is after the To year "
                          f"({int(year_max)})")
    where = []
    if year_min or year_max:
        where.append(f"year:{int(year_min) if year_min else ''}-{int(year_max) if year_max else ''}")
    if has_pdf in ("with PDF", "without PDF"):
        where.append(f"has_pdf:{'true' if has_pdf == 'with PDF' else 'false'}")
    where += [f"type:{t}" for t in types or []]
    where += [f"label:{pair}" for pair in labels or []]
    filters = parse_where(where)
    if topics:
        filters["topic"] = [int(t.split(":", 1)[0]) for t in topics]
    return filters
