"""HTML and tables the tabs show, built from library results (no gradio here: testable alone)."""
from __future__ import annotations

import html
import re

import pandas as pd

from litlab.records import passage_pieces


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists and arrays in cells as text: a table cell shows text, and gradio compares cells."""
    import numpy as np

    def text(value):
        if isinstance(value, (list, tuple, np.ndarray)):
            return "; ".join(map(str, value))
        if isinstance(value, dict):
            return "; ".join(f"{k}: {v}" for k, v in value.items())
        return value

    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(text)
    return frame


def stat_cards(stats: dict) -> str:
    """The corpus at a glance: a row of numbers."""
    documents = stats.get("documents") or {}
    years = [y["year"] for y in stats.get("years") or [] if y.get("year")]
    cards = [("records", stats.get("records", 0)),
             ("with abstract", stats.get("with_abstract", 0)),
             ("with DOI", stats.get("with_doi", 0)),
             ("PDFs", documents.get("total", 0)),
             ("PDFs linked", documents.get("linked", 0)),
             ("duplicates merged", stats.get("duplicates", 0)),
             ("rows rejected", stats.get("rejected", 0))]
    if years:
        cards.append(("years", f"{min(years)}–{max(years)}"))
    return "<div class='ll-cards'>" + "".join(
        f"<div class='ll-card'><div class='ll-num'>{esc(f'{v:,}' if isinstance(v, int) else v)}"
        f"</div><div class='ll-lbl'>{esc(k)}</div></div>" for k, v in cards) + "</div>"


_MARKUP = {"&lt;inf&gt;": "<sub>", "&lt;/inf&gt;": "</sub>", "&lt;sup&gt;": "<sup>",
           "&lt;/sup&gt;": "</sup>", "&lt;sub&gt;": "<sub>", "&lt;/sub&gt;": "</sub>"}


def esc_markup(value) -> str:
    """Escaped text, with Scopus' <inf>/<sup> markup shown as sub- and superscripts."""
    out = esc(value)
    for tag, html_tag in _MARKUP.items():
        out = out.replace(tag, html_tag)
    return out


def highlight(text: str | None, passage: str | None) -> str:
    """Escaped text with the pieces of ``passage`` it contains marked (not when the passage
    is the whole text: marking everything marks nothing)."""
    out = esc_markup(text)
    if not isinstance(passage, str) or not isinstance(text, str) or len(passage) >= 0.8 * len(text):
        return out
    for piece in sorted(passage_pieces(passage or ""), key=len, reverse=True):
        piece_html = esc(piece)
        if piece_html and piece_html in out:
            out = out.replace(piece_html, f"<mark>{piece_html}</mark>")
    return out


def record_card(detail: dict, passage: str | None = None, page: int | None = None) -> str:
    """A record as a reader wants it, the matched passage marked where the abstract has it."""
    authors = "; ".join(detail.get("authors") or []) or "no authors listed"
    doi = detail.get("doi")
    link = (f" · <a href='https://doi.org/{esc(doi)}' target='_blank' rel='noopener'>"
            f"doi:{esc(doi)}</a>") if doi else ""
    keywords = "; ".join(detail.get("author_keywords") or [])
    parts = [f"<div class='ll-record'><h3>{esc_markup(detail.get('title') or '(no title)')}</h3>",
             f"<p class='ll-meta'>{esc(authors)} ({esc(detail.get('year') or 'n.d.')}). "
             f"<i>{esc(detail.get('source_title') or '')}</i>{link} · record "
             f"{detail['record_id']}</p>"]
    if keywords:
        parts.append(f"<p class='ll-meta'>Keywords: {esc(keywords)}</p>")
    parts.append(f"<p>{highlight(detail.get('abstract') or '(no abstract)', passage)}</p>")
    if passage:
        where = f" (PDF page {page})" if page else " (abstract)"
        parts.append(f"<blockquote class='ll-passage'><b>Matched passage{where}:</b> "
                     f"{esc(passage)}</blockquote>")
    documents = detail.get("documents") or []
    if documents:
        parts.append("<p class='ll-meta'>PDF: " + "; ".join(
            f"{esc(d['path'].rsplit('/', 1)[-1])} ({d['n_pages'] or 0} pages, {esc(d['status'])})"
            for d in documents) + "</p>")
    else:
        parts.append("<p class='ll-meta'>No PDF linked to this record.</p>")
    return "".join(parts) + "</div>"


