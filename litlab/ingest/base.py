"""The reader seam: one small class per export format.

A reader says how well it recognises a file from its first characters (``sniff``) and turns
the decoded text into canonical records (``read``). Readers only map fields; cleaning,
deduplication and storage happen once, for every format, in ``litlab.ingest.exports``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Protocol, Union

from litlab.registry import Registry

# Canonical record fields. List fields hold lists of strings; the rest strings or ints.
LIST_FIELDS = (
    "authors",
    "author_full_names",
    "author_ids",
    "affiliations",
    "author_keywords",
    "index_keywords",
)
TEXT_FIELDS = (
    "title",
    "abstract",
    "source_title",
    "volume",
    "issue",
    "art_no",
    "page_start",
    "page_end",
    "doi",
    "link",
    "document_type",
    "publication_stage",
    "open_access",
    "language",
    "publisher",
    "issn",
    "isbn",
    "eid",
    "wos_ut",
    "openalex_id",
    "pmid",
    "source_db",
)
INT_FIELDS = ("year", "page_count", "cited_by")
CANONICAL_FIELDS = TEXT_FIELDS + INT_FIELDS + LIST_FIELDS


@dataclass
class ParsedRecord:
    """One record as a reader understood it.

    ``line`` is the 1-based line where the record starts in the file (or its 1-based
    position for formats without lines); ``fields`` uses canonical names; ``raw`` is the
    source row as read, every field kept, including those litlab does not map.
    """

    line: int
    fields: dict[str, Any]
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class RejectedRow:
    """A row the reader could not turn into a record, kept with its reason."""

    line: int
    reason: str
    raw: str


ReadItem = Union[ParsedRecord, RejectedRow]


class Reader(Protocol):
    """A bibliographic export format."""

    name: str

    def sniff(self, head: str, path: Path) -> float:
        """Confidence 0..1 that ``head`` (the file's first ~64 kB, decoded) is this format."""

    def read(self, text: str, path: Path) -> Iterator[ReadItem]:
        """Yield a ParsedRecord or RejectedRow for every record in the text."""

    # Optional, for speed: ``stage(con, scan, max_line) -> bool`` parses the file itself
    # (DuckDB) into ``litlab.ingest.staging``'s table and returns False when ``read`` must do
    # it instead. Optional, for memory: ``stream(fh, path)`` is ``read`` of a text stream
    # (opened with ``newline=""``), holding one record at a time; without it the file's text
    # is read whole.


# Built-ins are registered by litlab.ingest.formats.register_builtins on first lookup.
READERS: Registry[Reader] = Registry("readers", "litlab.ingest.formats")
