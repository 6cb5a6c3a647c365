"""The systematic-review part of the ``Corpus``: criteria and exclusion reasons per question,
the PRISMA 2020 flow diagram, and the files ASReview LAB reads and writes. A mixin so that
``corpus.py`` stays one screen of entry points per subject."""
from __future__ import annotations

from pathlib import Path


class SystematicReview:
    """Methods of ``Corpus`` (which provides ``con`` and ``settings``)."""

    def set_question(self, question: str, criteria: str | Path | None = None,
                     reasons: str | list[str] | None = None) -> dict:
        """Attach eligibility criteria (a text file or the text) and/or the full-text
        exclusion reasons to a question; what is not given is kept."""
        from litlab.review import service

        return service.set_question(self.con, question, criteria, reasons)

    def question_settings(self, question: str) -> dict:
        """A question's eligibility criteria and exclusion reasons."""
        from litlab.review.criteria import question_settings

        return question_settings(self.con, question)

    def prisma(self, question: str):
        """The PRISMA 2020 flow counts of a question (``.to_dict()``, ``.table()``,
        ``.missing``), each the result of a query in ``litlab.prisma.queries``."""
        from litlab.prisma.counts import prisma_counts

        return prisma_counts(self.con, question)

    def prisma_diagram(self, question: str, out: str | Path) -> dict:
        """Draw the PRISMA 2020 flow diagram to ``out`` (.svg, .png or .pdf); returns the
        path, the counts and what is missing."""
        from litlab.prisma.diagram import draw

        counts = self.prisma(question)
        draw(counts, Path(out))
        return {"path": str(out), **counts.to_dict()}

    def export_asreview(self, question: str, path: str | Path) -> dict:
        """The screening state in the CSV layout ASReview LAB imports (label_included 1/0,
        empty when not screened)."""
        from litlab.prisma.asreview import export_asreview

        return export_asreview(self.con, question, Path(path))

    def import_asreview(self, question: str, path: str | Path, reviewer: str | None = None,
                        new_reviewers: tuple[str, ...] = ()):
        """ASReview LAB's exported results stored as title/abstract reviews (records matched
        by DOI, then title); unscreened rows are passed over."""
        from litlab.prisma.asreview import import_asreview

        return import_asreview(self.con, question, Path(path),
                               reviewer or self.settings.review.reviewer, tuple(new_reviewers))

    def import_reviews(self, question: str, path, label_column: str = "label",
                       reviewer: str | None = None, new_reviewers: tuple[str, ...] = ()):
        """Store human labels from a CSV (record_id, doi or title; a label column; optionally
        reviewer) as reviews; rows that cannot be stored are kept with their reason."""
        import dataclasses

        from litlab.review import service

        settings = dataclasses.replace(self.settings.review,
                                       reviewer=reviewer or self.settings.review.reviewer)
        return service.import_reviews(self.con, question, Path(path), settings, label_column,
                                      tuple(new_reviewers))

