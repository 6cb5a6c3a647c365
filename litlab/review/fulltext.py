"""The full-text stage: records included at title and abstract (TRUE or UNCLEAR, not disputed)
are assessed on their full text; an exclusion takes a reason from the question's list.

No classifier here: every record that reaches full text is read, so the order is simply
records with a linked PDF first (they can be assessed now), then the rest (not retrieved).
"""
from __future__ import annotations

import duckdb

from litlab.errors import LitlabError

from litlab.review.criteria import FULL_TEXT, question_settings
from litlab.review.labels import add_review, check_reviewer, current_reviews, normalise_question
from litlab.review.session import Proposal


def sought_for_retrieval(con: duckdb.DuckDBPyConnection, question: str) -> list[int]:
    """Records that go on to full text: included or unclear at title/abstract, not disputed."""
    current = current_reviews(con, question)
    chosen = current[current.label.isin(["TRUE", "UNCLEAR"]) & ~current.disputed]
    return [int(r) for r in chosen.record_id]


class FullTextSession:
    """Full-text assessment of one question by one reviewer (same interface as the
    title/abstract ``ReviewSession``: next, decide, skip, counts, stopping_message)."""

    stage = FULL_TEXT

    def __init__(self, con: duckdb.DuckDBPyConnection, question: str, reviewer: str,
                 source: str = "api"):
        self.con, self.question = con, normalise_question(question)
        self.reviewer, self.source = check_reviewer(reviewer), source
        settings = question_settings(con, self.question)
        self.criteria, self.reasons = settings["criteria"], settings["exclusion_reasons"]
        if not self.reasons:
            raise LitlabError("the full-text stage needs the question's exclusion reasons: "
                              "`litlab review QUESTION --reasons \"wrong population,wrong "
                              "design\"`")
        self.skipped: set[int] = set()

    def _queue(self) -> list[tuple[int, str | None]]:
        """(record, PDF path or None) not yet assessed at full text, PDFs first."""
        done = set(current_reviews(self.con, self.question, FULL_TEXT).record_id.astype(int))
        sought = [r for r in sought_for_retrieval(self.con, self.question) if r not in done]
        pdfs = dict(self.con.execute(
            "SELECT record_id, min(path) FROM documents WHERE record_id IS NOT NULL "
            "GROUP BY record_id").fetchall())
        return sorted(((r, pdfs.get(r)) for r in sought), key=lambda p: (p[1] is None, p[0]))

    def next(self) -> Proposal | None:
        """The next record to assess; None when every record sought has a decision."""
        queue = [(r, p) for r, p in self._queue() if r not in self.skipped]
        if not queue:
            return None
        record_id, pdf = queue[0]
        title, year, doi, abstract = self.con.execute(
            "SELECT title, year, doi, abstract FROM records WHERE record_id = ?",
            [record_id]).fetchone()
        why = (f"full text: {len(queue)} left to assess" +
               ("" if pdf else "; no PDF linked (not retrieved unless you assess it)"))
        return Proposal(record_id, title, year, doi, abstract, None, None, None, why,
                        criteria=self.criteria, stage=FULL_TEXT, pdf=pdf)

    def decide(self, record_id: int, label: str, note: str | None = None,
               reason: str | None = None) -> int:
        """Store a full-text decision; an exclusion (FALSE) needs one of the reasons."""
        review_id = add_review(self.con, self.question, record_id, label, self.reviewer,
                               self.source, note, FULL_TEXT, reason)
        self.skipped.discard(int(record_id))
        return review_id

    def skip(self, record_id: int) -> None:
        """Leave a record for later in this session (nothing is stored)."""
        self.skipped.add(int(record_id))

    def counts(self) -> dict:
        """Full-text decisions so far by label, and how many records are left."""
        current = current_reviews(self.con, self.question, FULL_TEXT)
        labels = current.label.tolist()
        return {"TRUE": labels.count("TRUE"), "FALSE": labels.count("FALSE"),
                "UNCLEAR": labels.count("UNCLEAR"), "left": len(self._queue()),
                "skipped": len(self.skipped), "disputed": int(current.disputed.sum()),
                "validation_left": 0}

    def stopping(self):
        """No stopping rule at full text: every record sought is assessed."""
        return None

    def stopping_message(self) -> str:
        left = self.counts()["left"]
        return f"full text: {left} record{'s' if left != 1 else ''} left to assess"