def results_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Search results as shown: rank, title, year, source, where the passage is, score."""
    columns = ["#", "title", "year", "source", "where", "relevance"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    shown = frame.assign(**{"#": frame["rank"], "source": frame.source_title.fillna(""),
                            "where": frame.page.map(lambda p: "abstract" if pd.isna(p)
                                                    else f"PDF p. {int(p)}"),
                            "relevance": frame.score.round(4)})
    return shown[columns]


_CITE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def answer_markdown(answer) -> str:
    """The answer, then what the checks found: uncited sentences, citations that resolve."""
    lines = [answer.answer or "(the model gave no answer)", ""]
    if answer.citations:
        lines.append("**Citations:**")
        seen = {}
        for c in answer.citations:
            seen.setdefault(c["n"], []).append(c)
        for n, group in seen.items():
            c = group[0]
            where = f", p. {c['page']}" if c.get("page") else ", abstract"
            check = "" if c.get("verified") else " — passage not found in the corpus"
            attributed = [g for g in group if g.get("by") == "similarity"]
            how = (" — *not cited by the model: the passage most similar to "
                   + "; ".join(f"“{g['sentence']}” ({g['similarity']:.2f})" for g in attributed)
                   + "*") if attributed else ""
            lines.append(f"- [{n}] {c['title']} ({c['year'] or 'n.d.'}){where}{check}{how}")
    else:
        lines.append("**No citations:** nothing in this answer is tied to a source; "
                     "check it against the passages below.")
    if answer.citations and answer.uncited_sentences:
        lines.append(f"**Uncited:** {len(answer.uncited_sentences)} sentence(s) carry no "
                     "citation.")
    if answer.invalid_citations:
        lines.append(f"**Cited numbers with no source:** {answer.invalid_citations}")
    lines.append(f"<sub>{answer.model_id} · {answer.seconds:.1f} s · answer "
                 f"#{answer.answer_id}</sub>")
    return "\n\n".join(lines)


def sources_table(answer) -> pd.DataFrame:
    """The passages the model was given, with whether the answer cites each."""
    cited = {c["n"]: c.get("by", "model") for c in answer.citations}
    rows = [{"#": s["n"], "cited": {"model": "yes", "similarity": "by similarity"}.get(
                 cited.get(s["n"]), ""), "title": s["title"],
             "year": s["year"], "where": "abstract" if s.get("page") in (None, "")
             else f"PDF p. {s['page']}"} for s in answer.sources]
    return pd.DataFrame(rows, columns=["#", "cited", "title", "year", "where"])


def labels_view(frame: pd.DataFrame) -> pd.DataFrame:
    """A run's labels as shown: label, its probability, evidence and page."""
    columns = ["record", "title", "label", "confidence", "evidence", "page"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    shown = frame.assign(record=frame.record_id, confidence=frame.confidence.round(3),
                         page=frame.page.map(lambda p: "" if pd.isna(p) else int(p)),
                         evidence=frame.evidence.fillna(""))
    return shown[columns]


def runs_view(frame: pd.DataFrame, running_runs: set[int]) -> pd.DataFrame:
    """Runs as shown; a run marked running that no job of this process runs was cut short."""
    columns = ["run", "question", "options", "model", "status", "labeled", "started"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    status = [("interrupted: resume it" if s == "running" and r not in running_runs else s)
              for r, s in zip(frame.run_id, frame.status)]
    shown = frame.assign(run=frame.run_id, options=frame.options.map(", ".join),
                         model=frame.model_id.str.split(" ").str[0].str.split("/").str[-1],
                         status=status,
                         labeled=[f"{a:,}/{b:,}" for a, b in zip(frame.labeled, frame.records)],
                         started=frame.started_at.astype(str).str.slice(0, 16))
    return shown[columns].sort_values("run", ascending=False)


def proposal_card(proposal, counts: dict, hint: str) -> str:
    """The record to review next: what the LLM said, what the classifier thinks, why it came."""
    if proposal is None:
        return f"<div class='ll-record'><h3>Nothing left to review</h3><p>{esc(hint)}</p></div>"
    llm = ""
    if proposal.llm_probabilities:
        llm = "LLM: " + ", ".join(f"{esc(k)} {v:.2f}" for k, v in
                                  proposal.llm_probabilities.items())
    classifier = ("" if proposal.score is None else
                  f" · classifier score {proposal.score:+.2f} (above 0 leans TRUE)")
    evidence = (f"<blockquote class='ll-passage'><b>Evidence:</b> {esc(proposal.evidence)}"
                "</blockquote>") if proposal.evidence else ""
    tally = (f"Reviewed: {counts['TRUE']} TRUE · {counts['FALSE']} FALSE · "
             f"{counts['UNCLEAR']} unclear · {counts['left']:,} left")
    return (f"<div class='ll-record'><p class='ll-meta'>{esc(tally)}</p>"
            f"<h3>{esc_markup(proposal.title or '(no title)')}</h3>"
            f"<p class='ll-meta'>{esc(proposal.year or 'n.d.')} · record {proposal.record_id}"
            f"{' · doi:' + esc(proposal.doi) if proposal.doi else ''}</p>"
            f"<p>{highlight(proposal.abstract or '(no abstract)', proposal.evidence)}</p>"
            f"{evidence}<p class='ll-meta'>{llm}{esc(classifier)} · chosen by {esc(proposal.why)}"
            f"</p><p class='ll-meta'>{esc(hint)}</p>{_full_text(proposal)}"
            f"{criteria_block(proposal.criteria)}</div>")


def _full_text(proposal) -> str:
    if getattr(proposal, "stage", None) != "full_text":
        return ""
    return (f"<p class='ll-meta'>Full text: {esc(proposal.pdf)}</p>" if proposal.pdf else
            "<p class='ll-meta'><b>Full text: no PDF linked</b></p>")


def criteria_block(criteria: str | None) -> str:
    """The question's eligibility criteria beside the record (open: they are read each time)."""
    if not criteria:
        return ""
    return ("<details open class='ll-criteria'><summary><b>Eligibility criteria</b></summary>"
            f"<div style='white-space: pre-wrap'>{esc(criteria)}</div></details>")
