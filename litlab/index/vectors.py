"""Vectors in DuckDB, keyed by (object, model, hash of the embedded text).

Re-indexing embeds only objects that are new or whose text changed, so indexing an
unchanged corpus reads hashes and does no model work.
"""
from __future__ import annotations

import hashlib
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


def pending(con: duckdb.DuckDBPyConnection, granularity: str, model: str
            ) -> tuple[list[tuple[int, str, str]], list[int], int]:
    """Objects to embed (id, text, hash), stored ids to delete, and the object count."""
    stored = dict(con.execute(
        "SELECT object_id, text_hash FROM embeddings WHERE granularity = ? AND model = ?",
        [granularity, model]).fetchall())
    current = texts(con, granularity)
    todo = []
    for object_id, text in current:
        digest = text_hash(text)
        if stored.pop(object_id, None) != digest:
            todo.append((object_id, text, digest))
    return todo, list(stored), len(current)


def sync(con: duckdb.DuckDBPyConnection, granularity: str, model: str,
         get_embedder: Callable[[], Embedder],
         progress: Callable[[str, int], Callable[[int], None]] | None = None) -> SyncResult:
    """Embed what is new or changed and drop vectors of objects that are gone.

    The embedder is only loaded when something needs embedding.
    """
    todo, gone, total = pending(con, granularity, model)
    if todo:
        advance = progress(f"embedding {granularity}s", len(todo)) if progress else None
        vectors = get_embedder().encode([t for _, t, _ in todo], advance)
        flat = pa.array(vectors.reshape(-1), type=pa.float32())
        offsets = pa.array(np.arange(0, len(flat) + 1, vectors.shape[1], dtype=np.int32))
        table = pa.table({
            "granularity": [granularity] * len(todo),
            "object_id": pa.array([i for i, _, _ in todo], type=pa.int32()),
            "model": [model] * len(todo),
            "text_hash": [h for _, _, h in todo],
            "vector": pa.ListArray.from_arrays(offsets, flat),
        })
        gone = gone + [i for i, _, _ in todo]
    with transaction(con):
        if gone:
            con.execute("DELETE FROM embeddings WHERE granularity = ? AND model = ? "
                        "AND list_contains(?, object_id)", [granularity, model, gone])
        if todo:
            insert_frame(con, "embeddings", table)
    return SyncResult(granularity, total, len(todo), len(gone) - len(todo))


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
