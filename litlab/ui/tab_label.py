"""Label: define a question, run it in the background with progress, stop, resume, read the
labels with their evidence, and see agreement with the reviews."""
import pandas as pd

from litlab.errors import LitlabError
from litlab.labeling.prompts import DEFAULT_OPTIONS, make_question
from litlab.ui import review_panel
from litlab.ui.context import user_errors
from litlab.ui.follow import follow
from litlab.ui.views import labels_view, plain, runs_view

SCOPES = ["auto", "abstract", "fulltext"]


def _running_runs(ctx, runs) -> set[int]:
    busy = any(j.kind == "label" and j.status == "running" for j in ctx.jobs.jobs())
    return set(runs.run_id[runs.status == "running"]) if busy else set()


def runs_table(ctx):
    runs = ctx.corpus.runs()
    return plain(runs_view(runs, _running_runs(ctx, runs)))


def agreement_line(result: dict) -> str:
    """Accuracy, kappa (with 95% CIs), F1 and ECE of an evaluation, in one line."""
    import math

    ci = result.get("ci", {})

    def interval(name):
        low, high = ci.get(name, (float("nan"), float("nan")))
        return "" if low != low else f" (95% CI {low:.2f}-{high:.2f})"

    f1 = ", ".join(f"{k} {v:.2f}" for k, v in result["f1"].items())
    kappa = ("not defined yet (the reviews need more than one label)"
             if math.isnan(result["kappa"]) else f"**{result['kappa']:.2f}**{interval('kappa')}")
    return (f"accuracy **{result['accuracy']:.2f}**{interval('accuracy')}, Cohen's kappa "
            f"{kappa}, F1 {f1}, calibration error (ECE) {result['ece']:.2f}.")


def run_question(ctx, run_id=None) -> str:
    """The question of a run (the newest by default), for the question box."""
    import gradio as gr

    runs = ctx.corpus.runs()
    if runs.empty:
        return gr.skip()
    run_id = int(run_id) if run_id else int(runs.run_id.max())
    return runs.set_index("run_id").loc[run_id, "question"]


def run_choices(ctx):
    """The runs as dropdown choices: (label, run id), newest first."""
    import gradio as gr

    runs = ctx.corpus.runs().sort_values("run_id", ascending=False)
    return gr.update(choices=[(f"{r.run_id}: {r.question[:60]}", int(r.run_id))
                              for r in runs.itertuples()])


def latest_labels(ctx, run_id=None):
    """The labels of a run (the newest by default) and the heading above them."""
    runs = ctx.corpus.runs()
    if runs.empty:
        return labels_view(pd.DataFrame()), "No runs yet."
    run_id = int(run_id) if run_id else int(runs.run_id.max())
    row = runs[runs.run_id == run_id].iloc[0]
    heading = (f"**Run {run_id}** — {row.question} · {row.model_id} · {row.status} · "
               f"{row.labeled:,} of {row.records:,} labeled")
    return plain(labels_view(ctx.corpus.labels(run_id))), heading


def configured_choice(ctx) -> tuple[str, str]:
    label = ctx.corpus.settings.label
    return f"configured: {label.model} ({label.backend})", ""


def model_choices(ctx):
    """The models `litlab models` lists, as dropdown choices; kept in ``ctx`` so that a
    request can only name one of them (never an address of its own)."""
    import gradio as gr

    found = ctx.corpus.models()
    # Keyed by what the model is, so a list refreshed in another tab cannot change
    # which model a page's choice means.
    ctx.models = {f"{e.backend}|{e.llm}|{e.base_url or ''}": e for e in found
                  if e.scoring != "unknown" or e.source == "ollama"}
    choices = [configured_choice(ctx)] + [
        (f"{e.source}: {e.llm} ({e.backend}{' at ' + e.base_url if e.base_url else ''})", key)
        for key, e in ctx.models.items()]
    return gr.update(choices=choices), f"{len(ctx.models)} models found here."


def chosen_model(ctx, key):
    """The entry of the last Find models for ``key`` (None: the configured model)."""
    if not key:
        return None
    if key not in ctx.models:
        raise LitlabError("that model is not in the list: press Find models again")
    return ctx.models[key]


