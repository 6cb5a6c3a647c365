"""Finding, in SQL, the rows of a staged file that might duplicate something, then deciding.

Exact keys first: a DOI, EID, WoS UT, OpenAlex id, PubMed id or title+year that occurs twice
among the file's rows and the stored records marks every row holding it. Similar titles next,
only inside blocks: the same year, and while a year holds few titles the whole year is one
block (exactly the old all-against-all comparison); past ``SMALL_YEAR`` titles, titles sharing
their first or their last 24 characters (a block past ``MAX_BLOCK`` titles compares sorted
neighbours only, so pairs grow with the rows, never with the square of a block). Pairs of a
plausible length are scored with rapidfuzz a batch at a time, and each row keeps its ``BEST``
similar titles. The marked rows, in file order, go through ``dedup.Resolver``; the
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
MAX_BLOCK = 64  # titles in a block up to which all are compared; past it, sorted neighbours
WINDOW = 10  # the run of sorted titles a title is compared within (and the runs beside it)
SCORE_BATCH = 200_000  # pairs scored at a time
# Similar titles kept per row, best first. Resolver takes the best one still kept, so this
# changes a decision only when this many better-scoring titles were all merged away.
BEST = 16
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


def _candidates(con: duckdb.DuckDBPyConnection, threshold: float) -> None:
    """litlab_candidates (rn, stored, other): title pairs worth scoring.

    A block of up to ``MAX_BLOCK`` titles is compared all against all. A larger one (titles
    of one field share openings; an export of many parts of one title shares all but its end)
    would make pairs grow with the square of its size: its titles are sorted (by the key for
    a prefix block, by the reversed key for a suffix block) and each is compared only with the
    titles in its own run of ``WINDOW`` and the runs on either side, the sorted-neighbourhood
    method, so the pairs grow with the rows.
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE litlab_members AS
        SELECT false AS stored, rn AS id, tk, coalesce(year, -1) AS y
        FROM litlab_keys WHERE tk IS NOT NULL
        UNION ALL
        SELECT true, record_id, title_key, coalesce(year, -1) FROM records
        WHERE length(title_key) >= {MIN_TITLE_KEY}
          AND coalesce(year, -1) IN (SELECT DISTINCT coalesce(year, -1) FROM litlab_keys
                                     WHERE tk IS NOT NULL)""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE litlab_candidates AS
        WITH sizes AS (SELECT y, count(*) AS n FROM litlab_members GROUP BY y),
        blocks AS (
            SELECT m.stored, m.id, m.tk, m.y, unnest(CASE WHEN s.n <= {SMALL_YEAR} THEN ['']
                   ELSE ['p' || left(m.tk, {AFFIX}), 's' || right(m.tk, {AFFIX})] END) AS block
            FROM litlab_members m JOIN sizes s USING (y)),
        ranked AS (
            SELECT *, count(*) OVER (PARTITION BY y, block) AS bn,
                   (row_number() OVER (PARTITION BY y, block ORDER BY
                       CASE WHEN starts_with(block, 's') THEN reverse(tk) ELSE tk END,
                       stored, id) - 1) // {WINDOW} AS g
            FROM blocks),
        home AS (SELECT stored, id, tk, y, block,
                        CASE WHEN bn > {MAX_BLOCK} THEN g ELSE 0 END AS g, bn FROM ranked),
        near AS (SELECT stored, id, tk, y, block,
                        unnest(CASE WHEN bn > {MAX_BLOCK} THEN [g - 1, g, g + 1] ELSE [0] END)
                        AS g FROM home)
        SELECT DISTINCT a.id AS rn, b.stored, b.id AS other
        FROM home a JOIN near b ON a.y = b.y AND a.block = b.block AND a.g = b.g
        WHERE NOT a.stored AND (b.stored OR b.id < a.id)
          AND 200 * least(length(a.tk), length(b.tk)) >= {threshold} * (length(a.tk) + length(b.tk))
    """)


def _similar_pairs(con: duckdb.DuckDBPyConnection, threshold: float) -> tuple[pa.Table, int]:
    """(rn, stored, other, score) for titles at least ``threshold`` similar, other earlier:
    the ``BEST`` of each row, best first (the only ones ``Resolver`` can pick from), and how
    many pairs were scored. Scored a batch at a time, so memory stays bounded."""
    _candidates(con, threshold)
    kept, scored = [], 0
    result = con.execute("""SELECT c.rn, c.stored, c.other, a.tk AS a_tk, b.tk AS b_tk
        FROM litlab_candidates c JOIN litlab_members a ON NOT a.stored AND a.id = c.rn
        JOIN litlab_members b ON b.stored = c.stored AND b.id = c.other""")
    for batch in result.to_arrow_reader(SCORE_BATCH):
        scored += batch.num_rows
        scores = np.asarray(process.cpdist(batch.column("a_tk").to_pylist(),
                                           batch.column("b_tk").to_pylist(),
                                           scorer=fuzz.ratio, score_cutoff=threshold,
                                           workers=-1), dtype=float)
        keep = scores >= threshold
        if keep.any():
            kept.append(pa.table({name: batch.column(name).filter(pa.array(keep))
                                  for name in ("rn", "stored", "other")}).append_column(
                "score", pa.array(scores[keep])))
    con.execute("DROP TABLE IF EXISTS litlab_candidates")
    empty = pa.table({"rn": pa.array([], pa.int64()), "stored": pa.array([], pa.bool_()),
                      "other": pa.array([], pa.int64()), "score": pa.array([], pa.float64())})
    if not kept:
        return empty, scored
    con.register("litlab_scored", pa.concat_tables(kept))
    try:
        best = con.execute(f"""SELECT rn, stored, other, score FROM (
            SELECT *, row_number() OVER (PARTITION BY rn ORDER BY score DESC, stored DESC,
                                         other) AS k FROM litlab_scored)
            WHERE k <= {BEST} ORDER BY rn, k""").to_arrow_table()
    finally:
        con.unregister("litlab_scored")
    return best, scored


def find_duplicates(con: duckdb.DuckDBPyConnection, threshold: float) -> dict[str, int]:
    """Fill ``litlab_dups`` for the staged file; return how many rows each step looked at."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE litlab_keys AS
        SELECT rowid AS rn, doi, {_KEY_COLUMNS}, CASE WHEN length(title_key) >= {MIN_TITLE_KEY}
               THEN title_key END AS tk, year, authors[1] AS first_author
        FROM {STAGED} WHERE reject IS NULL""")
    _mark_exact(con)
    pairs, scored = _similar_pairs(con, threshold)
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
    return {"marked": len(rows), "stored_compared": len(stored), "title_pairs": scored,
            "similar_kept": pairs.num_rows}


def drop_blocking_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("litlab_keys", "litlab_key_values", "litlab_stored_values", "litlab_collisions",
                 "litlab_marked", "litlab_marked_stored", "litlab_members", "litlab_candidates",
                 "litlab_dups"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
