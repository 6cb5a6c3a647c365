"""The PRISMA 2020 flow counts of one question, each from a query in ``queries``, and what is
still missing for a complete diagram."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from litlab.errors import LitlabError
from litlab.prisma import queries
from litlab.review.labels import LABELS, normalise_question, question_options


@dataclass
class PrismaCounts:
    """Every box of the diagram; ``missing`` says which stages have no data yet."""

    question: str
    by_source: list[dict]  # [{source, n}] records identified per export file
    counts: dict[str, int]  # name -> n, names as in ``queries.SCALARS``
    reasons: list[dict]  # [{reason, n}] full-text exclusions per reason
    allowed_reasons: list[str]
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    def to_dict(self, with_sql: bool = True) -> dict:
        data = asdict(self)
        if with_sql:
            data["queries"] = queries.all_queries()
            data["query_parameter"] = {"question": self.question}
        return data

    def table(self) -> pd.DataFrame:
        """One row per number (box, n, query name): the CSV and the UI's table."""
        rows = [{"box": f"identified from {Path(s['source']).name}", "n": s["n"],
                 "query": "identified_by_source"} for s in self.by_source]
        rows += [{"box": what, "n": self.counts[name], "query": name}
                 for name, (what, _) in queries.SCALARS.items()]
        rows += [{"box": f"excluded at full text: {r['reason']}", "n": r["n"],
                  "query": "excluded_full_text_by_reason"} for r in self.reasons]
        return pd.DataFrame(rows, columns=["box", "n", "query"])


def require_stages(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse, in one line, a corpus from before screening stages (opened read-only, so not
    upgraded): its reviews have no stage to count by."""
    if not con.execute("SELECT count(*) FROM information_schema.tables "
                       "WHERE table_name = 'question_settings'").fetchone()[0]:
        raise LitlabError("this corpus was written by an older litlab and is open read-only: "
                          "run any writing command on it once (e.g. `litlab ingest` of a file "
                          "already in it, which changes nothing else) to upgrade it")


def _run(con: duckdb.DuckDBPyConnection, sql: str, question: str) -> list[tuple]:
    return con.execute(sql, {"question": question} if "$question" in sql else None).fetchall()


def prisma_counts(con: duckdb.DuckDBPyConnection, question: str) -> PrismaCounts:
    """The counts of the PRISMA 2020 flow diagram for new reviews, for one question."""
    from litlab.review.criteria import question_settings

    question = normalise_question(question)
    require_stages(con)
    options = question_options(con, question)
    if not set(options) <= set(LABELS):
        raise LitlabError(f"a PRISMA diagram needs a TRUE/FALSE question (include/exclude); "
                          f"this one's answers are {', '.join(options)}")
    by_source = [{"source": s, "n": n} for s, n in _run(con, queries.IDENTIFIED_BY_SOURCE,
                                                        question)]
    counts = {name: int(_run(con, sql, question)[0][0])
              for name, (_, sql) in queries.SCALARS.items()}
    reasons = [{"reason": r, "n": n} for r, n in _run(con, queries.REASONS, question)]
    result = PrismaCounts(question, by_source, counts, reasons,
                          question_settings(con, question)["exclusion_reasons"])
    result.missing, result.notes = _missing(result)
    return result


def _missing(c: PrismaCounts) -> tuple[list[str], list[str]]:
    """What the diagram cannot show yet (with the command that fills it), and notes."""
    n, q = c.counts, c.question
    missing, notes = [], []
    if not c.by_source:
        missing.append("identification: no export file ingested yet (`litlab ingest FILE`)")
    if n["screened"] == 0:
        missing.append(f"screening: no title/abstract decision for this question yet "
                       f"(`litlab review \"{q}\" --mode relevant`)")
    elif n["not_screened"]:
        notes.append(f"{n['not_screened']} records were not screened (shown as removed before "
                     "screening: the stopping rule or screening still under way)")
    if n["disputed_screening"]:
        missing.append(f"screening: {n['disputed_screening']} records are disputed; settle them "
                       f"(`litlab review \"{q}\" --mode disagreements`)")
    if n["sought"] and n["assessed"] == 0:
        missing.append(f"full text: no full-text assessment yet (`litlab review \"{q}\" "
                       "--stage full-text`)")
    elif n["awaiting_assessment"]:
        missing.append(f"full text: {n['awaiting_assessment']} retrieved reports are not "
                       "assessed yet")
    if n["unresolved_full_text"]:
        missing.append(f"full text: {n['unresolved_full_text']} reports are UNCLEAR or disputed")
    if n["sought"] and not c.allowed_reasons:
        missing.append(f"full text: no exclusion reasons set (`litlab review \"{q}\" --reasons "
                       "\"wrong population,wrong design\"`)")
    if n["unreadable_rows"]:
        notes.append(f"{n['unreadable_rows']} rows of the exports could not be read and are "
                     "not counted as records (`litlab info` lists them)")
    return missing, notes


def included_records(con: duckdb.DuckDBPyConnection, question: str) -> tuple[list[int], str]:
    """(record ids, stage): the studies included at full text once the question has any
    full-text decision, else the records included at title and abstract."""
    question = normalise_question(question)
    require_stages(con)
    has_full_text = _run(con, "SELECT count(*) FROM reviews WHERE question = $question AND "
                              "stage = 'full_text'", question)[0][0]
    stage, sql = (("full_text", queries.INCLUDED_FULL_TEXT) if has_full_text else
                  ("title_abstract", queries.INCLUDED_SCREENING))
    ids = sorted(int(r) for (r,) in _run(con, sql, question))
    if not ids:
        raise LitlabError(f"no record is included for {question!r} yet (stage {stage}): "
                          "screen first (`litlab review QUESTION`)")
    return ids, stage
