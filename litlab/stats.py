"""The corpus summary: counts by year, type and source; imports; PDFs."""
from __future__ import annotations

import duckdb


def _pairs(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def corpus_stats(con: duckdb.DuckDBPyConnection, top: int = 10) -> dict:
    """Everything ``litlab info`` shows, as plain JSON-ready data."""
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    docs = con.execute(
        "SELECT count(*), count(record_id), count(*) FILTER (WHERE status NOT IN ('ok', 'repaired')), "
        "coalesce(sum(n_pages), 0) FROM documents"
    ).fetchone()
    return {
        "records": one("SELECT count(*) FROM records"),
        "with_abstract": one("SELECT count(abstract) FROM records"),
        "with_doi": one("SELECT count(doi) FROM records"),
        "years": _pairs(con, "SELECT year, count(*) AS n FROM records GROUP BY year ORDER BY year"),
        "types": _pairs(con, "SELECT document_type AS type, count(*) AS n FROM records "
                             "GROUP BY 1 ORDER BY n DESC, 1"),
        "sources": _pairs(con, f"SELECT source_title AS source, count(*) AS n FROM records "
                               f"WHERE source_title IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1 "
                               f"LIMIT {int(top)}"),
        "imports": _pairs(con, "SELECT import_id, file, format, encoding, rows_read, stored, "
                               "duplicates, rejected, message, "
                               "strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished_at "
                               "FROM imports ORDER BY import_id"),
        "documents": {"total": docs[0], "linked": docs[1], "failed": docs[2], "pages": docs[3],
                      "chunks": one("SELECT count(*) FROM chunks")},
        "document_status": _pairs(con, "SELECT status, count(*) AS n FROM documents "
                                       "GROUP BY 1 ORDER BY 1"),
        "unlinked_documents": _pairs(con, "SELECT document_id, path, status FROM documents "
                                          "WHERE record_id IS NULL ORDER BY document_id"),
        "rejected": one("SELECT count(*) FROM rejects"),
        "duplicates": one("SELECT count(*) FROM duplicates"),
    }
