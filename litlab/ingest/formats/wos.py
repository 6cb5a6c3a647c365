"""Web of Science exports: plain text (tagged lines) and tab-delimited.

Both carry the same two-letter field tags, so one tag table maps both. The formats are
simple enough that a small parser here keeps what a library (wosfile) does not: the line
of every record and the ability to reject one bad record and go on.
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, Iterable, Iterator, TextIO

from litlab.ingest.base import ParsedRecord, ReadItem, RejectedRow
from litlab.ingest.textio import lf_lines

# canonical field -> WoS tags, first non-empty wins.
TAGS: dict[str, tuple[str, ...]] = {
    "title": ("TI",), "abstract": ("AB",), "authors": ("AU",), "author_full_names": ("AF",),
    "affiliations": ("C1",), "author_keywords": ("DE",), "index_keywords": ("ID",),
    "year": ("PY",), "source_title": ("SO",), "volume": ("VL",), "issue": ("IS",),
    "page_start": ("BP",), "page_end": ("EP",), "art_no": ("AR",), "page_count": ("PG",),
    "cited_by": ("TC", "Z9"), "doi": ("DI",), "document_type": ("DT",), "language": ("LA",),
    "publisher": ("PU",), "issn": ("SN", "EI"), "isbn": ("BN",), "wos_ut": ("UT",),
    "pmid": ("PM",), "open_access": ("OA",),
}
# Tags whose continuation lines are separate items (authors, addresses, references).
ITEM_PER_LINE = {"AU", "AF", "BA", "BE", "BF", "C1", "CR"}
_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_HEADER = {"FN", "VR", "EF", "ER"}  # lines that may stand outside records


def split_outside_brackets(value: str, sep: str = ";") -> list[str]:
    """Split on ``sep`` except inside ``[...]`` (C1: ``[Smith, J; Braun, R] Univ X``)."""
    parts, depth, current = [], 0, []
    for char in value:
        depth += (char == "[") - (char == "]")
        if char == sep and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def map_tags(tags: dict[str, Any], items_are_lists: bool) -> dict[str, Any]:
    """Canonical fields from a tag -> value dict of one record (either WoS format)."""
    fields: dict[str, Any] = {"source_db": "Web of Science"}
    for canonical, names in TAGS.items():
        value = next((tags[t] for t in names if tags.get(t)), None)
        if value is None:
            continue
        if canonical in ("authors", "author_full_names", "affiliations"):
            value = value if items_are_lists else split_outside_brackets(value)
        elif canonical in ("author_keywords", "index_keywords"):
            value = split_outside_brackets("; ".join(value) if isinstance(value, list) else value)
        elif isinstance(value, list):  # a tag repeated in one record: the first one counts
            value = value[0]
        fields[canonical] = value
    return fields


def _lines(text: str) -> list[str]:
    # Only \n ends a line: a stray \r inside a field is text, not a row break.
    return [line.rstrip("\r") for line in text.lstrip("\ufeff").split("\n")]


def _stream_lines(fh: TextIO) -> Iterator[str]:
    """``_lines`` of a text stream, read a block at a time."""
    for number, line in enumerate(lf_lines(fh)):
        yield (line.lstrip("\ufeff") if number == 0 else line).rstrip("\r")


def _record_tags(lines: list[tuple[int, str]]) -> dict[str, Any]:
    """Tag -> value for one plain-text record; raises ValueError on a line that is no tag."""
    tags: dict[str, list[str]] = {}
    last = None
    for number, line in lines:
        if line.startswith("  ") and last:
            tags[last][-1].append(line.strip())
            continue
        match = _TAG.match(line)
        if not match:
            raise ValueError(f"line {number} is neither a field tag nor a continuation")
        last = match.group(1)
        tags.setdefault(last, []).append([(match.group(2) or "").strip()])
    return {tag: _tag_value(tag, occurrences) for tag, occurrences in tags.items()}


def _tag_value(tag: str, occurrences: list[list[str]]) -> Any:
    if tag in ITEM_PER_LINE:
        return [item for lines in occurrences for item in lines if item]
    values = [" ".join(v for v in lines if v) for lines in occurrences]
    return values[0] if len(values) == 1 else values


def plain_text_blocks(lines: Iterable[str]) -> Iterator[tuple[int, list[tuple[int, str]], bool]]:
    """(start line, numbered lines, is_record) per ``PT``..``ER`` record or stray text run."""
    start, block, in_record = 0, [], False
    for number, line in enumerate(lines, 1):
        tag = line[:2]
        if tag == "PT" and _TAG.match(line):
            if block:
                yield start, block, in_record
            start, block, in_record = number, [(number, line)], True
        elif in_record and line.rstrip() in ("ER", "EF"):
            yield start, block, True
            start, block, in_record = 0, [], False
        elif line.strip() and (in_record or tag not in _HEADER):
            start = start or number
            block.append((number, line))
    if block:
        yield start, block, in_record


class WosPlainTextReader:
    """WoS "Plain text file" export: ``FN``/``VR`` header, ``PT``..``ER`` records."""

    name = "wos_txt"

    def sniff(self, head: str, path: Path) -> float:
        """0.95 for the ``FN ... Web of Science`` header, 0.8 for a bare ``PT`` record."""
        lines = [line for line in _lines(head) if line.strip()]
        if not lines:
            return 0.0
        if lines[0].startswith("FN ") and (
            "Web of Science" in lines[0] or any(line.startswith("VR ") for line in lines[:3])
        ):
            return 0.95
        if re.match(r"PT [A-Z]$", lines[0]) and "ER" in (line.rstrip() for line in lines):
            return 0.8
        return 0.0

    def read(self, text: str, path: Path) -> Iterator[ReadItem]:
        """Yield one record per ``PT``..``ER`` block; malformed blocks as rejected rows."""
        return self.stream(io.StringIO(text, newline=""), path)

    def stream(self, fh: TextIO, path: Path) -> Iterator[ReadItem]:
        """``read`` of a text stream, holding one record at a time."""
        for start, block, is_record in plain_text_blocks(_stream_lines(fh)):
            raw_text = "\n".join(line for _, line in block)
            if not is_record:
                yield RejectedRow(start, "text outside any PT ... ER record", raw_text)
                continue
            try:
                tags = _record_tags(block)
            except ValueError as exc:
                yield RejectedRow(start, str(exc), raw_text)
                continue
            yield ParsedRecord(start, map_tags(tags, items_are_lists=True), tags)


def _header(line: str) -> list[str]:
    names = [n.strip().lstrip("\ufeff") for n in line.split("\t")]
    while names and not names[-1]:  # WoS ends every line with a spurious tab
        names.pop()
    return names


class WosTabReader:
    """WoS "Tab-delimited file" export: a header of tags, one unquoted row per line."""

    name = "wos_tab"

    def sniff(self, head: str, path: Path) -> float:
        """0.95 when the first line is a tab-separated header of WoS tags with PT, TI and UT."""
        first = _lines(head)[0] if head else ""
        names = set(_header(first))
        return 0.95 if "\t" in first and {"PT", "TI", "UT"} <= names else 0.0

    def read(self, text: str, path: Path) -> Iterator[ReadItem]:
        """Yield one record per row; a row whose field count differs is rejected."""
        return self.stream(io.StringIO(text, newline=""), path)

    def stream(self, fh: TextIO, path: Path) -> Iterator[ReadItem]:
        """``read`` of a text stream, one line at a time."""
        lines = _stream_lines(fh)
        header = _header(next(lines, ""))
        for number, line in enumerate(lines, 2):
            if not line.strip():
                continue
            row = line.split("\t")
            while len(row) > len(header) and not row[-1].strip():
                row.pop()
            if len(row) != len(header):
                yield RejectedRow(
                    number, f"row has {len(row)} fields, header has {len(header)}", line
                )
                continue
            raw = dict(zip(header, row))
            tags = {k: v.strip() for k, v in raw.items() if v.strip()}
            yield ParsedRecord(number, map_tags(tags, items_are_lists=False), raw)


def readers() -> list[Any]:
    """The Web of Science plain-text and tab-delimited readers."""
    return [WosPlainTextReader(), WosTabReader()]
