"""What a systematic review decides against: a question's eligibility criteria, its full-text
exclusion reasons, and the two screening stages.

Criteria are shown beside every record in review mode and given to the LLM with the
question; reasons are the closed list a full-text exclusion must choose from, so that the
PRISMA diagram can count exclusions by reason without free-text variants of one reason.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from litlab.errors import LitlabError
from litlab.review.labels import normalise_question

TITLE_ABSTRACT, FULL_TEXT = "title_abstract", "full_text"
STAGES = (TITLE_ABSTRACT, FULL_TEXT)
_STAGE_NAMES = {"title_abstract": TITLE_ABSTRACT, "title-abstract": TITLE_ABSTRACT,
                "ta": TITLE_ABSTRACT, "abstract": TITLE_ABSTRACT, "full_text": FULL_TEXT,
                "full-text": FULL_TEXT, "fulltext": FULL_TEXT, "ft": FULL_TEXT}
MAX_CRITERIA_CHARS = 20_000
MAX_REASON_CHARS = 120
MAX_REASONS = 30


def check_stage(stage: str | None) -> str:
    """The stored name of a screening stage (title_abstract or full_text); None is the first."""
    if stage is None:
        return TITLE_ABSTRACT
    found = _STAGE_NAMES.get(str(stage).strip().lower())
    if found is None:
        raise LitlabError(f"unknown screening stage {stage!r}: use title-abstract or full-text")
    return found


def _looks_like_a_path(value: str) -> bool:
    return "\n" not in value and len(value) < 300 and (
        value.endswith((".txt", ".md", ".markdown", ".text")) or "/" in value and " " not in value)


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; criteria given as text may be longer than a file name can
    be (ENAMETOOLONG) or hold characters no path may: then it is not a file."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def read_criteria(value: str | Path) -> str:
    """Criteria from a file (UTF-8 text) or given as text; refused when empty, binary or huge."""
    text = str(value)
    path = Path(text)
    if isinstance(value, Path) or _looks_like_a_path(text) or _is_file(path):
        if not _is_file(path):
            raise LitlabError(f"no such criteria file: {path}")
        raw = path.read_bytes()
        if b"\x00" in raw[:65536]:
            raise LitlabError(f"{path} is not a text file (it holds binary data); write the "
                              "criteria as plain text")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LitlabError(f"{path} is not UTF-8 text; save the criteria as UTF-8") from None
        where = str(path)
    else:
        where = "--criteria"
    text = text.strip()
    if not text:
        raise LitlabError(f"{where} is empty: write the eligibility criteria (inclusion and "
                          "exclusion), one per line")
    if len(text) > MAX_CRITERIA_CHARS:
        raise LitlabError(f"{where} has {len(text):,} characters; keep criteria under "
                          f"{MAX_CRITERIA_CHARS:,}")
    if any(not (c.isprintable() or c in "\n\t") for c in text):
        raise LitlabError(f"{where} holds control characters; write the criteria as plain text")
    return text


def parse_reasons(reasons: str | list[str] | tuple[str, ...]) -> list[str]:
    """Exclusion reasons from "a, b, c" or a list: trimmed, distinct (ignoring case), non-empty."""
    items = reasons.split(",") if isinstance(reasons, str) else list(reasons)
    out: list[str] = []
    for item in (" ".join(str(i).split()) for i in items):
        if not item:
            continue
        if len(item) > MAX_REASON_CHARS or not item.isprintable():
            raise LitlabError(f"exclusion reason {item[:40]!r} is not usable: at most "
                              f"{MAX_REASON_CHARS} printable characters")
        if item.lower() not in {o.lower() for o in out}:
            out.append(item)
    if not out:
        raise LitlabError("no exclusion reasons given: --reasons \"wrong population,wrong "
                          "design\"")
    if len(out) > MAX_REASONS:
        raise LitlabError(f"{len(out)} exclusion reasons; keep the list under {MAX_REASONS}")
    return out


def question_settings(con: duckdb.DuckDBPyConnection, question: str) -> dict:
    """The question's criteria and exclusion reasons (None and [] when not set)."""
    question = normalise_question(question)
    row = con.execute("SELECT criteria, exclusion_reasons FROM question_settings "
                      "WHERE question = ?", [question]).fetchone()
    return {"question": question, "criteria": row[0] if row else None,
            "exclusion_reasons": list(row[1] or []) if row else []}


def set_question(con: duckdb.DuckDBPyConnection, question: str, criteria: str | Path | None = None,
                 reasons: str | list[str] | None = None) -> dict:
    """Store criteria and/or exclusion reasons for a question (what is not given is kept)."""
    current = question_settings(con, question)
    text = read_criteria(criteria) if criteria is not None else current["criteria"]
    allowed = parse_reasons(reasons) if reasons is not None else current["exclusion_reasons"]
    con.execute("INSERT OR REPLACE INTO question_settings VALUES (?, ?, ?, ?)",
                [current["question"], text, allowed, datetime.now()])
    return question_settings(con, question)


def check_reason(con: duckdb.DuckDBPyConnection, question: str, stage: str, label: str,
                 reason: str | None) -> str | None:
    """The stored spelling of an exclusion reason. A full-text exclusion needs one of the
    question's reasons; elsewhere a reason is refused (it would be counted nowhere)."""
    reason = " ".join(str(reason).split()) if reason is not None else ""
    if stage != FULL_TEXT or label != "FALSE":
        if reason:
            raise LitlabError("only a full-text exclusion (FALSE at stage full-text) takes an "
                              "exclusion reason")
        return None
    allowed = question_settings(con, question)["exclusion_reasons"]
    if not allowed:
        raise LitlabError("this question has no exclusion reasons yet: set them with `litlab "
                          "review QUESTION --reasons \"wrong population,wrong design\"`")
    by_lower = {a.lower(): a for a in allowed}
    if reason.lower() not in by_lower:
        shown = repr(reason) if reason else "no reason"
        raise LitlabError(f"exclusion reason {shown} is not one of: {'; '.join(allowed)}")
    return by_lower[reason.lower()]
