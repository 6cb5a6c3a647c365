"""Library: upload exports and PDFs, see what was stored, merged, rejected and linked."""
from __future__ import annotations

from pathlib import Path

from litlab.errors import UploadRejected
from litlab.formatting import format_ingest_report
from litlab.ui.context import user_errors
from litlab.ui.follow import follow
from litlab.ui.views import esc, plain, stat_cards
from litlab.uploads import save_uploads


def tables(ctx) -> tuple:
    """Stats cards and the PDFs, duplicates, rejects and imports tables."""
    corpus = ctx.corpus
    stats = corpus.stats()
    documents = corpus.documents()
    documents = documents.assign(path=documents.path.map(lambda p: Path(p).name),
                                 link_score=documents.link_score.round(2)).rename(columns={
        "document_id": "#", "path": "file", "n_pages": "pages", "record_id": "record",
        "link_method": "linked by", "link_score": "score", "n_chunks": "passages"})
    imports = [{"#": i["import_id"], "file": Path(i["file"]).name, "format": i["format"],
                "rows read": i["rows_read"], "stored": i["stored"],
                "duplicates": i["duplicates"], "rejected": i["rejected"],
                "when": i["finished_at"]} for i in stats.get("imports") or []]
    import pandas as pd

    return (stat_cards(stats),
            plain(documents[["#", "file", "status", "pages", "record", "title", "linked by",
                             "score", "passages"]]),
            plain(_named(corpus.duplicates())), plain(_named(corpus.rejects())),
            plain(pd.DataFrame(imports)))


def _named(frame):
    """File names instead of server paths."""
    return frame.assign(file=frame.file.map(lambda p: Path(p).name)) if len(frame) else frame


def build(gr, ctx):
    with gr.Tab("Library"):
        cards = gr.HTML()
        with gr.Row(equal_height=False):
            with gr.Column(scale=2):
                files = gr.File(label=f"Exports (Scopus/WoS CSV, RIS, BibTeX, OpenAlex) and PDFs "
                                      f"— up to {ctx.settings.max_upload_mb} MB each",
                                file_count="multiple", type="filepath", elem_id="ll-upload")
                add = gr.Button("Add to corpus", variant="primary", elem_id="ll-add")
            with gr.Column(scale=3):
                report = gr.Markdown("Upload files, then **Add to corpus**: they are "
                                     "deduplicated against what is here, PDFs are linked to "
                                     "their records, and everything new is indexed.",
                                     elem_id="ll-ingest-report")
        with gr.Accordion("PDFs and the records they are linked to", open=True):
            documents = gr.Dataframe(interactive=False, wrap=True, max_height=420,
                                     elem_id="ll-documents")
        with gr.Accordion("Duplicates merged", open=False):
            duplicates = gr.Dataframe(interactive=False, wrap=True, max_height=420)
        with gr.Accordion("Rejected rows (stored with the reason)", open=False):
            rejects = gr.Dataframe(interactive=False, wrap=True, max_height=420,
                                   elem_id="ll-rejects")
        with gr.Accordion("Imports", open=False):
            imports = gr.Dataframe(interactive=False, wrap=True, max_height=420)
        job = gr.State(None)  # inside the tab: a direct child of gr.Tabs shows as a tab
    outputs = [cards, documents, duplicates, rejects, imports]

    @user_errors
    def start(paths):
        if not paths:
            raise UploadRejected("choose files to upload first")
        result = save_uploads([(Path(p).name, Path(p)) for p in paths], ctx.folder / "uploads",
                              ctx.settings)
        refused = "".join(f"\n- **{esc(name)}** refused: {esc(why)}" for name, why in result.refused)
        if not result.saved:
            return None, "Nothing was added." + refused

        def work(progress, should_stop):
            report = ctx.corpus.ingest(result.saved, progress=progress)
            ctx.corpus.index(progress=progress)
            return report

        submitted = ctx.jobs.submit("ingest", f"add {len(result.saved)} file(s)", work)
        names = ", ".join(p.name for p in result.saved)
        return submitted.job_id, f"Adding {esc(names)} (job #{submitted.job_id})…" + refused

    @user_errors
    def watch(job_id, note, progress=gr.Progress()):
        if job_id is None:
            yield (note, *tables(ctx))
            return
        for update in follow(ctx, job_id, progress, lambda: tables(ctx)):
            yield (note, *update)
        job = ctx.jobs.get(job_id)
        text = format_ingest_report(job.result) if job.result is not None else job.message
        note = note.replace("Adding ", "Added " if job.status == "done" else "Could not add ", 1)
        note = note.replace("…", ".", 1)
        yield (f"{note}\n\n```text\n{text}\n```", *tables(ctx))

    add.click(start, [files], [job, report]).then(
        watch, [job, report], [report, *outputs], concurrency_limit=None)
    return outputs, lambda: tables(ctx)
