"""The staging table: one export's rows, cleaned in SQL, before deduplication and storage.

A temporary table (``litlab_staged``) on the corpus connection holds every row read from the
file in file order (its ``rowid`` is the row's position), cleaned by ``clean_sql``, with the
reason when it is rejected and its raw text as JSON. DuckDB spills it to disk past the memory
limit, so a file of any size streams through in bounded memory. Readers that only yield
Python items are staged in batches (of ``budget.Budget.batch_rows`` records); the fast readers
stage straight from DuckDB's own parsers.
"""
from __future__ import annotations

import json
import re
from typing import Callable, Iterable, Iterator

import duckdb
import pyarrow as pa

from litlab.ingest.base import INT_FIELDS, LIST_FIELDS, TEXT_FIELDS, ParsedRecord, ReadItem
from litlab.ingest.clean_sql import clean_select, register_udfs, remove_udfs

STAGED = "litlab_staged"
BATCH = 20_000
_TYPES = {**{f: "INTEGER" for f in INT_FIELDS}, **{f: "VARCHAR[]" for f in LIST_FIELDS}}
STAGED_COLUMNS = (("line", "BIGINT"), ("nl", "INTEGER"), ("raw", "VARCHAR"),
                  ("reject", "VARCHAR")) + tuple(
    (f, _TYPES.get(f, "VARCHAR")) for f in TEXT_FIELDS + INT_FIELDS + LIST_FIELDS) + (
    ("copyright", "VARCHAR"), ("title_key", "VARCHAR"),
    ("record_id", "BIGINT"), ("filled", "BOOLEAN"))  # set once duplicates are known
# A NUL byte never belongs in text: the row holding one is damaged, the others may be fine.
NUL_REASON = "the row holds a NUL byte (\\x00), which text never does: the file is damaged here"
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")
_SOURCE_SCHEMA = pa.schema(
    [("line", pa.int64()), ("nl", pa.int32()), ("raw", pa.string()), ("reject", pa.string())]
    + [(f, pa.string()) for f in TEXT_FIELDS + INT_FIELDS + LIST_FIELDS]
    + [(f + "__list", pa.list_(pa.string())) for f in LIST_FIELDS])


def create_staged(con: duckdb.DuckDBPyConnection) -> None:
    """An empty staging table (any earlier one on this connection is dropped)."""
    register_udfs(con)
    con.execute(f"DROP TABLE IF EXISTS {STAGED}")
    columns = ", ".join(f"{name} {kind}" for name, kind in STAGED_COLUMNS)
    con.execute(f"CREATE TEMP TABLE {STAGED} ({columns})")


def drop_staged(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the staging table and the cleaning UDFs."""
    con.execute(f"DROP TABLE IF EXISTS {STAGED}")
    remove_udfs(con)


def stage_sql(con: duckdb.DuckDBPyConnection, source: str, list_columns: bool = False) -> None:
    """Append the rows of a SQL ``source`` (raw canonical columns) to the staging table."""
    con.execute(f"INSERT INTO {STAGED} BY NAME {clean_select(source, list_columns)}")


def _columns(items: Iterable[ReadItem]) -> dict[str, list]:
    cols: dict[str, list] = {name: [] for name in _SOURCE_SCHEMA.names}
    for item in items:
        cols["line"].append(item.line)
        cols["nl"].append(None)
        if not isinstance(item, ParsedRecord):
            cols["raw"].append(item.raw)
            cols["reject"].append(item.reason)
            for name in _SOURCE_SCHEMA.names[4:]:
                cols[name].append(None)
            continue
        raw = json.dumps(item.raw, ensure_ascii=False)
        cols["raw"].append(raw)
        cols["reject"].append(NUL_REASON if _JSON_NUL.search(raw) else None)
        get = item.fields.get
        for name in TEXT_FIELDS + INT_FIELDS:
            value = get(name)
            cols[name].append(None if value is None else str(value))
        for name in LIST_FIELDS:
            value = get(name)
            if isinstance(value, (list, tuple)):
                cols[name].append(None)
                cols[name + "__list"].append([str(v) for v in value if v is not None])
            else:
                cols[name].append(None if value is None else str(value))
                cols[name + "__list"].append(None)
    return cols


def _batches(items: Iterator[ReadItem], size: int) -> Iterator[list[ReadItem]]:
    batch: list[ReadItem] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def stage_items(con: duckdb.DuckDBPyConnection, items: Iterator[ReadItem],
                batch_size: int = BATCH,
                on_batch: Callable[[int, int], None] | None = None) -> None:
    """Stage what a Python reader yields, a batch of rows at a time (their raw text with
    them): only one batch is ever held in Python. ``on_batch(rows, rejected)`` after each."""
    for batch in _batches(items, batch_size):
        table = pa.Table.from_pydict(_columns(batch), schema=_SOURCE_SCHEMA)
        rejected = sum(1 for item in batch if not isinstance(item, ParsedRecord))
        del batch
        con.register("litlab_incoming", table)
        try:
            stage_sql(con, "SELECT * FROM litlab_incoming", list_columns=True)
        finally:
            con.unregister("litlab_incoming")
        if on_batch:
            on_batch(table.num_rows, rejected)
