"""Human labels: one row per decision, never overwritten; the latest per record counts."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from litlab.errors import LitlabError, RecordNotFound
from litlab.ingest.fields import normalise_doi
from litlab.store import transaction

LABELS = ("TRUE", "FALSE", "UNCLEAR")
MAX_QUESTION_CHARS = 2000
# What people write in a CSV's label column, mapped to the stored label.
_SYNONYMS = {
    "true": "TRUE", "t": "TRUE", "1": "TRUE", "yes": "TRUE", "y": "TRUE", "include": "TRUE",
    "included": "TRUE", "relevant": "TRUE",
    "false": "FALSE", "f": "FALSE", "0": "FALSE", "no": "FALSE", "n": "FALSE", "exclude": "FALSE",
    "excluded": "FALSE", "irrelevant": "FALSE",
    "unclear": "UNCLEAR", "u": "UNCLEAR", "maybe": "UNCLEAR", "?": "UNCLEAR",
}


def normalise_question(question: str) -> str:
    """The key reviews are stored under: whitespace collapsed; empty or huge questions refused."""
    text = " ".join((question or "").split())
    if not text:
        raise LitlabError("empty question: write the question the reviews answer")
    if len(text) > MAX_QUESTION_CHARS:
        raise LitlabError(f"the question has {len(text):,} characters; keep it under "
                          f"{MAX_QUESTION_CHARS:,} (one question, not a document)")
    return text


def normalise_label(value) -> str | None:
    """TRUE, FALSE or UNCLEAR for the usual spellings (1/0, yes/no, include/exclude); else None."""
    return _SYNONYMS.get(str(value).strip().lower())


def add_review(con: duckdb.DuckDBPyConnection, question: str, record_id: int, label: str,
               reviewer: str, source: str = "api", note: str | None = None) -> int:
    """Store one decision and return its review id; a later decision supersedes it."""
    question = normalise_question(question)
    stored = normalise_label(label)
    if stored is None:
        raise LitlabError(f"label {label!r} is not one of {', '.join(LABELS)}")
    if not con.execute("SELECT count(*) FROM records WHERE record_id = ?", [record_id]).fetchone()[0]:
        raise RecordNotFound(f"no record {record_id} in this corpus")
    return con.execute(
        "INSERT INTO reviews (question, record_id, label, reviewer, source, note, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING review_id",
        [question, int(record_id), stored, reviewer, source, note, datetime.now()]).fetchone()[0]


def current_reviews(con: duckdb.DuckDBPyConnection, question: str) -> pd.DataFrame:
    """The decision that counts per record (the latest), with reviewer, time and history size."""
    return con.execute("""
        SELECT record_id, label, reviewer, created_at, source, n_decisions FROM (
            SELECT *, row_number() OVER (PARTITION BY record_id ORDER BY review_id DESC) AS rank,
                   count(*) OVER (PARTITION BY record_id) AS n_decisions
            FROM reviews WHERE question = ?) WHERE rank = 1 ORDER BY record_id
    """, [normalise_question(question)]).df()


def review_history(con: duckdb.DuckDBPyConnection, question: str,
                   record_id: int | None = None) -> pd.DataFrame:
    """Every decision, oldest first (corrections included)."""
    sql = "SELECT * FROM reviews WHERE question = ?"
    params: list = [normalise_question(question)]
    if record_id is not None:
        sql += " AND record_id = ?"
        params.append(int(record_id))
    return con.execute(sql + " ORDER BY review_id", params).df()


@dataclass
class ImportResult:
    question: str
    imported: int = 0
    by_label: dict = field(default_factory=dict)
    skipped: list = field(default_factory=list)  # (line, reason), first 20

    def to_dict(self) -> dict:
        return asdict(self)


def import_reviews(con: duckdb.DuckDBPyConnection, question: str, path: Path, reviewer: str,
                   label_column: str = "label") -> ImportResult:
    """Read human labels from a CSV naming records by ``record_id`` or ``doi``; one transaction."""
    question = normalise_question(question)
    path = Path(path)
    if not path.exists():
        raise LitlabError(f"no such file: {path}")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if label_column not in table.columns:
        raise LitlabError(f"{path} has no {label_column!r} column "
                          f"(columns: {', '.join(table.columns)})")
    if not {"record_id", "doi"} & set(table.columns):
        raise LitlabError(f"{path} must name records by a record_id or doi column")
    records = con.execute("SELECT record_id, doi FROM records").fetchall()
    ids = {r for r, _ in records}
    by_doi = {d: r for r, d in records if d}
    result, rows, now = ImportResult(question), [], datetime.now()
    for line, row in enumerate(table.to_dict("records"), start=2):
        raw_id = str(row.get("record_id", "")).strip()
        record_id = int(raw_id) if raw_id.isdigit() and int(raw_id) in ids else \
            by_doi.get(normalise_doi(row.get("doi")) or "")
        label = normalise_label(row[label_column])
        if record_id is None or label is None:
            reason = (f"label {row[label_column]!r} is not TRUE/FALSE/UNCLEAR" if label is None
                      else "names no record of this corpus")
            result.skipped.append((line, reason))
            continue
        rows.append((question, record_id, label, reviewer, "import", f"{path.name}:{line}", now))
        result.by_label[label] = result.by_label.get(label, 0) + 1
    if not rows:
        raise LitlabError(f"no row of {path} could be imported "
                          f"(first problem: line {result.skipped[0][0]}, {result.skipped[0][1]})"
                          if result.skipped else f"{path} has no rows")
    with transaction(con):
        con.executemany("INSERT INTO reviews (question, record_id, label, reviewer, source, "
                        "note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    result.imported = len(rows)
    result.skipped = result.skipped[:20]
    return result
