"""Human labels from a CSV, matched to records by record_id, DOI, or (last resort) title."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from litlab.errors import LitlabError
from litlab.ingest.fields import normalise_doi, title_key

ID_COLUMNS = ("record_id", "doi", "title")


def read_csv_cells(path: Path, what: str) -> pd.DataFrame:
    """A CSV file, every cell as text; refused in one line when missing or unreadable."""
    path = Path(path)
    if not path.is_file():
        raise LitlabError(f"no such {what} file: {path}")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LitlabError(f"{path} is not a readable CSV ({type(exc).__name__}: "
                          f"{str(exc).splitlines()[0][:120]})") from None


def read_label_file(path: Path, label_column: str, what: str = "label") -> pd.DataFrame:
    """A CSV of human labels, every cell as text; refused with the reason when it cannot be."""
    table = read_csv_cells(path, what)
    if label_column not in table.columns:
        raise LitlabError(f"{path} has no {label_column!r} column (columns: "
                          f"{', '.join(table.columns)}); name it with --label-column")
    if not set(ID_COLUMNS) & set(table.columns):
        raise LitlabError(f"{path} must name records by a record_id, doi or title column")
    return table


def match_records(con: duckdb.DuckDBPyConnection, table: pd.DataFrame) -> list[int | None]:
    """The record each row names: by record_id, else DOI, else normalised title (and year
    when several records share the title); None if none, or if the title stays ambiguous."""
    return [record_id for record_id, _ in match_with_reasons(con, table)]


def match_with_reasons(con: duckdb.DuckDBPyConnection, table: pd.DataFrame
                       ) -> list[tuple[int | None, str | None]]:
    """(record, None) for each row that names one record, else (None, why not): it names
    none, or its title matches several records (a decision is never attached to one of
    them at random)."""
    records = con.execute("SELECT record_id, doi, title_key, year FROM records").fetchall()
    by_id = {r for r, _, _, _ in records}
    by_doi = {d: r for r, d, _, _ in records if d}
    by_title: dict[str, list[tuple[int, int | None]]] = {}
    for r, _, t, y in records:
        if t:
            by_title.setdefault(t, []).append((r, y))
    matched = []
    for row in table.to_dict("records"):
        raw_id = str(row.get("record_id", "")).strip()
        record_id = int(raw_id) if raw_id.isdigit() and int(raw_id) in by_id else None
        if record_id is None:
            record_id = by_doi.get(normalise_doi(row.get("doi")) or "")
        if record_id is not None:
            matched.append((record_id, None))
            continue
        same = by_title.get(title_key(row.get("title")) or "", []) if row.get("title") else []
        year = str(row.get("year") or "").strip()
        if len(same) > 1 and year.isdigit():
            same = [c for c in same if c[1] == int(year)] or same
        if len(same) == 1:
            matched.append((same[0][0], None))
        elif same:
            ids = ", ".join(str(r) for r, _ in sorted(same)[:10])
            matched.append((None, f"title matches records {ids}: give its doi or record_id"))
        else:
            matched.append((None, "names no record of this corpus"))
    return matched


def read_gold(con: duckdb.DuckDBPyConnection, path: Path, label_column: str = "label"
              ) -> pd.DataFrame:
    """(record_id, gold label) for every row of the file that names a record in the corpus."""
    gold = read_label_file(path, label_column, "gold")
    gold["record_id"] = match_records(con, gold)
    labels = gold[label_column].str.strip()
    matched = gold[gold.record_id.notna() & (labels != "")]
    if matched.empty:
        raise LitlabError(f"no row of {path} names a record of this corpus")
    return pd.DataFrame({"record_id": matched.record_id.astype(int),
                         "gold": labels[matched.index]}).drop_duplicates("record_id", keep="last")
