"""Export: the labeled table in a chosen format, with the runs' provenance."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from litlab.labeling.export import FORMATS, unusable_note
from litlab.ui.context import user_errors
from litlab.ui.views import plain


def preview_frame(table):
    """Record, title and each run's label: the part of the export a reader checks first."""
    import pandas as pd

    if table is None:
        return pd.DataFrame(columns=["record_id", "title", "label"])
    labels = [c for c in table.columns if c.endswith(":label")]
    return plain(table[["record_id", "title", *labels]].head(20))


def run_choices(ctx) -> list[str]:
    runs = ctx.corpus.runs()
    return [f"{r.run_id}: {r.question} ({r.model_id})" for r in runs.itertuples()]


def build(gr, ctx):
    with gr.Tab("Export"):
        gr.Markdown("The labeled table: every record with each run's label, probabilities, "
                    "evidence and page, plus a sheet (or sidecar JSON) describing the runs "
                    "— model, weights hash, prompt, parameters — for a methods section.")
        with gr.Row(equal_height=True):
            fmt = gr.Radio([f.lstrip(".") for f in FORMATS], value="xlsx", label="Format",
                           elem_id="ll-format")
            runs = gr.Dropdown([], multiselect=True, label="Runs (none chosen: the latest of "
                               "each question and model)", elem_id="ll-export-runs")
        go = gr.Button("Export", variant="primary", elem_id="ll-export")
        summary = gr.Markdown()
        download = gr.File(label="Download", interactive=False, elem_id="ll-download",
                           file_count="multiple")
        preview = gr.Dataframe(label="The first rows (record, title, and each run's label)",
                               interactive=False, wrap=True, max_height=420,
                               value=preview_frame(None))

    @user_errors
    def export(fmt, chosen):
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = ctx.folder / "exports" / f"labels-{stamp}.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        run_ids = [int(c.split(":", 1)[0]) for c in chosen or []] or None
        result = ctx.corpus.export(path, run_ids)
        table, _ = ctx.corpus.labeled_table(run_ids)
        files = [str(path)]
        sidecar = Path(str(path) + ".provenance.json")
        if sidecar.exists():
            files.append(str(sidecar))
        return (f"**{result['rows']:,} records**, runs {', '.join(map(str, result['runs']))} "
                f"→ `{path.name}`" + (" and the runs' provenance (JSON)" if len(files) > 1
                                     else " (provenance in its sheet)")
                + (f"\n\n**Warning:** {unusable_note(result)}" if unusable_note(result) else ""),
                files, preview_frame(table))

    go.click(export, [fmt, runs], [summary, download, preview])
    return [runs], lambda: gr.update(choices=run_choices(ctx))
