"""Reading one export file into the store: scan, detect, stage, deduplicate, write.

The file is read once to hash it and check its bytes (``scan``), then parsed into the staging
table: by DuckDB's own CSV and JSON parsers where a reader offers that (``stage``), else by the
reader's Python ``read`` in batches. Cleaning happens in SQL as rows are staged, duplicates are
found in SQL with blocking (``blocking``), and one transaction stores the result (``writing``).
"""
from __future__ import annotations

import hashlib
import logging
import re
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

import duckdb

from litlab.errors import UnknownFormat
from litlab.ingest.base import READERS, Reader
from litlab.ingest.blocking import drop_blocking_tables, find_duplicates
from litlab.ingest.budget import Budget
from litlab.ingest.progress import FileProgress, ProgressFactory
from litlab.ingest.report import ImportSummary
from litlab.ingest.scan import FileScan, scan_file
from litlab.ingest.staging import BATCH, STAGED, create_staged, drop_staged, stage_items
from litlab.ingest.textio import detect_encoding, open_text, refuse_binary
from litlab.ingest.writing import count, write_import
from litlab.settings import IngestSettings

log = logging.getLogger("litlab.ingest")
_HTML = re.compile(r"\A[\ufeff\s]*(?:<!doctype html|<html[\s>]|<head[\s>])", re.I)


def detect_reader(text: str, path: Path) -> Reader:
    """The registered reader that best recognises the text's content."""
    head = text[:65536]
    if not head.strip():
        raise UnknownFormat(f"{path.name}: the file is empty")
    if _HTML.match(head):
        raise UnknownFormat(f"{path.name}: this is a web page (HTML), not an export: a login or "
                            "error page saved instead of the download? Export again from the database")
    scored = sorted(((r.sniff(head, path), r.name, r) for r in READERS.all()),
                    key=lambda t: t[0], reverse=True)
    score, _, reader = scored[0]
    if score <= 0:
        raise UnknownFormat(
            f"{path.name}: not a recognised export (readers tried: {', '.join(READERS.names())})"
        )
    return reader


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _shifted_rows_hint(reasons: dict[str, int], threshold: int) -> str | None:
    shifted = [(n, r) for r, n in reasons.items() if r.startswith("row has ") and n >= threshold]
    if not shifted:
        return None
    n, reason = max(shifted)
    return (f"{n} rows share the same wrong field count ({reason}): the file looks like two "
            f"exports with different columns pasted together")


def nothing_read(summary: ImportSummary) -> str | None:
    """Why an import that stored nothing and merged nothing failed, or None if it did not."""
    if summary.rows_read == 0:
        return "the file holds no records (a header or wrapper with nothing in it)"
    if summary.rejected < summary.rows_read:
        return None
    top = sorted(summary.reject_reasons.items(), key=lambda kv: -kv[1])[:3]
    why = "; ".join(f"{n} x {reason}" for reason, n in top)
    return (f"every row was rejected ({summary.rejected} of {summary.rows_read}), nothing was "
            f"stored: {why} (the rows are kept in the rejects table)")


