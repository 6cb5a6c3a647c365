"""Review mode: one record at a time, TRUE / FALSE / unclear / skip (keys t, f, u, s), the
classifier retrained after each decision, and a run from the reviews when enough exist."""
from __future__ import annotations

from litlab.errors import LitlabError
from litlab.ui.context import user_errors
from litlab.ui.views import proposal_card

# Pressing these keys outside a text box clicks the review buttons (see app.KEYS_JS).
BUTTONS = {"TRUE": "ll-true", "FALSE": "ll-false", "UNCLEAR": "ll-unclear", "skip": "ll-skip"}


def session_for(ctx, question: str):
    """The live review session of a question (built once: features stay in memory)."""
    key = " ".join(question.split()).lower()
    with ctx.review_lock:
        if key not in ctx.reviews:
            ctx.reviews[key] = ctx.corpus.review_session(question, source="ui")
        return ctx.reviews[key]


def card(session) -> tuple[str, int | None]:
    proposal = session.next()
    return (proposal_card(proposal, session.counts(), session.hint().message),
            None if proposal is None else proposal.record_id)


def build(gr, ctx, question):
    with gr.Accordion("Review labels (keys: t TRUE · f FALSE · u unclear · s skip)", open=True,
                      elem_id="ll-review"):
        with gr.Row(equal_height=True):
            begin = gr.Button("Review this question", elem_id="ll-review-start")
            train = gr.Button("Label all records from my reviews (classifier)")
        shown = gr.HTML("<p class='ll-hint'>Reviews teach the classifier: each decision "
                        "re-ranks what comes next.</p>", elem_id="ll-review-card")
        with gr.Row():
            buttons = {label: gr.Button(label if label != "skip" else "Skip",
                                        elem_id=elem, variant="secondary")
                       for label, elem in BUTTONS.items()}
        outcome = gr.Markdown()
        record = gr.State(None)

    @user_errors
    def start(text):
        if not (text or "").strip():
            raise LitlabError("write the question to review first")
        return card(session_for(ctx, text))

    def decider(label):
        @user_errors
        def decide(text, record_id):
            if record_id is None:
                raise LitlabError("press “Review this question” first")
            session = session_for(ctx, text)
            if label == "skip":
                session.skip(int(record_id))
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

    begin.click(start, [question], [shown, record])
    for label, button in buttons.items():
        button.click(decider(label), [question, record], [shown, record])
    return {"trained": train.click(from_reviews, [question], [outcome])}
