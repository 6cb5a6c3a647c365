"""Topics: the document map, topics over time, and the topic table with rename."""
from litlab.errors import LitlabError
from litlab.ui.context import user_errors
from litlab.ui.follow import follow
from litlab.ui.views import plain

HEADERS = {"topic_id": "topic", "first_year": "first", "peak_year": "peak",
           "representative_titles": "representative titles"}
TABLE_COLUMNS = ["topic_id", "name", "size", "first_year", "peak_year", "keywords",
                 "representative_titles"]


def current(ctx) -> tuple:
    """Map, over-time figure, topic table and a heading, or empty ones before any run."""
    import gradio as gr

    import pandas as pd

    try:
        report = ctx.corpus.topic_table()
    except LitlabError:
        return (None, None, pd.DataFrame(columns=TABLE_COLUMNS).rename(columns=HEADERS),
                "No topics yet: press **Find topics** (a minute or two on a few thousand records).")
    figures = ctx.corpus.topic_figures()
    table = report.table.copy()
    table["keywords"] = table.keywords.map(lambda v: ", ".join(v[:8]))
    table["representative_titles"] = table.representative_titles.map(lambda v: " | ".join(v))
    run = report.run
    heading = (f"**Topic run {run.get('topic_run_id', '')}**: {report.n_topics} topics over "
               f"{run.get('n_records', 0):,} records, {report.outlier_share:.0%} outliers.")
    now = ctx.corpus.stats()["records"]
    if now > run.get("n_records", 0):
        heading += (f" The corpus has {now:,} records now: **Find topics** again to include "
                    "them (a new run: new topic numbers, your names stay with this run).")
    shown = [c for c in TABLE_COLUMNS if c in table]
    return (gr.update(value=figures["map"]), gr.update(value=figures["over_time"]),
            plain(table[shown]).rename(columns=HEADERS), heading)


def build(gr, ctx):
    with gr.Tab("Topics"):
        with gr.Row(equal_height=True):
            heading = gr.Markdown(elem_id="ll-topics-heading")
            fit = gr.Button("Find topics", scale=0, min_width=160, elem_id="ll-fit-topics")
        doc_map = gr.Plot(label="Document map", elem_id="ll-topic-map")
        over_time = gr.Plot(label="Topics over time", elem_id="ll-topic-time")
        table = gr.Dataframe(interactive=False, wrap=True, max_height=420,
                             elem_id="ll-topic-table")
        with gr.Row(equal_height=True):
            topic_id = gr.Number(label="Topic (click one in the table)", value=None, precision=0,
                                 scale=1, elem_id="ll-topic-id")
            name = gr.Textbox(label="New name", scale=3, elem_id="ll-topic-name")
            rename = gr.Button("Rename", scale=1, elem_id="ll-rename")
        job = gr.State(None)  # inside the tab: a direct child of gr.Tabs shows as a tab
    outputs = [doc_map, over_time, table, heading]

    @user_errors
    def do_rename(topic, new_name):
        if topic is None or not (new_name or "").strip():
            raise LitlabError("give the topic number and its new name")
        ctx.corpus.rename_topic(int(topic), new_name.strip())
        return current(ctx)

    @user_errors
    def pick(frame, evt: gr.SelectData):
        row = frame.iloc[evt.index[0]]
        return int(row["topic"]), row["name"]

    @user_errors
    def submit():
        return ctx.jobs.submit("topics", "find topics",
                               lambda progress, should_stop: ctx.corpus.topics(),
                               key="topics").job_id

    @user_errors
    def watch(job_id, progress=gr.Progress()):
        yield from follow(ctx, job_id, progress, lambda: current(ctx))

    rename.click(do_rename, [topic_id, name], outputs)
    table.select(pick, [table], [topic_id, name])
    fit.click(submit, None, [job]).then(watch, [job], outputs, concurrency_limit=None)
    return outputs, lambda: current(ctx)
