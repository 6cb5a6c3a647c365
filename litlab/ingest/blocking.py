"""Finding, in SQL, the rows of a staged file that might duplicate something, then deciding.

Exact keys first: a DOI, EID, WoS UT, OpenAlex id, PubMed id or title+year that occurs twice
among the file's rows and the stored records marks every row holding it. Similar titles next,
only inside blocks: the same year, and while a year holds few titles the whole year is one
block (exactly the old all-against-all comparison); past ``SMALL_YEAR`` titles, titles sharing
their first or their last 24 characters. Pairs of a plausible length are scored with rapidfuzz
in one vectorised call. The marked rows, in file order, go through ``dedup.Resolver``; the
result is the temporary table ``litlab_dups`` (position, target, reason, similarity), where a
target > 0 is a stored record id and a target < 0 is ``-(position + 1)`` of a kept row.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz, process

from litlab.ingest.dedup import ID_FIELDS, MIN_TITLE_KEY, KeyRow, Resolver
from litlab.ingest.staging import STAGED

SMALL_YEAR = 300  # titles in a year up to which the year is one block
AFFIX = 24  # characters of the title key that name a block past SMALL_YEAR
_KEY_COLUMNS = ", ".join(f"lower({f}) AS {f}" for f in ID_FIELDS if f != "doi")
_TY = "tk || chr(1) || coalesce(CAST(year AS VARCHAR), '')"


def _stored_keys() -> str:
    return (f"SELECT record_id, doi, {_KEY_COLUMNS}, CASE WHEN length(title_key) >= "
            f"{MIN_TITLE_KEY} THEN title_key END AS tk, year, authors[1] AS first_author "
            f"FROM records")


def _key_rows(con: duckdb.DuckDBPyConnection, sql: str, kind: str) -> dict[int, KeyRow]:
    rows = con.execute(sql).fetchall()
    return {r[0]: KeyRow((kind, r[0]), *r[1:]) for r in rows}


def _mark_exact(con: duckdb.DuckDBPyConnection) -> None:
    """litlab_marked (rn) and litlab_marked_stored (record_id): rows sharing an exact key."""
    values = " UNION ALL ".join(
        [f"SELECT rn, '{f}' AS kind, {f} AS k FROM litlab_keys WHERE {f} IS NOT NULL"
         for f in ID_FIELDS]
        + [f"SELECT rn, 'ty', {_TY} FROM litlab_keys WHERE tk IS NOT NULL"])
    con.execute(f"CREATE OR REPLACE TEMP TABLE litlab_key_values AS {values}")
    stored = " UNION ALL ".join(
        [f"SELECT record_id, '{f}' AS kind, {f} AS k FROM ({_stored_keys()}) "
         f"WHERE {f} IN (SELECT k FROM litlab_key_values WHERE kind = '{f}')" for f in ID_FIELDS]
        + [f"SELECT record_id, 'ty', {_TY} FROM ({_stored_keys()}) WHERE tk IS NOT NULL AND "
           f"{_TY} IN (SELECT k FROM litlab_key_values WHERE kind = 'ty')"])
    con.execute(f"CREATE OR REPLACE TEMP TABLE litlab_stored_values AS {stored}")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE litlab_collisions AS
        SELECT kind, k FROM (SELECT kind, k FROM litlab_key_values
                             UNION ALL SELECT kind, k FROM litlab_stored_values)
        GROUP BY kind, k HAVING count(*) > 1""")
    con.execute("""CREATE OR REPLACE TEMP TABLE litlab_marked AS
        SELECT DISTINCT rn FROM litlab_key_values SEMI JOIN litlab_collisions USING (kind, k)""")
    con.execute("""CREATE OR REPLACE TEMP TABLE litlab_marked_stored AS
        SELECT DISTINCT record_id FROM litlab_stored_values
        SEMI JOIN litlab_collisions USING (kind, k)""")


