"""`litlab review` in the terminal: one article at a time, one key per decision."""
from __future__ import annotations

import sys
import textwrap
from typing import Callable

import click

from litlab.review.session import Proposal, ReviewSession

KEYS = {"t": "TRUE", "f": "FALSE", "u": "UNCLEAR"}
PROMPT = "[t]rue  [f]alse  [u]nclear  [s]kip  [q]uit > "


def highlight(text: str, sentence: str | None) -> str:
    """The abstract with the evidence sentence in bold yellow (when it occurs verbatim)."""
    if not sentence or sentence not in text:
        return text
    return text.replace(sentence, click.style(sentence, fg="yellow", bold=True), 1)


def render(proposal: Proposal, counts: dict, width: int = 100) -> str:
    """One screen: counts, the article, the model's probabilities and why it was chosen."""
    lines = [click.style(f"── reviewed: {counts['TRUE']} TRUE, {counts['FALSE']} FALSE, "
                         f"{counts['UNCLEAR']} UNCLEAR · {counts['left']} left ──", dim=True)]
    lines.append(click.style(f"[{proposal.record_id}] {proposal.title or '(no title)'}", bold=True))
    meta = " | ".join(str(v) for v in (proposal.year, proposal.doi and f"doi:{proposal.doi}") if v)
    if meta:
        lines.append(meta)
    abstract = proposal.abstract or "(no abstract)"
    wrapped = "\n".join(textwrap.wrap(abstract, width)) if not proposal.evidence else abstract
    lines += ["", highlight(wrapped, proposal.evidence), ""]
    if proposal.llm_probabilities:
        lines.append("LLM: " + "  ".join(f"{k} {v:.2f}" for k, v in
                                         proposal.llm_probabilities.items()))
    if proposal.p_true is not None:
        lines.append(f"classifier: P(TRUE) {proposal.p_true:.2f}")
    lines.append(click.style(f"chosen by: {proposal.why}", dim=True))
    return "\n".join(lines)


def read_key() -> str:
    """One key press at a terminal; from a pipe, the next non-blank character (EOF quits)."""
    if sys.stdin.isatty():
        return click.getchar()
    while True:
        char = sys.stdin.read(1)
        if not char:
            return "q"
        if not char.isspace():
            return char


def review_loop(session: ReviewSession, echo: Callable[..., None] = click.echo,
                getchar: Callable[[], str] = read_key) -> dict:
    """Ask until the user quits or nothing is left; every decision is stored at once."""
    stored = {"TRUE": 0, "FALSE": 0, "UNCLEAR": 0, "skipped": 0}
    hinted = False
    while True:
        proposal = session.next()
        if proposal is None:
            echo("Nothing left to review.")
            break
        echo(render(proposal, session.counts()))
        key = ""
        while key not in ("t", "f", "u", "s", "q"):
            echo(PROMPT, nl=False)
            key = (getchar() or "").strip().lower()[:1]
            echo(key)
        if key == "q":
            break
        if key == "s":
            session.skip(proposal.record_id)
            stored["skipped"] += 1
            continue
        session.decide(proposal.record_id, KEYS[key])
        stored[KEYS[key]] += 1
        hint = session.hint()
        if hint.stop and not hinted:  # said once; the user decides
            echo(click.style(hint.message, fg="cyan"))
            hinted = True
    counts = session.counts()
    echo(f"stored this session: {stored['TRUE']} TRUE, {stored['FALSE']} FALSE, "
         f"{stored['UNCLEAR']} UNCLEAR ({stored['skipped']} skipped); in all {counts['TRUE']} TRUE, "
         f"{counts['FALSE']} FALSE. `litlab label QUESTION --from-reviews` labels the rest.")
    return {"session": stored, "total": counts, "hint": session.hint().message}
