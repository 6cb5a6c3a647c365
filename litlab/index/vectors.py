"""Vectors in DuckDB, keyed by (object, model, hash of the embedded text).

Re-indexing embeds only objects that are new or whose text changed, so indexing an
unchanged corpus reads hashes and does no model work. Vectors are committed in batches as
they are computed, so a killed `litlab index` keeps what it embedded and the next run embeds
only the rest.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Callable

import duckdb
import numpy as np
import pyarrow as pa

from litlab.index.embedders import Embedder
from litlab.store import insert_frame, transaction

GRANULARITIES = ("record", "chunk")
# What a record's vector stands for: title, abstract and keywords.
RECORD_TEXT_SQL = """
    SELECT record_id AS object_id,
           concat_ws('. ', title, abstract,
                     CASE WHEN author_keywords IS NOT NULL
                          THEN 'Keywords: ' || array_to_string(author_keywords, '; ') END) AS text
    FROM records ORDER BY record_id
"""
CHUNK_TEXT_SQL = """
    SELECT c.chunk_id AS object_id, c.text
    FROM chunks c JOIN documents d USING (document_id)
    WHERE d.record_id IS NOT NULL ORDER BY c.chunk_id
"""


@dataclass
class SyncResult:
    granularity: str
    total: int
    embedded: int
    removed: int


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def texts(con: duckdb.DuckDBPyConnection, granularity: str) -> list[tuple[int, str]]:
    """(object id, text to embed) for every object of a granularity."""
    sql = RECORD_TEXT_SQL if granularity == "record" else CHUNK_TEXT_SQL
    return con.execute(sql).fetchall()


@dataclass
class Pending:
    """The work a sync has to do for one granularity."""

    todo: list[tuple[int, str, str]]  # (id, text, hash) to embed
    stale: set[int]  # ids among todo whose stored vector is outdated
    gone: list[int]  # ids with a vector whose object no longer exists
    total: int  # objects of the granularity


def pending(con: duckdb.DuckDBPyConnection, granularity: str, model: str) -> Pending:
    """What to embed, which stored vectors it replaces, and which to delete."""
    stored = dict(con.execute(
        "SELECT object_id, text_hash FROM embeddings WHERE granularity = ? AND model = ?",
        [granularity, model]).fetchall())
    current = texts(con, granularity)
    todo, stale = [], set()
    for object_id, text in current:
        digest = text_hash(text)
        previous = stored.pop(object_id, None)
        if previous != digest:
            todo.append((object_id, text, digest))
            if previous is not None:
                stale.add(object_id)
    return Pending(todo, stale, list(stored), len(current))


class BatchWriter:
    """Commits computed vectors in batches, each in its own transaction.

    A batch is committed once the embedding time it holds is at least COST_RATIO times what
    the last commit took: on a CPU (seconds per batch) that is every model batch, so a kill
    loses at most one; on a GPU commits are spaced out so that they cost ~5% of the time.
    """

    COST_RATIO = 20

    def __init__(self, con: duckdb.DuckDBPyConnection, granularity: str, model: str,
                 stale: set[int]):
        self.con, self.granularity, self.model, self.stale = con, granularity, model, stale
        self.rows: list[tuple[int, str]] = []
        self.vectors: list[np.ndarray] = []
        self.embedding_seconds = 0.0
        self.commit_seconds = 0.0

    def add(self, rows: list[tuple[int, str]], vectors: np.ndarray, seconds: float) -> None:
        self.rows += rows
        self.vectors.append(vectors)
        self.embedding_seconds += seconds
        if self.embedding_seconds >= self.COST_RATIO * self.commit_seconds:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        start = time.perf_counter()
        vectors = np.concatenate(self.vectors)
        flat = pa.array(vectors.reshape(-1), type=pa.float32())
        offsets = pa.array(np.arange(0, len(flat) + 1, vectors.shape[1], dtype=np.int32))
        table = pa.table({
            "granularity": [self.granularity] * len(self.rows),
            "object_id": pa.array([i for i, _ in self.rows], type=pa.int32()),
            "model": [self.model] * len(self.rows),
            "text_hash": [h for _, h in self.rows],
            "vector": pa.ListArray.from_arrays(offsets, flat),
        })
        replaced = [i for i, _ in self.rows if i in self.stale]
        with transaction(self.con):
            if replaced:  # new objects have nothing to replace: no scan of the table
                _delete(self.con, self.granularity, self.model, replaced)
            insert_frame(self.con, "embeddings", table)
        self.rows, self.vectors, self.embedding_seconds = [], [], 0.0
        self.commit_seconds = time.perf_counter() - start


def _delete(con: duckdb.DuckDBPyConnection, granularity: str, model: str, ids: list[int]) -> None:
    con.execute("DELETE FROM embeddings WHERE granularity = ? AND model = ? "
                "AND list_contains(?, object_id)", [granularity, model, ids])


def sync(con: duckdb.DuckDBPyConnection, granularity: str, model: str,
         get_embedder: Callable[[], Embedder],
         progress: Callable[[str, int], Callable[[int], None]] | None = None,
         batch_size: int = 64) -> SyncResult:
    """Embed what is new or changed and drop vectors of objects that are gone.

    The embedder is only loaded when something needs embedding. Texts go to the model
    longest first, ``batch_size`` at a time (the batches a single call would make: they pad
    least), and are committed as they come (`BatchWriter`).
    """
    work = pending(con, granularity, model)
    if work.gone:
        with transaction(con):
            _delete(con, granularity, model, work.gone)
    if work.todo:
        embedder = get_embedder()
        advance = progress(f"embedding {granularity}s", len(work.todo)) if progress else None
        writer = BatchWriter(con, granularity, model, work.stale)
        todo = sorted(work.todo, key=lambda item: -len(item[1]))
        for start in range(0, len(todo), batch_size):
            batch = todo[start:start + batch_size]
            began = time.perf_counter()
            vectors = embedder.encode([text for _, text, _ in batch], advance)
            writer.add([(i, h) for i, _, h in batch], vectors, time.perf_counter() - began)
        writer.flush()
    return SyncResult(granularity, work.total, len(work.todo), len(work.gone))


def load_matrix(con: duckdb.DuckDBPyConnection, granularity: str, model: str
                ) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of a granularity for a model, as numpy arrays."""
    table = con.execute(
        "SELECT object_id, vector FROM embeddings WHERE granularity = ? AND model = ? "
        "ORDER BY object_id", [granularity, model]).arrow()
    if hasattr(table, "read_all"):  # newer duckdb returns a record batch reader
        table = table.read_all()
    ids = table.column("object_id").to_numpy().astype(np.int64)
    if len(ids) == 0:
        return ids, np.zeros((0, 0), dtype=np.float32)
    vectors = table.column("vector").combine_chunks()
    flat = vectors.flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    return ids, flat.reshape(len(ids), -1)


def fingerprint(con: duckdb.DuckDBPyConnection, granularity: str, model: str) -> str:
    """Changes whenever any vector of this granularity and model is added, changed or removed."""
    count, digest = con.execute(
        "SELECT count(*), coalesce(sum(hash(object_id, text_hash)), 0) FROM embeddings "
        "WHERE granularity = ? AND model = ?", [granularity, model]).fetchone()
    return f"{count}:{digest}"


def models(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Embedding models that have vectors in this corpus."""
    return [m for (m,) in con.execute("SELECT DISTINCT model FROM embeddings ORDER BY 1").fetchall()]
