"""Storing one staged file in a single transaction: records, duplicates, rejects, the import.

Kept rows get record ids in file order. A kept record is filled in from its duplicates: each
empty field takes the value of the first duplicate (in file order) that has one, which is what
filling the record duplicate by duplicate gives; each duplicate lists the fields it filled.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime

import duckdb

from litlab.ingest.base import CANONICAL_FIELDS
from litlab.ingest.report import ImportSummary
from litlab.ingest.staging import STAGED
from litlab.store import transaction

log = logging.getLogger("litlab.ingest")
FILL_FIELDS = CANONICAL_FIELDS + ("copyright",)
BULK_ROWS = 20_000  # from this many new records on, the DOI index is rebuilt, not updated
RECORD_COLUMNS = ("record_id", "import_id", "source_line") + CANONICAL_FIELDS + (
    "copyright", "title_key", "raw")


def _prepare(con: duckdb.DuckDBPyConnection, next_id: int) -> None:
    """Record ids of kept rows (``record_id``; ``litlab_ids``); the few rows that are not
    simply stored, read once (``litlab_side``: rejects, duplicates, and the kept rows their
    duplicates fill in); the first value of each field among each target's duplicates
    (``litlab_fills``), and whether the target's own field is empty."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE litlab_ids AS
        SELECT rowid AS rn, {next_id} - 1 + row_number() OVER (ORDER BY rowid) AS record_id
        FROM {STAGED} WHERE reject IS NULL AND rowid NOT IN (SELECT rn FROM litlab_dups)""")
    # In place (a fixed-width column), so the wide rows are then read by a plain scan.
    con.execute(f"UPDATE {STAGED} SET record_id = i.record_id FROM litlab_ids i "
                f"WHERE {STAGED}.rowid = i.rn")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE litlab_side AS
        SELECT rowid AS rn, * FROM {STAGED} WHERE record_id IS NULL
            OR rowid IN (SELECT -target - 1 FROM litlab_dups WHERE target < 0)""")
    firsts = ", ".join(
        f"arg_min(s.{f}, d.rn) FILTER (WHERE s.{f} IS NOT NULL) AS {f}, "
        f"min(d.rn) FILTER (WHERE s.{f} IS NOT NULL) AS {f}__from" for f in FILL_FIELDS)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE litlab_fills AS
        SELECT d.target, {firsts},
               arg_min(s.title_key, d.rn) FILTER (WHERE s.title IS NOT NULL) AS title_key
        FROM litlab_dups d JOIN litlab_side s ON s.rn = d.rn GROUP BY d.target""")
    empties = ", ".join(f"{f} IS NULL AS {f}__empty" for f in FILL_FIELDS)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE litlab_target_empty AS
        SELECT record_id AS target, {empties} FROM records
        WHERE record_id IN (SELECT target FROM litlab_fills WHERE target > 0)
        UNION ALL
        SELECT -(rn + 1), {empties} FROM litlab_side
        WHERE -(rn + 1) IN (SELECT target FROM litlab_fills WHERE target < 0)""")
    con.execute(f"UPDATE {STAGED} SET filled = true FROM litlab_fills f "
                f"WHERE f.target = -({STAGED}.rowid + 1)")


