"""Ask: questions across the corpus, answered with numbered citations to records and pages."""
import pandas as pd

from litlab.ui import filters_panel, record_panel
from litlab.ui.context import user_errors
from litlab.ui.views import answer_markdown, sources_table


def build(gr, ctx):
    with gr.Tab("Ask"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=5):
                chat = gr.Chatbot(label="Answers (from your corpus only)", height=420,
                                  elem_id="ll-chat")
                with gr.Row(equal_height=True):
                    question = gr.Textbox(label="Question", scale=6, elem_id="ll-question",
                                          placeholder="e.g. Which databases do bibliometric "
                                                      "studies use?")
                    k = gr.Slider(2, 10, value=5, step=1, label="Passages", scale=1)
                ask = gr.Button("Ask", variant="primary", elem_id="ll-ask")
                filters = filters_panel.build(gr)
                gr.Markdown("**Passages given to the model** — select one to read it in its "
                            "record; cited ones are marked.")
                sources = gr.Dataframe(pd.DataFrame(columns=["#", "cited", "title", "year",
                                                             "where"]), interactive=False, wrap=True, max_height=360,
                                       elem_id="ll-sources",
                                       column_widths=["7%", "9%", "60%", "9%", "15%"])
                answer = gr.State(None)
            with gr.Column(scale=4):
                card, page, image, record, passage = record_panel.build(gr)

    @user_errors
    def answer_question(text, k, history, *values):
        result = ctx.corpus.ask(text, filters_panel.to_filters(*values), int(k))
        history = (history or []) + [{"role": "user", "content": result.question},
                                     {"role": "assistant", "content": answer_markdown(result)}]
        return history, sources_table(result), result.sources, ""

    @user_errors
    def open_source(found, evt: gr.SelectData):
        if not found or evt.index is None:
            return record_panel.show(ctx, None, None, None)
        source = found[evt.index[0]]
        return record_panel.show(ctx, source["record_id"], source["passage"], source["page"])

    for trigger in (ask.click, question.submit):
        trigger(answer_question, [question, k, chat, *filters], [chat, sources, answer, question],
                api_visibility="undocumented")
    sources.select(open_source, [answer], [card, page, image, record, passage])
    page.change(lambda r, p, s: record_panel.turn_page(ctx, r, p, s), [record, page, passage],
                [image])
    return filters
