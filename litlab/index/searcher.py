"""Dense, BM25 and hybrid search over records and PDF chunks (fusion: `fusion.py`).

Chunks are grouped under their record: one row per record, with the best passage and its
page. Filters become one SQL sub-select with bound parameters, applied to both retrievers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pandas as pd

from litlab.errors import LitlabError, RecordNotFound
from litlab.index import bm25, fusion, vector_index
from litlab.index.embedders import load_embedder
from litlab.index.filters import Filters
from litlab.index.vectors import fingerprint, load_matrix, models
from litlab.settings import IndexSettings

MAX_QUERY_CHARS = 2000  # what a query can usefully hold (characters)
MODES = ("hybrid", "dense", "bm25")
COLUMNS = ["rank", "record_id", "title", "year", "source_title", "doi", "document_type",
           "score", "dense_score", "bm25_score", "passage", "page", "page_end", "chunk_id"]


class Searcher:
    """Retrieval over one corpus; FAISS indices are loaded (or rebuilt) once and kept."""

    def __init__(self, con: duckdb.DuckDBPyConnection | Callable[[], duckdb.DuckDBPyConnection],
                 db_path: Path, settings: IndexSettings):
        # A callable gives each thread its own connection (see Corpus.con).
        self._con = con if callable(con) else (lambda: con)
        self.db_path, self.settings = db_path, settings
        self._indices: dict[str, tuple[object, str]] = {}

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        return self._con()

    # -- dense -------------------------------------------------------------------------
    def _check_model(self) -> None:
        model = self.settings.model
        available = models(self.con)
        if model not in available:
            if available:
                raise LitlabError(
                    f"this corpus was indexed with {', '.join(available)}, not {model}: run "
                    f"`litlab index --model {model}` or search with --model {available[0]}")
            raise LitlabError("the corpus has no embeddings yet: run `litlab index` first "
                              "(or search with --mode bm25)")

    def vector_index(self, granularity: str):
        """The FAISS index for a granularity, rebuilt from DuckDB if missing, stale or corrupt."""
        model = self.settings.model
        current = fingerprint(self.con, granularity, model)
        cached = self._indices.get(granularity)
        if cached and cached[1] == current:
            return cached[0]
        loaded = vector_index.load(self.db_path, model, granularity, current)
        if loaded is None:
            ids, vectors = load_matrix(self.con, granularity, model)
            if len(ids) == 0:
                self._indices[granularity] = (None, current)
                return None
            index, kind, nprobe, recall = vector_index.build(
                ids, vectors, self.settings.exact_threshold, self.settings.target_recall)
            info = vector_index.IndexInfo(model, granularity, current, kind, len(ids),
                                          vectors.shape[1], nprobe, recall)
            try:
                vector_index.save(index, info, self.db_path)
            except OSError:
                pass  # a read-only or full disk: the index serves from memory, rebuilt next time
        else:
            index = loaded[0]
        index = vector_index.to_device(index, self.settings.device)
        self._indices[granularity] = (index, current)
        return index

    def encode_query(self, query: str) -> np.ndarray:
        embedder = load_embedder(self.settings.model, self.settings.device, self.settings.batch_size)
        return embedder.encode([query])

    def dense(self, granularity: str, query_vector: np.ndarray, depth: int,
              allowed: set[int] | None) -> list[tuple[int, float]]:
        """(object id, cosine) best first, restricted to allowed ids when given."""
        index = self.vector_index(granularity)
        if index is None or index.ntotal == 0 or (allowed is not None and not allowed):
            return []
        want = min(depth, index.ntotal)
        fetch = want if allowed is None else min(index.ntotal, max(want * 4, 256))
        while True:
            scores, ids = vector_index.search_one(index, query_vector, fetch)
            hits = [(int(i), float(s)) for i, s in zip(ids[0], scores[0])
                    if i >= 0 and (allowed is None or int(i) in allowed)]
            if len(hits) >= want or fetch >= index.ntotal:
                return hits[:want]
            fetch = min(index.ntotal, fetch * 4)

    # -- fusion -------------------------------------------------------------------------
    def _allowed(self, filters: Filters) -> tuple[str, list, set[int] | None, set[int] | None]:
        if filters.empty:
            return "", [], None, None
        sql, params = filters.sql()
        records = {r for (r,) in self.con.execute(sql, params).fetchall()}
        chunks = {c for (c,) in self.con.execute(
            f"SELECT c.chunk_id FROM chunks c JOIN documents d USING (document_id) "
            f"WHERE d.record_id IN ({sql})", params).fetchall()}
        return sql, params, records, chunks

    def search(self, query: str, k: int = 10, mode: str = "hybrid",
               filters: Filters | None = None) -> pd.DataFrame:
        """The k best records for a query, one row each with its best passage."""
        query = (query or "").strip()
        if not query:
            raise LitlabError("empty query: type some words to search for")
        given = len(query)
        # The encoder reads ~256 tokens and BM25 the first max_query_terms terms: a longer
        # query only costs time (a 1 MB one held a UI worker for 24 s).
        query = query[:MAX_QUERY_CHARS]
        if mode not in MODES:
            raise LitlabError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
        if self.settings.fusion not in fusion.FUSIONS:
            raise LitlabError(f"unknown fusion {self.settings.fusion!r}; use one of "
                              f"{', '.join(fusion.FUSIONS)}")
        if not 0.0 <= self.settings.bm25_weight <= 1.0:
            raise LitlabError("bm25_weight must lie between 0 and 1, not "
                              f"{self.settings.bm25_weight}")
        if self.con.execute("SELECT count(*) FROM records").fetchone()[0] == 0:
            raise LitlabError("the corpus is empty: run `litlab ingest FILES` first")
        filters = filters or Filters()
        sql, params, allowed_records, allowed_chunks = self._allowed(filters)
        depth = max(self.settings.candidates, k * 5)
        # Each retriever ranks units (a record's own text, or one chunk of its PDF) on one scale.
        units: dict[str, list[tuple[int, int | None, float]]] = {}
        if mode in ("hybrid", "dense"):
            self._check_model()
            qv = self.encode_query(query)
            chunk_hits = self.dense("chunk", qv, depth, allowed_chunks)
            owner = self._chunk_records([c for c, _ in chunk_hits])
            merged = [(r, None, v) for r, v in self.dense("record", qv, depth, allowed_records)]
            merged += [(owner[c], c, v) for c, v in chunk_hits]
            units["dense"] = sorted(merged, key=lambda u: -u[2])
        if mode in ("hybrid", "bm25"):
            bm25.ensure(self.con)
            terms = bm25.query_terms(query, self.settings.max_query_terms)
            units["bm25"] = [(r, c, v) for _, r, c, v in bm25.search(self.con, terms, depth, sql, params)]
        frame = self._fuse(units, k)
        if given > MAX_QUERY_CHARS:
            frame.attrs["query_cut"] = {"given": given, "used": MAX_QUERY_CHARS}
        return frame

    def _chunk_records(self, chunk_ids: list[int]) -> dict[int, int]:
        if not chunk_ids:
            return {}
        return dict(self.con.execute(
            "SELECT c.chunk_id, d.record_id FROM chunks c JOIN documents d USING (document_id) "
            "WHERE list_contains(?, c.chunk_id)", [chunk_ids]).fetchall())

    def _fuse(self, units: dict[str, fusion.Units], k: int) -> pd.DataFrame:
        """The k best records by the configured fusion of the retrievers' rankings."""
        if self.settings.fusion == "rrf":
            fused = fusion.rrf(units, self.settings.rrf_k)
        else:
            fused = fusion.convex(units, self.settings.bm25_weight, self.settings.candidates)
        return self._rows(fused.top(k), fused.score, fused.best, fused.passages)

    def _rows(self, top, score, best, passages) -> pd.DataFrame:
        if not top:
            return pd.DataFrame(columns=COLUMNS)
        meta = {row[0]: row[1:] for row in self.con.execute(
            "SELECT record_id, title, year, source_title, doi, document_type FROM records "
            "WHERE list_contains(?, record_id)", [top]).fetchall()}
        shown = [passages[r] for r in top if r in passages]
        chunk_text = {row[0]: row[1:] for row in self.con.execute(
            "SELECT chunk_id, page_start, page_end, text FROM chunks WHERE list_contains(?, chunk_id)",
            [shown]).fetchall()} if shown else {}
        rows = []
        for rank, record_id in enumerate(top, start=1):
            chunk_id = passages.get(record_id)
            page, page_end, text = chunk_text[chunk_id] if chunk_id else (None, None, None)
            rows.append([rank, record_id, *meta[record_id], round(score[record_id], 6),
                         best["dense"].get(record_id), best["bm25"].get(record_id),
                         text, page, page_end, chunk_id])
        frame = pd.DataFrame(rows, columns=COLUMNS)
        return frame.astype({"page": "Int64", "page_end": "Int64", "chunk_id": "Int64",
                             "year": "Int64"})

    def similar(self, record_id: int, k: int = 10, filters: Filters | None = None) -> pd.DataFrame:
        """The records nearest to a given one (for snowballing), by their stored vectors."""
        self._check_model()
        row = self.con.execute(
            "SELECT vector FROM embeddings WHERE granularity = 'record' AND model = ? "
            "AND object_id = ?", [self.settings.model, record_id]).fetchone()
        if row is None:
            exists = self.con.execute("SELECT count(*) FROM records WHERE record_id = ?",
                                      [record_id]).fetchone()[0]
            if not exists:
                raise RecordNotFound(f"no record {record_id} in this corpus")
            raise LitlabError(f"record {record_id} has no embedding yet: run `litlab index`")
        _, _, allowed, _ = self._allowed(filters or Filters())
        hits = self.dense("record", np.asarray([row[0]], dtype=np.float32), k + 1, allowed)
        hits = [(r, s) for r, s in hits if r != record_id][:k]
        score = {r: s for r, s in hits}
        best = {"dense": dict(score), "bm25": {}}
        return self._rows([r for r, _ in hits], score, best, {})
