"""Reading one export file into the store: detect, parse, clean, deduplicate, write."""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from litlab.errors import UnknownFormat
from litlab.ingest.base import (CANONICAL_FIELDS, INT_FIELDS, LIST_FIELDS, READERS,
                                ParsedRecord, Reader)
from litlab.ingest.dedup import DuplicateIndex, enrich
from litlab.ingest.fields import clean_record
from litlab.ingest.report import ImportSummary
from litlab.ingest.textio import decode
from litlab.settings import IngestSettings
from litlab.store import insert_frame, transaction

RECORD_COLUMNS = ("record_id", "import_id", "source_line") + CANONICAL_FIELDS + (
    "copyright", "title_key", "raw")
_ARROW_TYPES = {**{f: pa.int64() for f in ("record_id", "import_id", "source_line") + INT_FIELDS},
                **{f: pa.list_(pa.string()) for f in LIST_FIELDS}}
RECORD_SCHEMA = pa.schema([(c, _ARROW_TYPES.get(c, pa.string())) for c in RECORD_COLUMNS])


_HTML = re.compile(r"\A[\ufeff\s]*(?:<!doctype html|<html[\s>]|<head[\s>])", re.I)
# A NUL byte never belongs in text: the row holding one is damaged, the others may be fine.
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")
NUL_REASON = "the row holds a NUL byte (\\x00), which text never does: the file is damaged here"


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


def load_duplicate_index(con: duckdb.DuckDBPyConnection, settings: IngestSettings) -> DuplicateIndex:
    """A duplicate index over every record already stored."""
    index = DuplicateIndex(settings.fuzzy_title_threshold)
    cursor = con.execute(
        "SELECT record_id, doi, eid, wos_ut, openalex_id, pmid, title_key, year, authors[1:1] "
        "FROM records"
    )
    for rid, doi, eid, ut, oa, pmid, key, year, first in cursor.fetchall():
        index.add(rid, {"doi": doi, "eid": eid, "wos_ut": ut, "openalex_id": oa, "pmid": pmid,
                        "title_key": key, "year": year, "authors": first})
    return index


def _shifted_rows_hint(reasons: Counter, threshold: int) -> str | None:
    shifted = [(n, r) for r, n in reasons.items() if r.startswith("row has ") and n >= threshold]
    if not shifted:
        return None
    n, reason = max(shifted)
    return (f"{n} rows share the same wrong field count ({reason}): the file looks like two "
            f"exports with different columns pasted together")


def import_export(con: duckdb.DuckDBPyConnection, path: Path, settings: IngestSettings,
                  index: DuplicateIndex) -> ImportSummary:
    """Read one export into the store in a single transaction and summarise what happened."""
    sha = sha256_file(path)
    known = con.execute(
        "SELECT import_id FROM imports WHERE sha256 = ? AND status = 'done' LIMIT 1", [sha]
    ).fetchone()
    if known:
        return ImportSummary(str(path), "unchanged", import_id=known[0],
                             message=f"already imported (import #{known[0]}, same content)")
    started = datetime.now()
    decoded = decode(path.read_bytes(), path.name)
    reader = detect_reader(decoded.text, path)
    summary = ImportSummary(str(path), "done", reader.name, decoded.encoding)
    import_id = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()[0]
    next_id = con.execute("SELECT coalesce(max(record_id), 0) + 1 FROM records").fetchone()[0]
    summary.import_id = import_id

    new_records: dict[int, dict] = {}
    enriched_existing: dict[int, dict] = {}
    duplicates, rejects = [], []
    reasons: Counter = Counter()
    for item in reader.read(decoded.text, path):
        summary.rows_read += 1
        if not isinstance(item, ParsedRecord):
            rejects.append((import_id, item.line, item.reason, item.raw))
            reasons[item.reason] += 1
            continue
        raw = json.dumps(item.raw, ensure_ascii=False)
        if _JSON_NUL.search(raw):
            rejects.append((import_id, item.line, NUL_REASON, raw))
            reasons[NUL_REASON] += 1
            continue
        record = clean_record(item.fields)
        if not record["title"] and not record["doi"]:
            rejects.append((import_id, item.line, "no title and no DOI", raw))
            reasons["no title and no DOI"] += 1
            continue
        match = index.find(record)
        if match:
            kept = new_records.get(match.record_id)
            if kept is None:
                kept = enriched_existing.setdefault(match.record_id, _stored(con, match.record_id))
            filled = enrich(kept, record)
            duplicates.append((import_id, item.line, match.record_id, match.reason,
                               match.similarity, filled, raw))
            continue
        record.update(record_id=next_id, import_id=import_id, source_line=item.line, raw=raw)
        new_records[next_id] = record
        index.add(next_id, record)
        next_id += 1

    summary.stored, summary.duplicates, summary.rejected = len(new_records), len(duplicates), len(rejects)
    summary.reject_reasons = dict(reasons)
    summary.reject_lines = [r[1] for r in rejects[:20]]
    summary.duplicate_reasons = dict(Counter(d[3] for d in duplicates))
    summary.enriched = sum(1 for d in duplicates if d[5])
    summary.message = _shifted_rows_hint(reasons, settings.shifted_rows_hint)
    failure = nothing_read(summary)
    if failure:
        summary.status, summary.message = "failed", failure
    _write(con, summary, sha, started, new_records, enriched_existing, duplicates, rejects)
    return summary


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


def _stored(con: duckdb.DuckDBPyConnection, record_id: int) -> dict:
    cursor = con.execute(f"SELECT {', '.join(CANONICAL_FIELDS)}, copyright, title_key "
                         "FROM records WHERE record_id = ?", [record_id])
    names = [d[0] for d in cursor.description]
    row = dict(zip(names, cursor.fetchone()))
    row["_original"] = dict(row)
    return row


def _write(con, summary, sha, started, new_records, enriched_existing, duplicates, rejects) -> None:
    with transaction(con):
        # A file that failed before is read again; its earlier attempt gives way to this one.
        earlier = "SELECT import_id FROM imports WHERE sha256 = ? AND status = 'failed'"
        con.execute(f"DELETE FROM rejects WHERE import_id IN ({earlier})", [sha])
        con.execute(f"DELETE FROM imports WHERE import_id IN ({earlier})", [sha])
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
            [summary.import_id, summary.file, sha, summary.format, summary.encoding,
             summary.rows_read, summary.stored, summary.duplicates, summary.rejected,
             summary.status, summary.message, started],
        )
        insert_frame(con, "records", pa.Table.from_pylist(list(new_records.values()),
                                                          schema=RECORD_SCHEMA))
        for record_id, row in enriched_existing.items():
            original = row.pop("_original")
            for name in [k for k in original if row.get(k) != original[k]]:
                con.execute(f"UPDATE records SET {name} = ?, updated_at = now() "
                            "WHERE record_id = ?", [row[name], record_id])
        insert_frame(con, "duplicates", pd.DataFrame(duplicates, columns=[
            "import_id", "line", "duplicate_of", "reason", "similarity", "enriched", "raw"]))
        insert_frame(con, "rejects", pd.DataFrame(rejects, columns=[
            "import_id", "line", "reason", "raw"]))
