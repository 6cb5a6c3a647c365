"""The labeled table as RIS (rispy) or BibTeX (bibtexparser), labels in a note field."""
from __future__ import annotations

from pathlib import Path

import pandas as pd


def _label_note(row: dict) -> str:
    parts = []
    for key, value in row.items():
        if key.endswith(":label") and isinstance(value, str):
            name = key[: -len(":label")]
            evidence = row.get(f"{name}:evidence")
            parts.append(f"litlab {name}: {value}" + (f" (evidence: {evidence})"
                                                        if isinstance(evidence, str) else ""))
    return "; ".join(parts)


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def write_ris(table: pd.DataFrame, path: Path) -> None:
    import rispy

    entries = []
    for row in table.to_dict(orient="records"):
        entry = {"type_of_reference": "JOUR", "primary_title": _text(row["title"]),
                 "authors": (_text(row["authors"]) or "").split("; ") if _text(row["authors"]) else [],
                 "year": _text(row["year"]), "secondary_title": _text(row["source_title"]),
                 "doi": _text(row["doi"]), "abstract": _text(row["abstract"]),
                 "keywords": (_text(row["keywords"]) or "").split("; ") if _text(row["keywords"]) else [],
                 "notes": [n for n in [_label_note(row)] if n], "id": str(row["record_id"])}
        entries.append({k: v for k, v in entry.items() if v not in (None, [], "")})
    path.write_text(rispy.dumps(entries), encoding="utf-8")


def write_bib(table: pd.DataFrame, path: Path) -> None:
    import bibtexparser
    from bibtexparser.model import Entry, Field

    library = bibtexparser.Library()
    for row in table.to_dict(orient="records"):
        fields = {"title": _text(row["title"]),
                  "author": " and ".join((_text(row["authors"]) or "").split("; ")) or None,
                  "year": _text(row["year"]), "journal": _text(row["source_title"]),
                  "doi": _text(row["doi"]), "abstract": _text(row["abstract"]),
                  "keywords": _text(row["keywords"]), "note": _label_note(row) or None}
        library.add(Entry("article", f"litlab{row['record_id']}",
                          [Field(k, v) for k, v in fields.items() if v]))
    path.write_text(bibtexparser.write_string(library), encoding="utf-8")