class _Clock:
    """Seconds per step of one import, logged at DEBUG level (``litlab.ingest``)."""

    def __init__(self, name: str):
        self.name, self.last, self.cpu = name, time.perf_counter(), time.process_time()

    def lap(self, step: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        log.debug("%s: %s %.2f s (cpu %.2f s)", self.name, step, now - self.last, cpu - self.cpu)
        self.last, self.cpu = now, cpu


_LIMITS = ("memory_limit", "write_buffer_row_group_count", "write_buffer_row_group_memory_limit",
           "enable_progress_bar", "threads")
ONE_THREAD_BELOW = 1 << 30  # a DuckDB limit under this runs the import on one thread


@contextmanager
def memory_limit(con: duckdb.DuckDBPyConnection, limit: str | None) -> Iterator[None]:
    """DuckDB's memory limit for the length of one import (it spills to disk past it).

    A bulk insert buffers up to 5 row groups (of 122,880 rows) before writing them, and that
    buffer is pinned: past a small limit it cannot be evicted and the insert fails. It is
    held to one row group and a fifth of the limit here, and under ``ONE_THREAD_BELOW`` the
    import runs on one thread (each thread of an insert pins its own row group: a 205 MB file
    failed on two threads with a 68 MB limit and went in on one)."""
    if not limit:
        yield
        return
    before = con.execute("SELECT " + ", ".join(f"current_setting('{name}')" for name in _LIMITS)
                         ).fetchone()
    # DuckDB's own progress bar would print over litlab's (and into --json output).
    con.execute(f"SET memory_limit = '{limit}'; SET write_buffer_row_group_count = 1; "
                f"SET write_buffer_row_group_memory_limit = '{_fifth(limit)}'; "
                "SET enable_progress_bar = false"
                + ("; SET threads = 1" if _mib(limit) << 20 < ONE_THREAD_BELOW else ""))
    try:
        yield
    finally:
        con.execute("; ".join(f"SET {name} = '{value}'" for name, value in zip(_LIMITS, before)))


def _mib(limit: str) -> int:
    return int(limit.removesuffix("MiB"))


def _fifth(limit: str) -> str:
    return f"{max(1, _mib(limit) // 5)}MiB"


def _head_text(scan: FileScan, codec: str) -> str:
    """The decoded head (a character cut at 64 kB dropped)."""
    if scan.utf8:
        return scan.head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    with open_text(scan.path, codec) as fh:
        return fh.read(len(scan.head)).lstrip("\ufeff")


def _stage(con: duckdb.DuckDBPyConnection, reader: Reader, scan: FileScan, codec: str,
           budget: Budget | None, progress: FileProgress) -> None:
    """Fill the staging table from the file: DuckDB's reader where it reads the file as the
    Python reader would, else the Python reader in batches of ``budget.batch_rows``."""
    stage = getattr(reader, "stage", None)
    if scan.utf8 and stage is not None and (stage(con, scan, budget.max_line) if budget
                                            else stage(con, scan)):
        rows, rejected = con.execute(f"SELECT count(*), count(reject) FROM {STAGED}").fetchone()
        progress.read(rows, rejected)
        return
    create_staged(con)  # a fast reader that gave up may have left rows
    with open_text(scan.path, codec) as fh:
        stream = getattr(reader, "stream", None)
        # A reader registered from outside may only take the whole text.
        items = stream(fh, scan.path) if stream else reader.read(fh.read(), scan.path)
        where = getattr(getattr(fh, "buffer", None), "tell", None)
        stage_items(con, items, budget.batch_rows if budget else BATCH,
                    lambda rows, rejected: progress.read(
                        rows, rejected, where() if where else None))


def import_export(con: duckdb.DuckDBPyConnection, path: Path, settings: IngestSettings,
                  progress: ProgressFactory | None = None) -> ImportSummary:
    """Read one export into the store in a single transaction and summarise what happened.

    Memory stays within ``settings.memory_limit`` whatever the file's size: DuckDB spills
    past its share, Python readers hold one batch at a time."""
    scan = scan_file(path)
    known = con.execute(
        "SELECT import_id FROM imports WHERE sha256 = ? AND status = 'done' LIMIT 1",
        [scan.sha256]).fetchone()
    if known:
        return ImportSummary(str(path), "unchanged", import_id=known[0],
                             message=f"already imported (import #{known[0]}, same content)")
    started = datetime.now()
    refuse_binary(scan.head, path.name)
    codec, encoding = detect_encoding(path, scan.head, scan.utf8)
    reader = detect_reader(_head_text(scan, codec), path)
    summary = ImportSummary(str(path), "done", reader.name, encoding)
    summary.import_id = con.execute(
        "SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()[0]
    clock = _Clock(path.name)
    budget = Budget.of(settings.memory_limit)
    tracker = FileProgress(progress, path.name, scan.size)
    try:
        limit = budget.duckdb_limit if budget and budget.limits_file(scan.size) else None
        with memory_limit(con, limit):
            create_staged(con)
            _stage(con, reader, scan, codec, budget, tracker)
            clock.lap("parse and clean")
            looked_at = find_duplicates(con, settings.fuzzy_title_threshold)
            clock.lap(f"deduplicate ({looked_at})")
            count(con, summary)
            tracker.deduplicated(summary.duplicates, summary.rejected)
            summary.message = _shifted_rows_hint(summary.reject_reasons,
                                                 settings.shifted_rows_hint)
            failure = nothing_read(summary)
            if failure:
                summary.status, summary.message = "failed", failure
            write_import(con, summary, scan.sha256, started)
            tracker.done(summary.stored, summary.duplicates, summary.rejected)
            clock.lap("store")
    finally:
        drop_blocking_tables(con)
        drop_staged(con)
    return summary
