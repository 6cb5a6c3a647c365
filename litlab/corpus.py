"""The Corpus: the one object the CLI, the UI and Python users all work through."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from litlab.ingest.pipeline import ProgressFactory, ingest
from litlab.ingest.report import IngestReport
from litlab.settings import Settings
from litlab.stats import corpus_stats
from litlab.store import connect


class Corpus:
    """A literature corpus stored in one DuckDB file."""

    def __init__(self, path: str | Path, settings: Settings | None = None,
                 read_only: bool = False):
        self.path = Path(path)
        self.settings = settings or Settings()
        self.con = connect(self.path, read_only=read_only)

    def ingest(self, paths: Iterable[str | Path],
               progress: ProgressFactory | None = None) -> IngestReport:
        """Add export files and PDFs (files or folders); identical inputs change nothing."""
        return ingest(self.con, [Path(p) for p in paths], self.settings.ingest, progress)

    def records(self) -> pd.DataFrame:
        """Every stored record, one row each, list fields as Python lists."""
        return self.con.execute(
            "SELECT * EXCLUDE (raw, title_key) FROM records ORDER BY record_id"
        ).df()

    def documents(self) -> pd.DataFrame:
        """Every PDF with its status and linked record."""
        return self.con.execute(
            "SELECT d.document_id, d.path, d.status, d.error, d.n_pages, d.record_id, "
            "d.link_method, d.link_score, r.title, r.doi, "
            "(SELECT count(*) FROM chunks c WHERE c.document_id = d.document_id) AS n_chunks "
            "FROM documents d LEFT JOIN records r USING (record_id) ORDER BY d.document_id"
        ).df()

    def rejects(self) -> pd.DataFrame:
        """Rows that could not be read, with file, line, reason and raw text."""
        return self.con.execute(
            "SELECT i.file, x.line, x.reason, x.raw FROM rejects x JOIN imports i USING (import_id) "
            "ORDER BY x.import_id, x.line"
        ).df()

    def duplicates(self) -> pd.DataFrame:
        """Rows merged into an existing record, with the reason and the fields they filled."""
        return self.con.execute(
            "SELECT i.file, d.line, d.duplicate_of, r.title, d.reason, d.similarity, d.enriched "
            "FROM duplicates d JOIN imports i USING (import_id) "
            "JOIN records r ON r.record_id = d.duplicate_of ORDER BY d.import_id, d.line"
        ).df()

    def stats(self) -> dict:
        """The corpus summary printed by ``litlab info``."""
        return corpus_stats(self.con)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
