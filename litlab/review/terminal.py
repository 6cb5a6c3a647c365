"""`litlab review` in the terminal: one article at a time, one key per decision."""
from __future__ import annotations

import sys
import textwrap
from typing import Callable

import click

from litlab.review.labels import LABELS, question_options
from litlab.review.session import Proposal, ReviewSession
from litlab.terminal import visible

KEYS = {"t": "TRUE", "f": "FALSE", "u": "UNCLEAR"}


def keys_for(options: tuple[str, ...]) -> dict[str, str]:
    """t/f/u for TRUE/FALSE/UNCLEAR questions; 1-9 for a question with other answers."""
    if set(options) <= set(LABELS):
        return {k: v for k, v in KEYS.items() if v in options}
    return {str(i + 1): o for i, o in enumerate(options[:9])}


def prompt(keys: dict[str, str]) -> str:
    shown = "  ".join(f"[{k}]{v[len(k):].lower()}" if v.lower().startswith(k) else f"[{k}] {v}"
                      for k, v in keys.items())
    return f"{shown}  [s]kip  [q]uit > "


def highlight(text: str, sentence: str | None) -> str:
    """The abstract with the evidence sentence in bold yellow (when it occurs verbatim)."""
    if not sentence or sentence not in text:
        return text
    return text.replace(sentence, click.style(sentence, fg="yellow", bold=True), 1)


def render(proposal: Proposal, counts: dict, width: int = 100) -> str:
    """One screen: counts, the article, the model's probabilities and why it was chosen."""
    extra = "".join(f" · {counts[k]} {name}" for k, name in
                    (("validation_left", "in the validation queue"), ("disputed", "disputed"))
                    if counts.get(k))
    lines = [click.style(f"── reviewed: {counts['TRUE']} TRUE, {counts['FALSE']} FALSE, "
                         f"{counts['UNCLEAR']} UNCLEAR · {counts['left']} left{extra} ──",
                         dim=True)]
    # Record text is untrusted: its control characters are shown, never sent raw (the
    # styles below are litlab's own).
    lines.append(click.style(f"[{proposal.record_id}] "
                             f"{visible(proposal.title or '(no title)', one_line=True)}", bold=True))
    meta = " | ".join(visible(v, one_line=True) for v in
                      (proposal.year, proposal.doi and f"doi:{proposal.doi}") if v)
    if meta:
        lines.append(meta)
    if proposal.stage == "full_text":
        lines.append(f"full text: {visible(proposal.pdf, one_line=True)}" if proposal.pdf else
                     click.style("full text: no PDF linked", fg="red"))
    abstract = visible(proposal.abstract or "(no abstract)")
    evidence = visible(proposal.evidence) if proposal.evidence else None
    wrapped = "\n".join(textwrap.wrap(abstract, width)) if not evidence else abstract
    lines += ["", highlight(wrapped, evidence), ""]
    if proposal.decisions:
        lines.append("decisions: " + ", ".join(f"{visible(who, one_line=True)} {label}"
                                               for who, label in proposal.decisions.items()))
    if proposal.llm_probabilities:
        lines.append("LLM: " + "  ".join(f"{k} {v:.2f}" for k, v in
                                         proposal.llm_probabilities.items()))
    if proposal.score is not None:
        lines.append(f"classifier score {proposal.score:+.2f} (above 0 leans TRUE)")
    lines.append(click.style(f"chosen by: {visible(proposal.why)}", dim=True))
    if proposal.criteria:
        lines += ["", click.style("eligibility criteria:", bold=True),
                  *("  " + visible(line) for line in proposal.criteria.splitlines())]
    return "\n".join(lines)


def ask_reason(reasons: list[str], echo, getchar) -> str | None:
    """The exclusion reason for a full-text exclusion, by number; None when the user backs out."""
    menu = "  ".join(f"[{i + 1}] {visible(r, one_line=True)}" for i, r in enumerate(reasons[:9]))
    while True:
        echo(f"reason: {menu}  [b]ack > ", nl=False)
        key = (getchar() or "").strip().lower()[:1]
        echo(visible(key, one_line=True))
        if key in ("b", "q"):
            return None
        if key.isdigit() and 1 <= int(key) <= min(9, len(reasons)):
            return reasons[int(key) - 1]


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
    """Ask until the user quits or nothing is left; every decision is stored at once. After
    each decision the stopping rule's verdict is shown when it changes."""
    keys = keys_for(question_options(session.con, session.question))
    stored = {label: 0 for label in keys.values()} | {"skipped": 0}
    said = None
    while True:
        proposal = session.next()
        if proposal is None:
            echo("Nothing left to review.")
            break
        echo(render(proposal, session.counts()))
        key = ""
        while key not in keys and key not in ("s", "q"):
            echo(visible(prompt(keys), one_line=True), nl=False)
            key = (getchar() or "").strip().lower()[:1]
            echo(visible(key, one_line=True))
        if key == "q":
            break
        if key == "s":
            session.skip(proposal.record_id)
            stored["skipped"] += 1
            continue
        if session.stage == "full_text" and keys[key] == "FALSE":
            reason = ask_reason(session.reasons, echo, getchar)
            if reason is None:
                continue  # the same record is shown again
            session.decide(proposal.record_id, "FALSE", reason=reason)
        else:
            session.decide(proposal.record_id, keys[key])
        stored[keys[key]] += 1
        verdict = session.stopping()
        if verdict is not None and verdict.met != said:
            echo(click.style(verdict.message, fg="cyan" if verdict.met else None))
            said = verdict.met
    counts = session.counts()
    decided = ", ".join(f"{stored[label]} {label}" for label in keys.values())
    echo(f"stored this session: {decided} ({stored['skipped']} skipped); in all "
         f"{counts['TRUE']} TRUE, {counts['FALSE']} FALSE. {session.stopping_message()}")
    return {"session": stored, "total": counts, "stopping": session.stopping_message()}
