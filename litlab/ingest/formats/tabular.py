"""Delimited exports (Scopus CSV of every era, renamed variants, OpenAlex and ASReview CSV).

Columns map to canonical fields through one alias table. Rows are read with the csv module
so that quoted fields with embedded newlines work, while each row keeps its line number and
raw text; a row whose field count differs from the header is rejected, never read shifted.
"""
from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path
from typing import Iterator, TextIO

from litlab.errors import MissingColumns
from litlab.ingest.base import ParsedRecord, ReadItem, RejectedRow
from litlab.spreadsheet import unescape

# canonical field -> header names that carry it (compared case-insensitively).
ALIASES: dict[str, tuple[str, ...]] = {
    "authors": ("Authors", "authors", "author", "authorships.author.display_name"),
    "author_full_names": ("Author full names",),
    "author_ids": ("Author(s) ID", "authors_id", "author_ids", "authorships.author.id"),
    "title": ("Title", "title", "display_name", "Article Title", "primary_title"),
    "year": ("Year", "year", "publication_year", "PY", "Publication Year"),
    "source_title": ("Source title", "outlet", "journal", "source",
                     "primary_location.source.display_name", "Source Title", "secondary_title"),
    "volume": ("Volume", "biblio.volume"),
    "issue": ("Issue", "biblio.issue"),
    "art_no": ("Art. No.", "Article Number"),
    "page_start": ("Page start", "biblio.first_page", "Start Page"),
    "page_end": ("Page end", "biblio.last_page", "End Page"),
    "page_count": ("Page count", "Number of Pages"),
    "cited_by": ("Cited by", "citations", "cited_by_count", "Times Cited, All Databases"),
    "doi": ("DOI", "doi"),
    "link": ("Link", "url", "landing_page_url", "primary_location.landing_page_url"),
    "affiliations": ("Affiliations", "affiliations", "authorships.raw_affiliation_strings"),
    "abstract": ("Abstract", "abstract"),
    "author_keywords": ("Author Keywords", "keywords", "Author keywords", "keywords.display_name"),
    "index_keywords": ("Index Keywords", "Index keywords", "concepts.display_name"),
    "document_type": ("Document Type", "outlet_type", "type", "document_type"),
    "publication_stage": ("Publication Stage",),
    "open_access": ("Open Access", "open_access", "open_access.oa_status"),
    "language": ("Language of Original Document", "language", "Language"),
    "publisher": ("Publisher", "publisher"),
    "issn": ("ISSN", "issn"),
    "isbn": ("ISBN", "isbn"),
    "eid": ("EID",),
    "wos_ut": ("UT (Unique WOS ID)", "UT"),
    "openalex_id": ("id", "openalex_id", "openalex"),
    "pmid": ("PubMed ID", "pmid", "ids.pmid"),
    "source_db": ("Source",),
}
_LOOKUP = {alias.lower(): canonical for canonical, names in ALIASES.items() for alias in names}
# Sub-fields inside a cell are separated by "; " in Scopus and by "|" in OpenAlex's CSV.
_CELL_SEPARATORS = {"openalex_csv": "|"}
_FIELD_LIMIT = 2**31 - 1


