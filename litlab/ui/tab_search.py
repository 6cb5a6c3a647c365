"""Search: query, mode and filters; a selected result opens the record and its PDF page."""
import json

import pandas as pd

from litlab.errors import LitlabError
from litlab.ui import filters_panel, record_panel
from litlab.ui.context import api_errors, user_errors
from litlab.ui.views import results_table


def build(gr, ctx):
    with gr.Tab("Search"):
        with gr.Row(equal_height=True):
            query = gr.Textbox(label="Query", placeholder="e.g. co-citation analysis of Web of "
                               "Science publications", scale=5, elem_id="ll-query")
            mode = gr.Radio(["hybrid", "dense", "bm25"], value="hybrid", label="Mode", scale=2)
            k = gr.Slider(5, 100, value=20, step=5, label="Results", scale=1)
        go = gr.Button("Search", variant="primary", elem_id="ll-search")
        filters = filters_panel.build(gr)
        summary = gr.Markdown(elem_id="ll-search-summary")
        with gr.Row(equal_height=False):
            with gr.Column(scale=5):
                results = gr.Dataframe(results_table(pd.DataFrame()), interactive=False, wrap=True, max_height=640,
                                       elem_id="ll-results", column_widths=[
                                           "7%", "46%", "9%", "20%", "10%", "8%"])
                found = gr.State(None)
            with gr.Column(scale=6):
                card, page, image, record, passage = record_panel.build(gr)

    @user_errors
    def search(text, mode, k, *values):
        if not (text or "").strip():
            raise LitlabError("type a query first")
        filters = filters_panel.to_filters(*values)
        frame = ctx.corpus.search(text, int(k), mode, filters)
        if frame.empty:
            note = ("No record matches these filters." if filters else
                    "No record matches the query.")
        else:
            note = (f"{len(frame)} records, best first ({mode}). Select one to read it.")
        if frame.attrs.get("query_cut"):
            cut = frame.attrs["query_cut"]
            note += (f" The query was cut to its first {cut['used']:,} of {cut['given']:,} "
                     "characters: search cannot use more.")
        return results_table(frame), frame, note

    @user_errors
    def open_record(frame, evt: gr.SelectData):
        if frame is None or evt.index is None:
            return record_panel.show(ctx, None, None, None)
        row = frame.iloc[evt.index[0]]
        return record_panel.show(ctx, int(row.record_id), row.passage, row.page)

    inputs = [query, mode, k, *filters]
    for trigger in (go.click, query.submit):
        trigger(search, inputs, [results, found, summary], concurrency_limit=8, api_name="search_page",
                api_visibility="undocumented")

    results.select(open_record, [found], [card, page, image, record, passage])
    page.change(lambda r, p, s: record_panel.turn_page(ctx, r, p, s), [record, page, passage],
                [image])
    return filters


def register_api(gr, ctx) -> None:
    """The same search for scripts: ``Client(url).predict(q, api_name="/search")``."""

    @api_errors
    def search_api(query: str, mode: str = "hybrid", k: int = 10) -> list[dict]:
        """Search the corpus: the k best records (rank, record_id, title, year, score, page)."""
        frame = ctx.corpus.search(query, k, mode)
        columns = ["rank", "record_id", "title", "year", "score", "page"]
        return json.loads(frame[columns].to_json(orient="records"))

    gr.api(search_api, api_name="search", queue=False)