def _similar_pairs(con: duckdb.DuckDBPyConnection, threshold: float) -> pa.Table:
    """(rn, stored, other, score) for titles at least ``threshold`` similar, other earlier."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE litlab_members AS
        SELECT false AS stored, rn AS id, tk, coalesce(year, -1) AS y
        FROM litlab_keys WHERE tk IS NOT NULL
        UNION ALL
        SELECT true, record_id, title_key, coalesce(year, -1) FROM records
        WHERE length(title_key) >= {MIN_TITLE_KEY}
          AND coalesce(year, -1) IN (SELECT DISTINCT coalesce(year, -1) FROM litlab_keys
                                     WHERE tk IS NOT NULL)""")
    pairs = con.execute(f"""
        WITH sizes AS (SELECT y, count(*) AS n FROM litlab_members GROUP BY y),
        blocks AS (
            SELECT m.stored, m.id, m.tk, m.y, unnest(CASE WHEN s.n <= {SMALL_YEAR} THEN ['']
                   ELSE ['p' || left(m.tk, {AFFIX}), 's' || right(m.tk, {AFFIX})] END) AS block
            FROM litlab_members m JOIN sizes s USING (y))
        SELECT DISTINCT a.id AS rn, b.stored, b.id AS other, a.tk AS a_tk, b.tk AS b_tk
        FROM blocks a JOIN blocks b ON a.y = b.y AND a.block = b.block
        WHERE NOT a.stored AND (b.stored OR b.id < a.id)
          AND 200 * least(length(a.tk), length(b.tk)) >= {threshold} * (length(a.tk) + length(b.tk))
    """).to_arrow_table()
    if not pairs.num_rows:
        return pairs.select(["rn", "stored", "other"]).append_column(
            "score", pa.array([], pa.float64()))
    scores = process.cpdist(pairs["a_tk"].to_pylist(), pairs["b_tk"].to_pylist(),
                            scorer=fuzz.ratio, score_cutoff=threshold, workers=-1)
    keep = pa.array(np.asarray(scores) >= threshold)
    return pairs.select(["rn", "stored", "other"]).append_column(
        "score", pa.array(np.asarray(scores, dtype=float))).filter(keep)


def find_duplicates(con: duckdb.DuckDBPyConnection, threshold: float) -> dict[str, int]:
    """Fill ``litlab_dups`` for the staged file; return how many rows each step looked at."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE litlab_keys AS
        SELECT rowid AS rn, doi, {_KEY_COLUMNS}, CASE WHEN length(title_key) >= {MIN_TITLE_KEY}
               THEN title_key END AS tk, year, authors[1] AS first_author
        FROM {STAGED} WHERE reject IS NULL""")
    _mark_exact(con)
    pairs = _similar_pairs(con, threshold)
    con.register("litlab_pairs", pairs)
    try:
        con.execute("""INSERT INTO litlab_marked SELECT rn FROM litlab_pairs
                       UNION SELECT other FROM litlab_pairs WHERE NOT stored""")
        con.execute("""INSERT INTO litlab_marked_stored
                       SELECT other FROM litlab_pairs WHERE stored""")
    finally:
        con.unregister("litlab_pairs")
    rows = _key_rows(con, "SELECT rn, doi, eid, wos_ut, openalex_id, pmid, tk, year, "
                          "first_author FROM litlab_keys WHERE rn IN "
                          "(SELECT rn FROM litlab_marked) ORDER BY rn", "s")
    stored = _key_rows(con, f"SELECT * FROM ({_stored_keys()}) WHERE record_id IN "
                            "(SELECT record_id FROM litlab_marked_stored) ORDER BY record_id",
                       "e")
    for rn, is_stored, other, score in zip(*(pairs[c].to_pylist() for c in pairs.column_names)):
        rows[rn].similar.append((("e" if is_stored else "s", other), score))
    found = Resolver(stored.values()).resolve(rows[rn] for rn in sorted(rows))
    dups = pa.table({
        "rn": pa.array([rn for rn, _ in found], pa.int64()),
        "target": pa.array([m.target[1] if m.target[0] == "e" else -(m.target[1] + 1)
                            for _, m in found], pa.int64()),
        "reason": pa.array([m.reason for _, m in found], pa.string()),
        "similarity": pa.array([m.similarity for _, m in found], pa.float64())})
    con.register("litlab_found", dups)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE litlab_dups AS SELECT * FROM litlab_found")
    finally:
        con.unregister("litlab_found")
    return {"marked": len(rows), "stored_compared": len(stored), "title_pairs": pairs.num_rows}


def drop_blocking_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("litlab_keys", "litlab_key_values", "litlab_stored_values", "litlab_collisions",
                 "litlab_marked", "litlab_marked_stored", "litlab_members", "litlab_dups"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
