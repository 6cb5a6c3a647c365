"""Estimates: a label's share per group, or a regression, three ways with 95% intervals (the
functions `litlab estimate` and `litlab regress` call), with the figure and a methods
paragraph."""
from __future__ import annotations

from datetime import datetime

from litlab.ui.context import user_errors
from litlab.ui.views import plain

GROUPS = ["(none)", "year", "type", "source", "language", "open_access", "topic"]


def question_choices(ctx) -> list[str]:
    runs = ctx.corpus.runs()
    return sorted(set(runs.question)) if len(runs) else []


def build(gr, ctx):
    with gr.Tab("Estimates"):
        gr.Markdown("Labels as data: the share of an option per group, or a regression of the "
                    "label, from the labels alone (naive), the reviewed validation sample alone "
                    "(classical), and corrected by the sample (DSL / PPI++), each with its 95% "
                    "interval. Draw and review a validation sample first (Label tab).")
        with gr.Row(equal_height=True):
            question = gr.Dropdown([], label="Question", allow_custom_value=True,
                                   elem_id="ll-est-question")
            run = gr.Number(None, label="Run (empty: the latest with a sample)", precision=0,
                            elem_id="ll-est-run")
            option = gr.Textbox("TRUE", label="Option", elem_id="ll-est-option")
        with gr.Row(equal_height=True):
            by = gr.Dropdown(GROUPS, value="year", label="Group by", allow_custom_value=True,
                             elem_id="ll-est-by")
            shares = gr.Button("Estimate shares", variant="primary", elem_id="ll-est-go")
        with gr.Row(equal_height=True):
            formula = gr.Textbox("~ I(year - 2015) + open_access", label="Formula (the label "
                                 "is the outcome)", elem_id="ll-est-formula")
            family = gr.Radio(["logistic", "linear"], value="logistic", label="Family")
            fit = gr.Button("Regress", elem_id="ll-est-regress")
        plot = gr.Image(label="Figure", type="filepath", elem_id="ll-est-plot")
        table = gr.Dataframe(label="Every number", interactive=False, wrap=True,
                             max_height=420, elem_id="ll-est-table")
        paragraph = gr.Markdown(elem_id="ll-est-methods")

    def _run_id(value):
        return None if value in (None, "") else int(value)

    @user_errors
    def estimate(text, run_id, opt, group):
        from litlab.estimates.analysis import estimate_shares
        from litlab.estimates.plot import write_plot
        from litlab.estimates.report import methods_paragraph

        result = estimate_shares(ctx.corpus.con, text or "", _run_id(run_id),
                                 None if group in (None, "", "(none)") else group,
                                 opt or "TRUE", skip_empty=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        figure = write_plot(result, ctx.folder / "estimates" / f"shares-{stamp}.png")
        return figure, plain(result.frame()), methods_paragraph(result)

    @user_errors
    def regress(text, run_id, opt, formula_text, fam):
        from litlab.estimates.analysis import regress as fit_model
        from litlab.estimates.report import methods_paragraph

        result = fit_model(ctx.corpus.con, text or "", formula_text or "", fam,
                           _run_id(run_id), opt or "TRUE")
        return None, plain(result.frame()), methods_paragraph(result)

    shares.click(estimate, [question, run, option, by], [plot, table, paragraph])
    fit.click(regress, [question, run, option, formula, family], [plot, table, paragraph])
    return [question], lambda: gr.update(choices=question_choices(ctx))
