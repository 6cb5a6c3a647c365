"""Delimited exports parsed by DuckDB's CSV reader, straight into the staging table.

DuckDB parses in C++ on every core and streams, but it numbers rows, not lines: a quoted
field with line breaks spans several lines. Each row's line is therefore recomputed from the
line breaks inside its fields, and the result is checked against the line count of the whole
file (``scan``). Whenever DuckDB and the file disagree (a blank line between rows, a lone CR,
a quote DuckDB reads differently from Python's csv module) the rows are dropped and the
Python reader reads the file instead: slower, never different.
"""
from __future__ import annotations

import csv
import io
import re

import duckdb
import numpy as np
import pyarrow as pa

from litlab.ingest.base import INT_FIELDS, LIST_FIELDS, TEXT_FIELDS
from litlab.ingest.scan import FileScan
from litlab.ingest.staging import NUL_REASON, STAGED, stage_sql

REJECTS = "litlab_csv_rejects"
MAX_LINE = 16 << 20  # a row over 16 MB goes to the Python reader (DuckDB holds 2 x this per thread)
_COUNT_ERRORS = {"TOO MANY COLUMNS", "MISSING COLUMNS"}
_FOUND = re.compile(r"Found:\s*(\d+)")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _unescaped(column: str) -> str:
    """``spreadsheet.unescape`` in SQL: the apostrophe litlab's exports put before a cell that
    a spreadsheet would run as a formula goes again, so an export reads back unchanged."""
    if column == "NULL":
        return column
    return (f"CASE WHEN starts_with({column}, '''') AND list_contains(['=', '+', '-', '@', "
            f"chr(9), chr(13), ''''], substr({column}, 2, 1)) THEN substr({column}, 2) "
            f"ELSE {column} END")


def header_lines(head: str, delimiter: str) -> tuple[list[str], int]:
    """The header's cells and how many lines it spans (a quoted name may hold a line break)."""
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    header = next(reader, [])
    return header, reader.line_num


def source_sql(scan: FileScan, header: list[str], delimiter: str, mapping: dict[int, str],
               list_separator: str | None, list_like: set[str], max_line: int = MAX_LINE) -> str:
    """The raw canonical columns, one row per CSV row, from DuckDB's ``read_csv``."""
    names = [f"c{i}" for i in range(len(header))]
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    read = (f"read_csv({_literal(str(scan.path))}, auto_detect=false, header=true, "
            f"delim={_literal(delimiter)}, quote='\"', escape='\"', columns={columns}, "
            f"strict_mode=true, null_padding=false, store_rejects=true, "
            f"rejects_table='{REJECTS}', rejects_scan='{REJECTS}_scans', "
            f"max_line_size={max_line}, buffer_size={2 * max_line}, encoding='utf-8')")
    # Line breaks inside the row's fields (to number lines), counted only where there are some.
    breaks = " + ".join(f"CASE WHEN contains({n}, chr(10)) THEN strlen({n}) - "
                        f"strlen(replace({n}, chr(10), '')) ELSE 0 END" for n in names)
    if len(set(header)) == len(header) and all(header):
        raw = "to_json(struct_pack(" + ", ".join(
            '"' + h.replace('"', '""') + f'" := coalesce({n}, \'\')'
            for h, n in zip(header, names)) + "))"
    else:  # repeated or empty column names: json_object keeps every pair
        raw = "json_object(" + ", ".join(f"{_literal(h)}, coalesce({n}, '')"
                                         for h, n in zip(header, names)) + ")"
    nul = " OR ".join(f"contains({n}, chr(0))" for n in names)
    reject = f"CASE WHEN {nul} THEN {_literal(NUL_REASON)} END" if scan.nul else "NULL"
    by_field = {field: names[i] for i, field in mapping.items()}
    fields = []
    for field in TEXT_FIELDS + INT_FIELDS + LIST_FIELDS:
        column = _unescaped(by_field.get(field, "NULL"))
        if list_separator and field in list_like:
            fields += [f"NULL::VARCHAR AS {field}",
                       f"string_split({column}, {_literal(list_separator)}) AS {field}__list"]
            continue
        fields.append(f"{column}::VARCHAR AS {field}")
        if list_separator and field in LIST_FIELDS:
            fields.append(f"NULL::VARCHAR[] AS {field}__list")
    return (f"SELECT NULL::BIGINT AS line, ({breaks})::INTEGER AS nl, "
            f"{raw} AS raw, {reject} AS reject, {', '.join(fields)} FROM {read}")


