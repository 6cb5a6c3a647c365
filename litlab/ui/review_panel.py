"""Review mode: one record at a time, TRUE / FALSE / unclear / skip (keys t, f, u, s), the
classifier retrained after each decision, the stopping rule's verdict under every record,
disagreements to settle, and a run from the reviews when enough exist."""
from __future__ import annotations

from litlab.errors import LitlabError
from litlab.ui.context import user_errors
from litlab.ui.views import proposal_card

# Pressing these keys outside a text box clicks the review buttons (see app.KEYS_JS).
BUTTONS = {"TRUE": "ll-true", "FALSE": "ll-false", "UNCLEAR": "ll-unclear", "skip": "ll-skip"}
MODES = [("Screening: most likely relevant first", "relevant"),
         ("Labeling: where the classifier is least sure", "uncertain"),
         ("Settle disagreements between reviewers", "disagreements")]


STAGES = [("Title and abstract", "title_abstract"), ("Full text (exclusions need a reason)",
                                                      "full_text")]


def session_for(ctx, question: str, reviewer: str, mode: str, stage: str = "title_abstract"):
    """The live review session of a question, reviewer, mode and stage (built once: features
    stay in memory)."""
    from litlab.review.labels import check_reviewer

    reviewer = check_reviewer(reviewer)
    key = (" ".join(question.split()).lower(), reviewer, mode, stage)
    with ctx.review_lock:
        if key not in ctx.reviews:
            ctx.reviews[key] = ctx.corpus.review_session(question, reviewer=reviewer,
                                                         mode=mode, source="ui", stage=stage)
        return ctx.reviews[key]


def card(session) -> tuple[str, int | None]:
    if hasattr(session, "refresh"):
        session.refresh()  # another reviewer or tab may have decided since
    proposal = session.next()
    return (proposal_card(proposal, session.counts(), session.stopping_message()),
            None if proposal is None else proposal.record_id)


def build(gr, ctx, question):
    from litlab.review.settings import default_reviewer

    with gr.Accordion("Review labels (keys: t TRUE · f FALSE · u unclear · s skip)", open=True,
                      elem_id="ll-review"):
        with gr.Row(equal_height=True):
            reviewer = gr.Textbox(label="Reviewer", value=default_reviewer(), scale=1,
                                  elem_id="ll-reviewer")
            mode = gr.Dropdown(MODES, value="relevant", label="Order", scale=2,
                               elem_id="ll-review-mode")
            stage = gr.Dropdown(STAGES, value="title_abstract", label="Stage", scale=1,
                                elem_id="ll-review-stage")
            reason = gr.Dropdown([], label="Exclusion reason (full text)", scale=1,
                                 elem_id="ll-review-reason")
            begin = gr.Button("Review this question", elem_id="ll-review-start", scale=1)
            train = gr.Button("Label all records from my reviews (classifier)", scale=1)
            rules = gr.Button("Every stopping rule", scale=1, elem_id="ll-review-rules")
        shown = gr.HTML("<p class='ll-hint'>Reviews teach the classifier: each decision "
                        "re-ranks what comes next. A run's validation sample comes first, "
                        "with the model's label hidden.</p>", elem_id="ll-review-card")
        with gr.Row():
            buttons = {label: gr.Button(label if label != "skip" else "Skip",
                                        elem_id=elem, variant="secondary")
                       for label, elem in BUTTONS.items()}
        outcome = gr.Markdown()
        record = gr.State(None)

    @user_errors
    def start(text, who, order, step):
        if not (text or "").strip():
            raise LitlabError("write the question to review first")
        reasons = ctx.corpus.question_settings(text)["exclusion_reasons"]
        return (*card(session_for(ctx, text, who, order, step)),
                gr.update(choices=reasons, value=None))

    def decider(label):
        @user_errors
        def decide(text, who, order, step, why, record_id):
            if record_id is None:
                raise LitlabError("press “Review this question” first")
            session = session_for(ctx, text, who, order, step)
            if label == "skip":
                session.skip(int(record_id))
            elif session.stage == "full_text":
                session.decide(int(record_id), label, reason=why if label == "FALSE" else None)
            else:
                session.decide(int(record_id), label)
            return card(session)
        return decide

    @user_errors
    def from_reviews(text):
        run = ctx.corpus.label_from_reviews(text)
        return (f"Classifier run **{run.run_id}**, trained on {run.reviewed} reviews, labeled "
                f"{run.labeled:,} records ({run.predicted_true:,} TRUE); it is in the runs "
                "table and the export.")

    @user_errors
    def every_rule(text, who, order, step):
        session = session_for(ctx, text, who, order, step)
        if session.stage == "full_text":
            return "The stopping rules read the title/abstract stage."
        return "\n".join(f"- {line}" for line in
                         session.stopping_message(every_rule=True).splitlines())

    begin.click(start, [question, reviewer, mode, stage], [shown, record, reason])
    rules.click(every_rule, [question, reviewer, mode, stage], [outcome])
    for label, button in buttons.items():
        button.click(decider(label), [question, reviewer, mode, stage, reason, record],
                     [shown, record])
    return {"trained": train.click(from_reviews, [question], [outcome])}
