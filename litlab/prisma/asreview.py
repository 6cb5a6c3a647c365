"""Screening decisions to and from ASReview LAB.

Out: the CSV layout ASReview LAB imports as a dataset: title, abstract, authors, doi, year,
keywords, url, and ``label_included`` (1 included, 0 excluded, empty not screened) at title
and abstract; ASReview reads labeled rows as prior knowledge. ASReview knows no UNCLEAR:
such records go out unlabeled, with ``litlab_label`` saying why (and come back UNCLEAR
unless ASReview decided them). No column is called
``label`` or ``included``: ASReview would read either as the label column.

In: ASReview's exported dataset keeps the input columns and adds ``asreview_label`` (its
decisions); a plain dataset has ``label_included``. Records are matched by DOI, then title
(ASReview's own ``record_id`` means nothing here). Rows without a decision are passed over,
rows repeating a record's current decision change nothing, and the rest become reviews.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from litlab.errors import LitlabError
from litlab.review.labels import ImportResult, current_reviews, normalise_question

# The label columns ASReview LAB reads, in its order of preference (asreview.data.base).
LABEL_COLUMNS = ("asreview_label", "included", "label", "final_included", "label_included",
                 "included_label", "included_final", "included_flag", "include")
_TRUE = {"1", "1.0", "yes", "y", "true"}
_FALSE = {"0", "0.0", "no", "n", "false"}


def screening_table(con: duckdb.DuckDBPyConnection, question: str) -> pd.DataFrame:
    """Every record in ASReview's dataset layout with the current title/abstract decision."""
    from litlab.prisma.counts import require_stages

    question = normalise_question(question)
    require_stages(con)
    table = con.execute("""
        SELECT record_id AS litlab_record_id, title, abstract,
               array_to_string(authors, '; ') AS authors, doi, year,
               array_to_string(coalesce(author_keywords, []), '; ') AS keywords,
               link AS url, source_title AS journal
        FROM records ORDER BY record_id""").df()
    current = current_reviews(con, question)
    decided = dict(zip(current.record_id.astype(int),
                       current.label.where(~current.disputed, "DISPUTED")))
    labels = table.litlab_record_id.map(lambda r: decided.get(int(r), ""))
    table["label_included"] = labels.map({"TRUE": "1", "FALSE": "0"}).fillna("")
    table["litlab_label"] = labels
    table["year"] = table.year.astype("Int64")
    return table


def export_asreview(con: duckdb.DuckDBPyConnection, question: str, path: Path) -> dict:
    """Write the screening state as a CSV ASReview LAB imports (text cells escaped)."""
    from litlab.spreadsheet import escape_frame

    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise LitlabError(f"ASReview files are written as CSV: name the file {path.stem}.csv")
    from litlab.outputs import check_output_path, output_file

    check_output_path(path)
    table = screening_table(con, question)
    with output_file(path) as partial:
        escape_frame(table).to_csv(partial, index=False)
    labels = table.label_included
    return {"path": str(path), "rows": len(table), "included": int((labels == "1").sum()),
            "excluded": int((labels == "0").sum()), "unlabeled": int((labels == "").sum()),
            "unclear_or_disputed": int(table.litlab_label.isin(["UNCLEAR", "DISPUTED"]).sum())}


def read_asreview(path: Path) -> tuple[pd.DataFrame, str]:
    """(table with doi, title and label TRUE/FALSE/'' or the raw value, the label column)."""
    from litlab.labeling.gold import read_csv_cells
    from litlab.spreadsheet import unescape

    path = Path(path)
    raw = read_csv_cells(path, "ASReview")
    column = next((c for c in LABEL_COLUMNS if c in raw.columns), None)
    if column is None:
        raise LitlabError(f"{path} has no ASReview label column (one of "
                          f"{', '.join(LABEL_COLUMNS)}); columns: {', '.join(raw.columns)}")
    if not {"doi", "title"} & set(raw.columns):
        raise LitlabError(f"{path} has neither a doi nor a title column to match records by")

    def label(value: str) -> str:
        text = value.strip().lower()
        return "TRUE" if text in _TRUE else "FALSE" if text in _FALSE else value.strip()

    labels = raw[column].map(label)
    if "litlab_label" in raw.columns:  # UNCLEAR went out unlabeled; it comes back as it was
        labels = labels.where((labels != "") | (raw.litlab_label != "UNCLEAR"), "UNCLEAR")
    table = pd.DataFrame({
        "doi": raw.get("doi", pd.Series([""] * len(raw))).map(unescape),
        "title": raw.get("title", pd.Series([""] * len(raw))).map(unescape),
        "label": labels})
    return table, column


def import_asreview(con: duckdb.DuckDBPyConnection, question: str, path: Path, reviewer: str,
                    new_reviewers: tuple[str, ...] = ()) -> ImportResult:
    """Store ASReview's decisions as title/abstract reviews; refused (nothing stored) when no
    row names a record of this corpus."""
    from litlab.labeling.gold import match_records
    from litlab.review.labels import import_reviews

    question = normalise_question(question)
    table, column = read_asreview(Path(path))
    matched = match_records(con, table)
    if not any(m is not None for m in matched):
        raise LitlabError(f"none of the {len(table):,} rows of {path} names a record of this "
                          "corpus (matched by DOI, then title): is it the export of another "
                          "dataset? Nothing was imported")
    table["record_id"] = [str(m) if m is not None else "" for m in matched]
    current = current_reviews(con, question)
    now = dict(zip(current.record_id.astype(int), current.label))
    same = table.record_id.map(lambda r: r != "" and now.get(int(r))) == table.label
    fresh = table[~same & (table.label != "")]
    result = ImportResult(question)
    if not fresh.empty:
        result = import_reviews(con, question, Path(path), reviewer, "label", new_reviewers,
                                skip_blank=True, table=fresh)
    result.unlabeled = int((table.label == "").sum())
    result.unchanged = int(same.sum())
    return result
