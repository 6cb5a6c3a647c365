"""BM25 with DuckDB's fts extension, loaded from the file the PyPI package ships (offline).

Records (title, abstract, keywords) and PDF chunks go into one full-text table, so that their
BM25 scores share one set of term statistics and compare directly. The table is rebuilt
when the corpus changed since it was built, and only then.
"""
from __future__ import annotations

import re
from datetime import datetime

import duckdb

from litlab.errors import LitlabError
from litlab.models import package_dir

# unit_id: -record_id for a record's own text, chunk_id for a chunk of its PDF.
UNITS_SQL = """
    SELECT -record_id AS unit_id, record_id, NULL::INTEGER AS chunk_id,
           concat_ws(' ', title, abstract,
                     array_to_string(list_concat(coalesce(author_keywords, []),
                                                 coalesce(index_keywords, [])), ' ')) AS text
    FROM records
    UNION ALL
    SELECT c.chunk_id, d.record_id, c.chunk_id, c.text
    FROM chunks c JOIN documents d USING (document_id) WHERE d.record_id IS NOT NULL
"""
FINGERPRINT_SQL = """
    SELECT (SELECT count(*) || ':' || coalesce(max(record_id), 0) || ':' ||
                   coalesce(max(updated_at)::VARCHAR, '') FROM records) || '/' ||
           (SELECT count(*) || ':' || coalesce(max(chunk_id), 0) FROM chunks) || '/' ||
           (SELECT count(record_id) || ':' || coalesce(sum(record_id), 0) FROM documents)
"""
STATE_NAME = "fts:units"


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD the fts extension from the duckdb-extension-fts package."""
    folder = package_dir("duckdb_extension_fts")
    if folder is None:
        raise LitlabError("the package duckdb-extension-fts is not installed (pip install "
                          f"duckdb-extension-fts=={duckdb.__version__})")
    path = folder / "extensions" / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if not path.exists():
        raise LitlabError(f"duckdb-extension-fts has no build for duckdb {duckdb.__version__}; "
                          "install the same version of both")
    con.execute(f"LOAD '{path}'")


def ensure(con: duckdb.DuckDBPyConnection) -> bool:
    """(Re)build the full-text index if the corpus changed since it was built; True if rebuilt."""
    load_fts(con)
    current = con.execute(FINGERPRINT_SQL).fetchone()[0]
    built = con.execute("SELECT fingerprint FROM index_state WHERE name = ?",
                        [STATE_NAME]).fetchone()
    exists = con.execute("SELECT count(*) FROM information_schema.schemata "
                         "WHERE schema_name = 'fts_main_fts_units'").fetchone()[0]
    if built and built[0] == current and exists:
        return False
    try:
        con.execute(f"CREATE OR REPLACE TABLE fts_units AS {UNITS_SQL}")
    except duckdb.Error as exc:
        if "read-only" not in str(exc):
            raise
        raise LitlabError("the full-text index is out of date and this corpus is open "
                          "read-only: run `litlab index` first") from None
    con.execute("PRAGMA create_fts_index('fts_units', 'unit_id', 'text', stemmer='english', "
                "stopwords='english', overwrite=1)")
    con.execute("INSERT OR REPLACE INTO index_state VALUES (?, ?, ?)",
                [STATE_NAME, current, datetime.now()])
    return True


def query_terms(query: str, limit: int) -> str:
    """The query as words for BM25: punctuation dropped, at most ``limit`` terms."""
    return " ".join(re.findall(r"\w+", query)[:limit])


def search(con: duckdb.DuckDBPyConnection, query: str, depth: int, allowed_sql: str = "",
           params: list | None = None) -> list[tuple[int, int, int | None, float]]:
    """(unit id, record id, chunk id or None, BM25 score), best first.

    ``allowed_sql`` (a SELECT of record ids with its bound ``params``) restricts the records.
    """
    if not query:
        return []
    restrict = f"AND u.record_id IN ({allowed_sql})" if allowed_sql else ""
    sql = ("SELECT * FROM (SELECT u.unit_id, u.record_id, u.chunk_id, "
           "fts_main_fts_units.match_bm25(u.unit_id, ?) AS score "
           f"FROM fts_units u WHERE true {restrict}) WHERE score IS NOT NULL "
           f"ORDER BY score DESC, unit_id LIMIT {int(depth)}")
    return con.execute(sql, [query, *(params or [])]).fetchall()
