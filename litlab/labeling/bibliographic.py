"""The labeled table as RIS (rispy) or BibTeX (bibtexparser), labels in a note field."""
from __future__ import annotations

import re
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


def _label_keywords(row: dict) -> list[str]:
    """Labels and topic as keywords (RIS KW): Zotero shows them as tags, one click filters."""
    tags = [f"litlab {key[: -len(':label')]}: {value}" for key, value in row.items()
            if key.endswith(":label") and isinstance(value, str)]
    if isinstance(row.get("topic_name"), str):
        tags.append(f"litlab topic: {row['topic_name']}")
    return tags


def _topic_note(row: dict) -> str:
    topic = row.get("topic")
    return (f"litlab topic {int(topic)}: {row['topic_name']}"
            if isinstance(row.get("topic_name"), str) and not pd.isna(topic) else "")


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
                 "keywords": ((_text(row["keywords"]) or "").split("; ") if _text(row["keywords"])
                              else []) + _label_keywords(row),
                 "notes": [n for n in [_label_note(row), _topic_note(row)] if n],
                 "id": str(row["record_id"])}
        entries.append({k: v for k, v in entry.items() if v not in (None, [], "")})
    path.write_text(rispy.dumps(entries), encoding="utf-8")


# Characters that LaTeX (and so BibTeX) reads as markup, written as the text they are.
_LATEX_SPECIAL = re.compile(r"[\\{}%&$#_~^]")
_LATEX_ESCAPES = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}


# LaTeX ligatures ("--" is a dash, ``...'' are curly quotes): "{}" between keeps the characters.
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[!?])(?=`)")


def latex_escape(value: str | None) -> str | None:
    """Text safe inside a BibTeX value, read back as the same text: braces, %, &, $, #, _, ~,
    ^ and \\ escaped, ligatures (``--``, ````...''``) broken."""
    if value is None:
        return None
    escaped = _LATEX_SPECIAL.sub(lambda m: _LATEX_ESCAPES.get(m.group(0), "\\" + m.group(0)),
                                 value)
    return _LIGATURE.sub("{}", escaped)


def _bib_author(name: str) -> str:
    # "and" inside one name (an organisation) would split it: braces keep it whole.
    name = latex_escape(name.strip())
    return f"{{{name}}}" if re.search(r"\sand\s", name, re.I) else name


def _bib_doi(value: str | None) -> str | None:
    # A DOI is read verbatim (no LaTeX decoding); only a brace would break the file.
    return value.replace("{", "%7B").replace("}", "%7D") if value else value


def write_bib(table: pd.DataFrame, path: Path) -> None:
    import bibtexparser
    from bibtexparser.model import Entry, Field

    library = bibtexparser.Library()
    for row in table.to_dict(orient="records"):
        authors = [a for a in (_text(row["authors"]) or "").split("; ") if a.strip()]
        fields = {"title": latex_escape(_text(row["title"])),
                  "author": " and ".join(map(_bib_author, authors)) or None,
                  "year": _text(row["year"]), "journal": latex_escape(_text(row["source_title"])),
                  "doi": _bib_doi(_text(row["doi"])), "abstract": latex_escape(_text(row["abstract"])),
                  "keywords": latex_escape(_text(row["keywords"])),
                  "note": latex_escape(_label_note(row)) or None}
        library.add(Entry("article", f"litlab{row['record_id']}",
                          [Field(k, v) for k, v in fields.items() if v]))
    path.write_text(bibtexparser.write_string(library), encoding="utf-8")