def build(gr, ctx):
    with gr.Tab("Label"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, elem_classes="ll-panel"):
                question = gr.Textbox(label="Question", elem_id="ll-label-question",
                                      value="Does the article use bibliometric analysis?")
                options = gr.Textbox(label="Options (comma-separated)",
                                     value=", ".join(DEFAULT_OPTIONS))
                with gr.Row():
                    scope = gr.Dropdown(SCOPES, value="auto", label="Text given to the model",
                                        info="auto: the PDF passages when linked, else the "
                                             "abstract")
                    limit = gr.Number(label="Only the first N records (0: all)", value=0,
                                      precision=0, minimum=0, elem_id="ll-limit")
                with gr.Row(equal_height=False):
                    model = gr.Dropdown([configured_choice(ctx)], value="", scale=4,
                                        label="Model", elem_id="ll-model",
                                        info="Find models lists what can label here")
                    find = gr.Button("Find models", size="sm", scale=1, elem_id="ll-find-models")
                with gr.Row():
                    start = gr.Button("Start run", variant="primary", elem_id="ll-start")
                    stop = gr.Button("Stop", variant="stop", elem_id="ll-stop")
                status = gr.Markdown(elem_id="ll-label-status")
            with gr.Column(scale=3):
                runs = gr.Dataframe(interactive=False, wrap=True, max_height=260,
                                    elem_id="ll-runs", column_widths=[
                                        "6%", "32%", "12%", "20%", "11%", "9%", "10%"])
                with gr.Row(equal_height=False):
                    chosen = gr.Dropdown([], label="Run (or click one in the table)",
                                         scale=1, elem_id="ll-run-id")
                    with gr.Column(scale=2):
                        resume = gr.Button("Resume run", size="sm", elem_id="ll-resume")
                        agree = gr.Button("Agreement with reviews", size="sm",
                                          elem_id="ll-agree")
                agreement = gr.Markdown(elem_id="ll-agreement")
                with gr.Accordion("Validate the run: a random sample, reviewed blind, gives "
                                  "estimates a methods section can report", open=False,
                                  elem_id="ll-validation"):
                    with gr.Row(equal_height=True):
                        sample_size = gr.Number(label="Records to draw", value=100, precision=0,
                                                minimum=1, elem_id="ll-sample-size")
                        stratify = gr.Checkbox(label="Equal numbers per label", value=False)
                        draw = gr.Button("Draw the sample", size="sm", elem_id="ll-draw")
                        estimate = gr.Button("Estimates", size="sm", elem_id="ll-estimates")
                    estimates = gr.Markdown(elem_id="ll-estimates-text")
        heading = gr.Markdown(elem_id="ll-run-heading")
        labels = gr.Dataframe(interactive=False, wrap=True, max_height=520,
                              elem_id="ll-labels",
                              column_widths=["7%", "33%", "8%", "9%", "36%", "7%"])
        review_events = review_panel.build(gr, ctx, question)
        job = gr.State(None)  # inside the tab: a direct child of gr.Tabs shows as a tab

    @user_errors
    def submit(text, opts, scope, limit, model_key):
        parsed = make_question(text, opts)  # bad input fails here, before anything is queued
        entry = chosen_model(ctx, model_key)

        def work(progress, should_stop):
            return ctx.corpus.label(parsed.text, list(parsed.options), scope,
                                    limit=int(limit) or None, progress=progress,
                                    should_stop=should_stop, model=entry)

        submitted = ctx.jobs.submit("label", f"label: {parsed.text}", work)
        queued = len(ctx.jobs.active()) > 1
        return submitted.job_id, (f"Job #{submitted.job_id} queued behind the running job; it "
                                  "starts when that one ends." if queued else
                                  f"Job #{submitted.job_id} started. It runs on the server: "
                                  "closing this page does not stop it.")

    @user_errors
    def submit_resume(run_id):
        if not run_id:
            raise LitlabError("choose a run: click it in the table or pick it in the list")
        run_id = int(run_id)
        runs = ctx.corpus.runs().set_index("run_id")
        if run_id in runs.index and runs.loc[run_id, "labeled"] >= runs.loc[run_id, "records"]:
            raise LitlabError(f"run {run_id} is complete: nothing to resume")
        submitted = ctx.jobs.submit(
            "label", f"resume run {run_id}",
            lambda progress, should_stop: ctx.corpus.resume(run_id, progress, should_stop),
            key=f"resume:{run_id}")
        return submitted.job_id, f"Resuming run {run_id} as job #{submitted.job_id}."

    @user_errors
    def watch(job_id, progress=gr.Progress()):
        def render():
            return (runs_table(ctx), *latest_labels(ctx), run_choices(ctx))
        if job_id is None:
            yield render()
            return
        yield from follow(ctx, job_id, progress, render)

    def stop_jobs():
        running = [j for j in ctx.jobs.active() if j.kind == "label"]
        for j in running:
            ctx.jobs.cancel(j.job_id)
        return ("Stopping after the current batch; the run keeps its labels and can be resumed."
                if running else "No label job is running.")

    @user_errors
    def pick(frame, evt: gr.SelectData):
        run_id = int(frame.iloc[evt.index[0]].run)
        return run_id, *latest_labels(ctx, run_id), run_question(ctx, run_id)

    @user_errors
    def choose(run_id):
        if not run_id:
            return gr.skip()
        return (*latest_labels(ctx, run_id), run_question(ctx, run_id))

    @user_errors
    def agreement_text(run_id, text):
        if not run_id:
            raise LitlabError("choose a run: click it in the table or pick it in the list")
        from litlab.review.report import format_agreement, format_disagreements

        result = ctx.corpus.evaluate(int(run_id))
        n = result["n"]
        lines = [f"Run {int(run_id)} against **{n}** reviewed record{'s' if n != 1 else ''} "
                 "(all reviews, not a random sample): " + agreement_line(result)]
        question = run_question(ctx, run_id) if run_id else text
        lines.append(format_agreement(ctx.corpus.reviewer_agreement(question)))
        disputed = ctx.corpus.disagreements(question)
        if len(disputed):
            lines.append(format_disagreements(disputed))
        return "\n\n".join(lines)

    @user_errors
    def draw_sample(run_id, size, equal):
        if not run_id:
            raise LitlabError("choose a run: click it in the table or pick it in the list")
        from litlab.review.report import format_sample

        drawn = ctx.corpus.validate(int(run_id), int(size or 0), stratify=bool(equal))
        return format_sample(drawn.to_dict())

    @user_errors
    def estimates_text(run_id):
        if not run_id:
            raise LitlabError("choose a run: click it in the table or pick it in the list")
        from litlab.labeling.methods import describe_run, methods_paragraph
        from litlab.review.report import format_validation

        result = ctx.corpus.evaluate(int(run_id))
        if not result.get("validation"):
            raise LitlabError(f"run {int(run_id)} has no validation sample yet: draw one")
        text = "\n".join(format_validation(result["validation"]))
        paragraph = methods_paragraph(describe_run(ctx.corpus.con, int(run_id)))
        return f"```\n{text}\n```\n\n**For the methods section:** {paragraph}"

    outputs = [runs, labels, heading, chosen]
    find.click(user_errors(lambda: model_choices(ctx)), None, [model, status])
    start.click(submit, [question, options, scope, limit, model], [job, status]).then(
        watch, [job], outputs, concurrency_limit=None, show_progress_on=[heading])
    resume.click(submit_resume, [chosen], [job, status]).then(
        watch, [job], outputs, concurrency_limit=None, show_progress_on=[heading])
    stop.click(stop_jobs, None, [status])
    runs.select(pick, [runs], [chosen, labels, heading, question])
    chosen.input(choose, [chosen], [labels, heading, question])
    agree.click(agreement_text, [chosen, question], [agreement])
    draw.click(draw_sample, [chosen, sample_size, stratify], [estimates])
    estimate.click(estimates_text, [chosen], [estimates])
    trained = review_events["trained"]
    trained.then(lambda: (runs_table(ctx), *latest_labels(ctx), run_choices(ctx)), None,
                 outputs)
    return [*outputs, question], lambda: (runs_table(ctx), *latest_labels(ctx),
                                          run_choices(ctx), run_question(ctx))