def _rejected_rows(con: duckdb.DuckDBPyConnection, width: int, crlf: bool) -> list[tuple] | None:
    """(ordinal, line breaks, reason, raw) of each row DuckDB refused; None if it refused a
    row for another reason than its field count (the Python reader then reads the file)."""
    rows = con.execute(f"SELECT DISTINCT line, error_type, csv_line, error_message "
                       f"FROM {REJECTS} ORDER BY line").fetchall()
    out = []
    for line, kind, text, message in rows:
        if kind not in _COUNT_ERRORS:
            return None
        found = _FOUND.search(message or "")
        if text and crlf and text.startswith("\n"):
            text = text[1:]  # DuckDB starts the row at the LF of the previous CRLF
        reason = (f"row has {found.group(1)} fields, header has {width}" if found
                  else f"row has the wrong number of fields (header has {width})")
        out.append((line - 2, (text or "").count("\n"), reason, text or ""))
    if len({o for o, *_ in out}) != len(out):
        return None
    return out


def _number_lines(con: duckdb.DuckDBPyConnection, scan: FileScan, first: int,
                  rejected: list[tuple]) -> bool:
    """Set every staged row's line; False when the lines do not add up to the file's."""
    nl = con.execute(f"SELECT nl FROM {STAGED} ORDER BY rowid").fetchnumpy()["nl"]
    nl = np.asarray(nl, dtype=np.int64)
    total = len(nl) + len(rejected)
    is_rejected = np.zeros(total, dtype=bool)
    ordinals = np.array([o for o, *_ in rejected], dtype=np.int64)
    if len(ordinals) and (ordinals.min() < 0 or ordinals.max() >= total):
        return False
    is_rejected[ordinals] = True
    breaks = np.zeros(total, dtype=np.int64)
    breaks[~is_rejected] = nl
    breaks[ordinals] = [n for _, n, *_ in rejected]
    spans = 1 + breaks
    starts = first + np.concatenate([[0], np.cumsum(spans)[:-1]])
    lines_in_file = scan.newlines + (0 if scan.trailing_newlines else 1)
    blank_at_end = max(0, scan.trailing_newlines - 1)
    if first - 1 + int(spans.sum()) + blank_at_end != lines_in_file:
        return False  # blank lines between rows, or rows DuckDB split unlike the file
    table = pa.table({"r": pa.array(np.arange(len(nl)), pa.int64()),
                      "l": pa.array(starts[~is_rejected], pa.int64())})
    con.register("litlab_lines", table)
    try:
        con.execute(f"UPDATE {STAGED} SET line = l FROM litlab_lines WHERE {STAGED}.rowid = r")
    finally:
        con.unregister("litlab_lines")
    if rejected:
        rows = pa.table({"line": pa.array(starts[ordinals], pa.int64()),
                         "reject": [r for *_, r, _ in rejected],
                         "raw": [raw for *_, raw in rejected]})
        con.register("litlab_refused", rows)
        try:
            con.execute(f"INSERT INTO {STAGED} BY NAME SELECT * FROM litlab_refused")
        finally:
            con.unregister("litlab_refused")
    return True


def stage_csv(con: duckdb.DuckDBPyConnection, scan: FileScan, head: str, delimiter: str,
              mapping: dict[int, str], list_separator: str | None,
              list_like: set[str], max_line: int = MAX_LINE) -> bool:
    """Stage the file with DuckDB; False (nothing kept) when the Python reader must read it."""
    if not scan.utf8 or scan.lone_cr:
        return False
    header, first_line = header_lines(head, delimiter)
    header = [h.strip().lstrip("\ufeff") for h in header]
    for table in (REJECTS, f"{REJECTS}_scans"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    try:
        stage_sql(con, source_sql(scan, header, delimiter, mapping, list_separator, list_like,
                                  max_line),
                  list_columns=bool(list_separator))
        rejected = _rejected_rows(con, len(header), crlf=scan.newlines > scan.lone_cr and
                                  b"\r\n" in scan.head)
    except duckdb.Error:
        return False
    finally:
        for table in (REJECTS, f"{REJECTS}_scans"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return rejected is not None and _number_lines(con, scan, first_line + 1, rejected)
