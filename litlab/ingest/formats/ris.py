"""RIS exports (Scopus, Web of Science, IEEE Xplore, reference managers), parsed with rispy.

The text is cut into ``TY`` ... ``ER`` blocks here so that every record keeps its line
number and a block rispy cannot parse is rejected alone. rispy's keys are then mapped to
canonical fields; ``raw`` keeps every tag (rispy's key turned back into its RIS tag).
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, Iterable, Iterator, TextIO

import rispy
from rispy.config import TAG_KEY_MAPPING, TYPE_OF_REFERENCE_MAPPING

from litlab.ingest.base import ParsedRecord, ReadItem, RejectedRow
from litlab.ingest.textio import lf_lines

# Tolerate "TY - JOUR" / "TY  -JOUR" variants; rispy only accepts the strict "TY  - " form.
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*)|)$")
_TAG_OF = {key: tag for tag, key in TAG_KEY_MAPPING.items()}
_DOC_TYPES = {
    "JOUR": "Article", "EJOUR": "Article", "MGZN": "Article", "CONF": "Conference Paper",
    "CPAPER": "Conference Paper", "CHAP": "Book Chapter", "ECHAP": "Book Chapter",
    "BOOK": "Book", "EBOOK": "Book", "EDBOOK": "Book", "THES": "Dissertation",
    "RPRT": "Report", "UNPB": "Preprint",
}
_BOOK_TYPES = {"BOOK", "EBOOK", "EDBOOK", "CHAP", "ECHAP"}
_CITED_BY = re.compile(r"cited by\s*:?\s*(\d+)", re.I)
_EID = re.compile(r"eid=(2-s2\.0-\d+)")
_DOI_LIKE = re.compile(r"10\.\d{4,9}/\S+")


def normalise_lines(text: str) -> list[str]:
    """Lines of ``text`` with CRLF and stray CR treated as line breaks, tag lines made strict."""
    return list(_strict(text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
                        .split("\n")))


def _strict(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        match = _TAG_LINE.match(line.rstrip())
        yield f"{match.group(1)}  - {match.group(2) or ''}" if match else line.rstrip()


def stream_lines(fh: TextIO) -> Iterator[str]:
    """``normalise_lines`` of a text stream, read a block at a time."""
    def split() -> Iterator[str]:
        for number, line in enumerate(lf_lines(fh)):
            line = line.lstrip("\ufeff") if number == 0 else line
            yield from (line[:-1] if line.endswith("\r") else line).split("\r")
    return _strict(split())


def split_blocks(lines: Iterable[str]) -> Iterator[tuple[int, list[str], bool]]:
    """(1-based start line, lines, is_record) for each record block and each stray text run.

    A record runs from a ``TY`` line to its ``ER`` line; a ``TY`` before the ``ER`` (or the
    end of the file) closes the open record, since a lost ``ER`` should not merge two records.
    """
    start, block, in_record = 0, [], False
    for number, line in enumerate(lines, 1):
        if line.startswith("TY  - "):
            if block:
                yield start, block, in_record
            start, block, in_record = number, [line], True
        elif line.startswith("ER  - ") and in_record:
            yield start, block + [line], True
            start, block, in_record = 0, [], False
        elif in_record:
            if line.strip():  # blank lines inside a record carry nothing
                block.append(line)
        elif line.strip():
            start = start or number
            block.append(line)
    if block:
        yield start, block, in_record


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return next((v for v in value if v), None)
    return value


def _joined(value: Any, sep: str = " ") -> Any:
    return sep.join(v for v in value if v) if isinstance(value, list) else value


def _pick(record: dict, *keys: str) -> Any:
    for key in keys:
        value = _first(record.get(key))
        if value:
            return value
    return None


def raw_tags(record: dict) -> dict[str, Any]:
    """rispy's record keyed by RIS tag again, unknown tags included, single values unwrapped."""
    raw: dict[str, Any] = {}
    for key, value in record.items():
        if key == "unknown_tag":
            for tag, values in value.items():
                raw[str(tag)] = values[0] if len(values) == 1 else list(values)
        else:
            raw[_TAG_OF.get(key, key)] = value
    return raw


def _pages(record: dict) -> tuple[Any, Any]:
    start, end = _pick(record, "start_page"), _pick(record, "end_page")
    if start and not end and re.fullmatch(r"\s*\w+\s*[-–]+\s*\w+\s*", start):
        start, end = (p.strip() for p in re.split(r"[-–]+", start, maxsplit=1))
    return start, end


