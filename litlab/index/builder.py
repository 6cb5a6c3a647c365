"""`litlab index`: bring vectors, FAISS files and BM25 tables up to date with the corpus."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from litlab.index import bm25
from litlab.index.embedders import load_embedder
from litlab.index.searcher import Searcher
from litlab.index.vectors import GRANULARITIES, sync
from litlab.settings import IndexSettings


@dataclass
class IndexReport:
    model: str
    granularities: dict[str, dict] = field(default_factory=dict)
    bm25_rebuilt: bool = False
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def build_index(con: duckdb.DuckDBPyConnection, db_path: Path, settings: IndexSettings,
                progress: Callable[[str, int], Callable[[int], None]] | None = None,
                searcher: Searcher | None = None) -> IndexReport:
    """Embed new or changed records and chunks (committed as they are computed: a killed run
    resumes where it stopped), then refresh the FAISS and BM25 indices."""
    start = time.perf_counter()
    report = IndexReport(settings.model)
    searcher = searcher or Searcher(con, db_path, settings)

    def embedder():
        return load_embedder(settings.model, settings.device, settings.batch_size)

    for granularity in GRANULARITIES:
        result = sync(con, granularity, settings.model, embedder, progress, settings.batch_size)
        index = searcher.vector_index(granularity)
        report.granularities[granularity] = {
            "objects": result.total, "embedded": result.embedded, "removed": result.removed,
            "faiss": type(index).__name__ if index is not None else None,
        }
    report.bm25_rebuilt = bm25.ensure(con)
    report.seconds = round(time.perf_counter() - start, 3)
    return report
