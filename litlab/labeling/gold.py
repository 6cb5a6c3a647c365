"""Human labels from a CSV, matched to records by record_id, DOI, or (last resort) title."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from litlab.errors import LitlabError
from litlab.ingest.fields import normalise_doi, title_key


def read_gold(con: duckdb.DuckDBPyConnection, path: Path, label_column: str = "label"
              ) -> pd.DataFrame:
    """(record_id, gold label) for every row of the file that names a record in the corpus."""
    if not Path(path).exists():
        raise LitlabError(f"no such gold file: {path}")
    gold = pd.read_csv(path, dtype=str, keep_default_na=False)
    if label_column not in gold.columns:
        raise LitlabError(f"{path} has no {label_column!r} column (columns: {', '.join(gold.columns)})")
    if not {"record_id", "doi", "title"} & set(gold.columns):
        raise LitlabError(f"{path} must name records by record_id, doi or title")
    records = con.execute("SELECT record_id, doi, title_key FROM records").fetchall()
    by_id = {r for r, _, _ in records}
    by_doi = {d: r for r, d, _ in records if d}
    by_title = {t: r for r, _, t in records if t}
    matched = []
    for _, row in gold.iterrows():
        record_id = None
        if row.get("record_id", "").strip().isdigit() and int(row["record_id"]) in by_id:
            record_id = int(row["record_id"])
        elif normalise_doi(row.get("doi")) in by_doi:
            record_id = by_doi[normalise_doi(row.get("doi"))]
        elif title_key(row.get("title")) in by_title:
            record_id = by_title[title_key(row.get("title"))]
        label = str(row[label_column]).strip()
        if record_id is not None and label:
            matched.append((record_id, label))
    if not matched:
        raise LitlabError(f"no row of {path} names a record of this corpus")
    return pd.DataFrame(matched, columns=["record_id", "gold"]).drop_duplicates("record_id", keep="last")