def _year(record: dict) -> str | None:
    for key in ("year", "publication_year", "date"):
        match = re.search(r"\b(\d{4})\b", str(_first(record.get(key)) or ""))
        if match:
            return match.group(1)
    return None


def map_record(record: dict, raw: dict[str, Any]) -> dict[str, Any]:
    """Canonical fields from one rispy record (``raw`` supplies tags rispy does not know)."""
    ty = str(record.get("type_of_reference") or "").strip().upper()
    urls = record.get("urls") or []
    notes = " ".join(record.get("notes") or [])
    m3 = _pick(record, "type_of_work")
    doi = _pick(record, "doi") or (m3 if m3 and _DOI_LIKE.search(m3) else None)
    doi = doi or next((u for u in urls if "doi.org/" in u), None)
    sn = _joined(record.get("issn"), "; ")
    cited = _CITED_BY.search(notes)
    eid = next((m.group(1) for m in map(_EID.search, urls) if m), None)
    accession = str(_first(record.get("accession_number")) or "")
    start, end = _pages(record)
    fields = {
        "title": _pick(record, "primary_title", "title", "short_title"),
        "abstract": _joined(record.get("abstract") or record.get("notes_abstract")),
        "authors": record.get("authors") or record.get("first_authors"),
        "author_full_names": [full] if isinstance(full := raw.get("AF"), str) else full,
        "affiliations": record.get("author_address"),
        "author_keywords": record.get("keywords"),
        "year": _year(record),
        "source_title": _pick(record, "secondary_title", "journal_name", "alternate_title3",
                              "alternate_title2", "alternate_title1"),
        "volume": _pick(record, "volume") or raw.get("VO"),
        "issue": _pick(record, "number"),
        "page_start": start,
        "page_end": end,
        "art_no": _pick(record, "custom7"),
        "doi": doi,
        "link": urls[0] if urls else None,
        "document_type": m3 if m3 and not _DOI_LIKE.search(m3) else _DOC_TYPES.get(
            ty, TYPE_OF_REFERENCE_MAPPING.get(ty)),
        "language": _pick(record, "language"),
        "publisher": _pick(record, "publisher"),
        "isbn" if ty in _BOOK_TYPES else "issn": sn,
        "cited_by": cited.group(1) if cited else _first(raw.get("TC") or raw.get("Z9")),
        "eid": eid,
        "wos_ut": accession if accession.upper().startswith("WOS:") else _first(raw.get("UT")),
        "source_db": _pick(record, "name_of_database", "database_provider"),
    }
    return {k: v for k, v in fields.items() if v not in (None, "", [])}


def parse_block(start: int, block: list[str]) -> ReadItem:
    """One record block as a ParsedRecord, or a RejectedRow saying why rispy failed."""
    if not block[-1].startswith("ER  - "):
        block = block + ["ER  - "]  # a record cut off by the next TY or the end of file
    text = "\n".join(block)
    try:
        records = rispy.loads(text, enforce_list_tags=False)
    except Exception as exc:  # rispy raises assorted errors on malformed input
        return RejectedRow(start, f"RIS record could not be parsed: {exc!r}", text)
    if len(records) != 1:
        return RejectedRow(start, "RIS block holds no complete record", text)
    raw = raw_tags(records[0])
    return ParsedRecord(start, map_record(records[0], raw), raw)


class RisReader:
    """RIS from any producer; records start at ``TY  -`` and end at ``ER  -``."""

    name = "ris"

    def sniff(self, head: str, path: Path) -> float:
        """0.9 when the first tag line is ``TY  -`` and an ``ER`` line follows.

        Lines before it may be a publisher's header (``Provider: ...``), so they are skipped.
        """
        tags = [line[:2] for line in normalise_lines(head) if line[2:6] == "  - "]
        if not tags or tags[0] != "TY":
            return 0.0
        return 0.9 if "ER" in tags else 0.7  # 0.7: one record longer than the head

    def read(self, text: str, path: Path) -> Iterator[ReadItem]:
        """Yield each ``TY``..``ER`` record; tagged lines outside records are rejected."""
        return self.stream(io.StringIO(text, newline=""), path)

    def stream(self, fh: TextIO, path: Path) -> Iterator[ReadItem]:
        """``read`` of a text stream, holding one record at a time."""
        for start, block, is_record in split_blocks(stream_lines(fh)):
            if is_record:
                yield parse_block(start, block)
            elif any(_TAG_LINE.match(line) for line in block):
                # Tagged lines with no TY: a record whose start was lost; say so.
                yield RejectedRow(start, "RIS tags outside any TY ... ER record", "\n".join(block))


def readers() -> list[RisReader]:
    """The RIS reader."""
    return [RisReader()]