def map_header(header: list[str]) -> dict[int, str]:
    """Column index -> canonical field, for the columns the alias table knows (first wins)."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for i, name in enumerate(header):
        canonical = _LOOKUP.get(name.strip().lstrip("\ufeff").lower())
        if canonical and canonical not in taken:
            mapping[i] = canonical
            taken.add(canonical)
    return mapping


def _header_row(head: str, delimiter: str) -> list[str]:
    first = head.split("\n", 1)[0].rstrip("\r")
    return next(csv.reader([first], delimiter=delimiter), [])


def _delimiter(head: str) -> str:
    first = head.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count)


class TableReader:
    """A delimited export whose header matches the alias table.

    ``signature`` names header columns that identify a producer (Scopus, OpenAlex); the
    generic reader has none and only claims files whose header maps a title.
    """

    def __init__(self, name: str, signature: frozenset[str] = frozenset()):
        self.name = name
        self.signature = frozenset(s.lower() for s in signature)

    def sniff(self, head: str, path: Path) -> float:
        delimiter = _delimiter(head)
        header = _header_row(head, delimiter)
        if len(header) < 2:
            return 0.0
        names = {h.strip().lstrip("\ufeff").lower() for h in header}
        if self.signature:
            return 0.95 if len(self.signature & names) >= 2 else 0.0
        mapped = set(map_header(header).values())
        if "title" in mapped:
            return 0.6
        # Still tabular: claim it weakly so that the error names the missing columns.
        return 0.2 if path.suffix.lower() in (".csv", ".tsv", ".txt") or delimiter == "," else 0.0

    def _mapping(self, header: list[str], path: Path) -> dict[int, str]:
        mapping = map_header(header)
        if "title" not in mapping.values():
            raise MissingColumns(
                f"{path.name}: detected format {self.name}, but the header has no title column "
                f"(expected one of: {', '.join(ALIASES['title'])}); "
                f"columns found: {', '.join(header[:30])}"
            )
        return mapping

    def stage(self, con, scan, max_line: int | None = None) -> bool:
        """Stage a UTF-8 file with DuckDB's parser; False when ``read`` must do it instead
        (also for a row over ``max_line`` bytes)."""
        from litlab.ingest.formats.tabular_duckdb import MAX_LINE, stage_csv

        head = scan.head.decode("utf-8", errors="ignore").lstrip("\ufeff")
        delimiter = _delimiter(head)
        header = [h.strip().lstrip("\ufeff") for h in _header_row(head, delimiter)]
        mapping = self._mapping(header, scan.path)
        return stage_csv(con, scan, head, delimiter, mapping, _CELL_SEPARATORS.get(self.name),
                         _LIST_LIKE, max_line or MAX_LINE)

    def read(self, text: str, path: Path) -> Iterator[ReadItem]:
        """Yield a record per row; a row whose field count differs from the header is rejected."""
        return self.stream(io.StringIO(text, newline=""), path)

    def stream(self, fh: TextIO, path: Path) -> Iterator[ReadItem]:
        """``read`` of a text stream (opened with ``newline=""``), holding one row at a time."""
        # A real Scopus cell can be far over csv's 128 KiB default (2,900 authors with
        # affiliations is ~250 KB); rows are read one at a time, so no cap is needed.
        csv.field_size_limit(_FIELD_LIMIT)
        first = fh.readline()
        delimiter = _delimiter(first)
        tape = _Tape(itertools.chain([first], fh))
        reader = csv.reader(tape, delimiter=delimiter, strict=False)
        header = next(reader, None)
        if not header:
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        mapping = self._mapping(header, path)
        separator = _CELL_SEPARATORS.get(self.name)
        previous_end = reader.line_num
        while True:
            tape.taken = []
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # the rest cannot be split into rows: keep it as one reject
                yield RejectedRow(previous_end + 1, f"the CSV cannot be read from here on: {exc}",
                                  "".join(tape.taken) + "".join(tape.lines))
                return
            start, previous_end = previous_end + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if len(row) != len(header):
                yield RejectedRow(
                    start,
                    f"row has {len(row)} fields, header has {len(header)}",
                    _without_line_end("".join(tape.taken)),
                )
                continue
            fields = {canonical: unescape(row[i]) for i, canonical in mapping.items()}
            if separator:
                fields = {k: v.split(separator) if k in _LIST_LIKE else v for k, v in fields.items()}
            yield ParsedRecord(start, fields, dict(zip(header, row)))


class _Tape:
    """The lines given to csv.reader, with those of the row being read kept (``taken``):
    a rejected row is stored as the text it was in the file."""

    def __init__(self, lines: Iterator[str]):
        self.lines, self.taken = lines, []

    def __iter__(self) -> "_Tape":
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.taken.append(line)
        return line


_LIST_LIKE = {"authors", "author_ids", "affiliations", "author_keywords", "index_keywords"}


def _without_line_end(text: str) -> str:
    """A row's text without the line break that ends it (as DuckDB's parser reports it)."""
    for end in ("\r\n", "\n", "\r"):
        if text.endswith(end):
            return text[: -len(end)]
    return text


def readers() -> list[TableReader]:
    """The built-in tabular readers, most specific first."""
    return [
        TableReader("scopus_csv", frozenset({"EID", "Source title", "Author(s) ID", "Link",
                                             "Art. No.", "Page count", "Cited by"})),
        TableReader("openalex_csv", frozenset({"publication_year", "cited_by_count",
                                               "display_name", "abstract_inverted_index"})),
        TableReader("csv"),
    ]