def _insert_records(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    plain = ", ".join(CANONICAL_FIELDS + ("copyright", "title_key", "raw"))
    con.execute(f"""INSERT INTO records BY NAME
        SELECT record_id, {import_id} AS import_id, line AS source_line, {plain}
        FROM {STAGED} WHERE record_id IS NOT NULL AND filled IS NULL""")
    values = ", ".join(f"coalesce(s.{f}, f.{f}) AS {f}" for f in FILL_FIELDS)
    con.execute(f"""INSERT INTO records BY NAME
        SELECT s.record_id, {import_id} AS import_id, s.line AS source_line, {values},
               CASE WHEN s.title IS NULL AND f.title IS NOT NULL THEN f.title_key
                    ELSE s.title_key END AS title_key, s.raw
        FROM litlab_side s JOIN litlab_fills f ON f.target = -(s.rn + 1)""")


def _insert_duplicates(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    filled = ", ".join(f"CASE WHEN e.{f}__empty AND f.{f}__from = d.rn THEN '{f}' END"
                       for f in FILL_FIELDS)
    con.execute(f"""INSERT INTO duplicates BY NAME
        SELECT {import_id} AS import_id, s.line,
               CASE WHEN d.target > 0 THEN d.target ELSE i.record_id END AS duplicate_of,
               d.reason, d.similarity,
               list_filter([{filled}], x -> x IS NOT NULL) AS enriched, s.raw
        FROM litlab_dups d JOIN litlab_side s ON s.rn = d.rn
        JOIN litlab_fills f ON f.target = d.target
        JOIN litlab_target_empty e ON e.target = d.target
        LEFT JOIN litlab_ids i ON i.rn = -d.target - 1""")


def _update_stored(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the empty fields of stored records from this file's duplicates of them.

    One UPDATE per field that has something to fill, touching only the records it fills: a
    single UPDATE of every column rewrites whole rows (lists and raw included) and cost 25 s
    for 50,000 records an OpenAlex export completed with their OpenAlex ids.
    """
    fillable = con.execute("SELECT " + ", ".join(
        f"count(*) FILTER (WHERE e.{f}__empty AND u.{f} IS NOT NULL)" for f in FILL_FIELDS)
        + " FROM litlab_fills u JOIN litlab_target_empty e USING (target) WHERE target > 0"
    ).fetchone()
    for name, n in zip(FILL_FIELDS, fillable):
        if not n:
            continue
        con.execute(f"""UPDATE records SET {name} = u.{name} FROM litlab_fills u
            WHERE u.target = records.record_id AND records.{name} IS NULL
              AND u.{name} IS NOT NULL""")
        if name == "title":
            con.execute("""UPDATE records SET title_key = u.title_key FROM litlab_fills u
                WHERE u.target = records.record_id AND records.title = u.title
                  AND records.title_key IS NULL""")
    if any(fillable):
        changed = " OR ".join(f"(e.{f}__empty AND u.{f} IS NOT NULL)" for f in FILL_FIELDS)
        con.execute(f"""UPDATE records SET updated_at = now() WHERE record_id IN (
            SELECT target FROM litlab_fills u JOIN litlab_target_empty e USING (target)
            WHERE target > 0 AND ({changed}))""")


def count(con: duckdb.DuckDBPyConnection, summary: ImportSummary) -> None:
    """Rows read, stored, merged and rejected, with reasons and the first rejected lines."""
    summary.rows_read, summary.rejected = con.execute(
        f"SELECT count(*), count(reject) FROM {STAGED}").fetchone()
    summary.duplicates = con.execute("SELECT count(*) FROM litlab_dups").fetchone()[0]
    summary.stored = summary.rows_read - summary.rejected - summary.duplicates
    # Counted without the position a JSON error names, so that 900 cut-off lines make one
    # reason, not 900 (each rejected row keeps its full reason in the rejects table).
    summary.reject_reasons = dict(con.execute(
        f"SELECT regexp_replace(reject, ':? line \\d+ column \\d+ \\(char \\d+\\)$', ''), "
        f"count(*) FROM {STAGED} WHERE reject IS NOT NULL GROUP BY 1 ORDER BY min(line)"
    ).fetchall())
    summary.reject_lines = [line for (line,) in con.execute(
        f"SELECT line FROM {STAGED} WHERE reject IS NOT NULL ORDER BY line LIMIT 20").fetchall()]
    summary.duplicate_reasons = dict(con.execute(
        "SELECT reason, count(*) FROM litlab_dups GROUP BY 1 ORDER BY 1").fetchall())


def _many(con: duckdb.DuckDBPyConnection, adding: int) -> bool:
    """Whether ``adding`` records are enough to rebuild the DOI index rather than update it."""
    if adding < BULK_ROWS:
        return False
    has_index = con.execute("SELECT count(*) FROM duckdb_indexes() WHERE index_name = "
                            "'records_doi' AND table_name = 'records'").fetchone()[0]
    stored = con.execute("SELECT count(*) FROM records").fetchone()[0]
    return bool(has_index) and adding >= stored // 4


def _steps():
    last = [time.perf_counter(), time.process_time()]

    def step(name: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        log.debug("  store: %s %.2f s (cpu %.2f s)", name, now - last[0], cpu - last[1])
        last[:] = now, cpu
    return step


def write_import(con: duckdb.DuckDBPyConnection, summary: ImportSummary, sha: str,
                 started: datetime) -> None:
    """Everything the staged file adds to the corpus, all or nothing."""
    import_id = summary.import_id
    next_id = con.execute("SELECT coalesce(max(record_id), 0) + 1 FROM records").fetchone()[0]
    step = _steps()
    with transaction(con):
        _prepare(con, next_id)
        step("prepare")
        # A file that failed before is read again; its earlier attempt gives way to this one.
        earlier = "SELECT import_id FROM imports WHERE sha256 = ? AND status = 'failed'"
        con.execute(f"DELETE FROM rejects WHERE import_id IN ({earlier})", [sha])
        con.execute(f"DELETE FROM imports WHERE import_id IN ({earlier})", [sha])
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
            [import_id, summary.file, sha, summary.format, summary.encoding, summary.rows_read,
             summary.stored, summary.duplicates, summary.rejected, summary.status,
             summary.message, started])
        rebuild = _many(con, summary.stored)
        if rebuild:  # one bulk build of the DOI index is far cheaper than a million inserts
            con.execute("DROP INDEX IF EXISTS records_doi")
        _insert_records(con, import_id)
        if rebuild:
            con.execute("CREATE INDEX records_doi ON records(doi)")
        step("records")
        _insert_duplicates(con, import_id)
        con.execute(f"""INSERT INTO rejects BY NAME
            SELECT {import_id} AS import_id, line, reject AS reason, raw FROM litlab_side
            WHERE reject IS NOT NULL ORDER BY line""")
        step("duplicates, rejects")
        if con.execute("SELECT count(*) FROM litlab_fills WHERE target > 0").fetchone()[0]:
            _update_stored(con)
        step("enrichment of stored records")
    step("commit")
    summary.enriched = con.execute(
        "SELECT count(*) FROM duplicates WHERE import_id = ? AND len(enriched) > 0",
        [import_id]).fetchone()[0]
    for name in ("litlab_ids", "litlab_side", "litlab_fills", "litlab_target_empty"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
