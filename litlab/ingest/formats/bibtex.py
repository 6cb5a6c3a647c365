"""BibTeX exports (Scopus old and new style, Web of Science, reference managers).

bibtexparser 2.x splits the file into blocks that keep their start line; blocks it cannot
parse become rejected rows. Field values are LaTeX-decoded (``{\\"u}`` -> ``ü``, braces
dropped) with pylatexenc before mapping; ``raw`` keeps the values exactly as written.
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, Iterator, TextIO

import bibtexparser
from bibtexparser.middlewares import RemoveEnclosingMiddleware
from bibtexparser.model import (DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, Field,
                                ParsingFailedBlock, String)
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from litlab.ingest.base import ParsedRecord, ReadItem, RejectedRow
from litlab.ingest.textio import lf_lines

_ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]", re.M)
_NOT_ENTRIES = {"comment", "string", "preamble"}
_DOC_TYPES = {
    "article": "Article", "inproceedings": "Conference Paper", "conference": "Conference Paper",
    "incollection": "Book Chapter", "inbook": "Book Chapter", "book": "Book",
    "phdthesis": "Dissertation", "mastersthesis": "Dissertation", "techreport": "Report",
}
# Values that are identifiers or addresses: LaTeX decoding would eat their "%" and "~".
_VERBATIM = {"url", "doi", "eprint", "file", "unique-id", "eid", "link"}
_LINE_SEPARATED = {"affiliation", "affiliations"}  # WoS: one address per line
_CITED_BY = re.compile(r"cited by\s*:?\s*(\d+)", re.I)
_BLOCK_START = re.compile(r"^\s*@")
CHUNK_ENTRIES = 2000  # entries parsed at a time: the file is never held whole
_EID = re.compile(r"eid=(2-s2\.0-\d+)")


def _latex_context():
    # What litlab's BibTeX export writes for ^ and ~ must come back as ^ and ~ (pylatexenc's
    # default gives a modifier letter for \textasciicircum).
    db = get_default_latex_context_db()
    db.add_context_category("litlab", prepend=True, macros=[
        MacroTextSpec("textasciicircum", "^"), MacroTextSpec("textasciitilde", "~")])
    return db


_LATEX = LatexNodes2Text(math_mode="verbatim", latex_context=_latex_context())


def decode_latex(value: str) -> str:
    """Plain text from a BibTeX value: accents decoded, braces and markup removed."""
    if "\\" not in value and "{" not in value:
        return value
    # A bare % or & is text in an export, not a LaTeX comment or column separator.
    escaped = re.sub(r"(?<!\\)([%&])", r"\\\1", value)
    try:
        return _LATEX.latex_to_text(escaped).replace("\xa0", " ")
    except Exception:  # pylatexenc gives up on some broken markup: fall back to no braces
        return value.replace("{", "").replace("}", "")


def split_names(value: str) -> list[str]:
    """Authors split on `` and `` outside braces (``{Smith and Sons}`` is one author)."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"(?<!\\)[{}]|\s+and\s+", value, re.I):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            names.append(value[start : match.start()])
            start = match.end()
    names.append(value[start:])
    return [n for n in (decode_latex(" ".join(n.split())) for n in names) if n]


def _split(value: str | None, separators: str = ";") -> list[str] | None:
    if not value:
        return None
    parts = re.split(f"[{separators}]", value)
    return [p.strip() for p in parts if p.strip()] or None


def _keywords(value: str | None) -> list[str] | None:
    return _split(value, ";" if value and ";" in value else ",")


def _pages(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    parts = re.split(r"\s*(?:-+|–|—)\s*", value.strip(), maxsplit=1)
    return parts[0] or None, parts[1] if len(parts) > 1 else None


def _affiliations(value: str | None) -> list[str] | None:
    # WoS puts one address per line; Scopus separates them with "; ".
    return _split(value, "\n") if value and "\n" in value.strip() else _split(value)


def map_entry(entry_type: str, values: dict[str, str]) -> dict[str, Any]:
    """Canonical fields from decoded, lower-cased BibTeX fields of one entry."""
    get = values.get
    url = get("url") or ""
    wos = bool(get("unique-id") or get("keywords-plus") or get("times-cited"))
    scopus = "author_keywords" in values or (get("source") or "").lower() == "scopus" \
        or "scopus.com" in url
    # Scopus calls index terms "keywords"; WoS and reference managers mean author keywords.
    keywords = _keywords(get("keywords"))
    start, end = _pages(get("pages"))
    cited = _CITED_BY.search(get("note") or "")
    eid = _EID.search(url)
    fields = {
        "title": get("title"),
        "abstract": get("abstract"),
        "authors": split_names(get("author") or "") or None,
        "affiliations": _affiliations(get("affiliations") or get("affiliation")),
        "author_keywords": _keywords(get("author_keywords")) if scopus else keywords,
        "index_keywords": keywords if scopus else _keywords(get("keywords-plus")),
        "year": get("year") or (get("date") or "")[:4] or None,
        "source_title": get("journal") or get("journaltitle") or get("booktitle"),
        "volume": get("volume"),
        "issue": get("number") or get("issue"),
        "page_start": start,
        "page_end": end,
        "art_no": get("art_number") or get("article-number") or get("eid"),
        "cited_by": cited.group(1) if cited else get("times-cited"),
        "doi": get("doi"),
        "link": url or None,
        "document_type": get("document_type") or get("type") or _DOC_TYPES.get(entry_type),
        "publication_stage": get("publication_stage"),
        "language": get("language") or get("langid"),
        "publisher": get("publisher"),
        "issn": get("issn"),
        "isbn": get("isbn"),
        "eid": eid.group(1) if eid else None,
        "wos_ut": get("unique-id"),
        "pmid": get("pubmed_id") or get("pmid"),
        "source_db": get("source") or ("Web of Science" if wos else None),
    }
    return {k: v for k, v in fields.items() if v not in (None, "", [])}


def entry_record(entry: Entry) -> ParsedRecord:
    """A ParsedRecord from a bibtexparser entry (its start line made 1-based)."""
    raw: dict[str, Any] = {"ENTRYTYPE": entry.entry_type, "ID": entry.key}
    values: dict[str, str] = {}
    for field in entry.fields:
        value = field.value if isinstance(field.value, str) else str(field.value)
        raw[field.key] = value
        key = field.key.strip().lower()
        if key != "author":  # names are split before decoding, to respect braces
            value = value if key in _VERBATIM else decode_latex(value)
        if key not in _LINE_SEPARATED:
            value = " ".join(value.split())  # exports wrap long values over several lines
        values.setdefault(key, value)
    fields = map_entry(entry.entry_type.lower(), values)
    return ParsedRecord((entry.start_line or 0) + 1, fields, raw)


def merge_repeated_fields(entry: Entry) -> Entry:
    """The entry with each repeated field once, its values joined by "; ".

    Scopus writes one ``funding_details`` field per funder; bibtexparser then refuses the
    whole entry, and hands it back without its enclosing braces removed.
    """
    enclosing = RemoveEnclosingMiddleware(allow_inplace_modification=True)
    entry = enclosing.transform_entry(entry, bibtexparser.Library())
    merged: dict[str, Field] = {}
    for item in entry.fields:
        value = item.value if isinstance(item.value, str) else str(item.value)
        key = item.key.strip().lower()
        if key in merged:
            kept = merged[key]
            if value.strip():
                kept.value = f"{kept.value}; {value}" if kept.value.strip() else value
        else:
            merged[key] = Field(item.key, value, item.start_line)
    return Entry(entry.entry_type, entry.key, list(merged.values()), entry.start_line, entry.raw)


def _block_item(block: Any, offset: int = 0) -> ReadItem | None:
    line = (block.start_line or 0) + 1 + offset
    # Exports often repeat a citation key; the second record is still a record.
    if isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, Entry):
        block = block.ignore_error_block
    if isinstance(block, DuplicateFieldKeyBlock) and isinstance(block.ignore_error_block, Entry):
        block = merge_repeated_fields(block.ignore_error_block)
    if isinstance(block, ParsingFailedBlock):
        error = block.error
        reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
        reason = f"BibTeX block could not be parsed: {reason.strip()}"
        return RejectedRow(line, reason, block.raw or "")
    if isinstance(block, Entry):
        try:
            record = entry_record(block)
            record.line += offset
            return record
        except Exception as exc:  # one odd entry must not stop the file
            return RejectedRow(line, f"BibTeX entry could not be mapped: {exc!r}", block.raw or "")
    return None  # comments, @string and @preamble carry no record


class BibtexReader:
    """BibTeX and BibLaTeX files of any producer."""

    name = "bibtex"

    def sniff(self, head: str, path: Path) -> float:
        """0.9 when a line starts an ``@type{key,`` entry followed by ``field =`` lines."""
        for match in _ENTRY_START.finditer(head):
            if match.group(1).lower() not in _NOT_ENTRIES and "=" in head[match.end():]:
                return 0.9
        return 0.0

    def read(self, text: str, path: Path) -> Iterator[ReadItem]:
        """Yield every entry of the file in order; failed blocks as rejected rows."""
        return self.stream(io.StringIO(text, newline=""), path)

    def stream(self, fh: TextIO, path: Path) -> Iterator[ReadItem]:
        """``read`` of a text stream, ``CHUNK_ENTRIES`` entries parsed at a time; the
        ``@string`` macros of earlier chunks stay visible to later ones."""
        strings: list[String] = []
        for offset, text in _chunks(fh):
            library = bibtexparser.Library(strings)
            library = bibtexparser.parse_string(text, library=library)
            for block in library.blocks[len(strings):]:
                item = _block_item(block, offset)
                if item is not None:
                    yield item
            strings = list(library.strings)


def _chunks(fh: TextIO) -> Iterator[tuple[int, str]]:
    """(lines before it, text) of runs of about ``CHUNK_ENTRIES`` entries, cut only where a
    line starts a new ``@`` block."""
    lines: list[str] = []
    first, entries = 0, 0
    for number, line in enumerate(lf_lines(fh)):
        line = line.lstrip("\ufeff") if number == 0 else line
        if _BLOCK_START.match(line):
            if entries >= CHUNK_ENTRIES:
                yield first, "\n".join(lines)
                lines, first, entries = [], number, 0
            entries += 1
        lines.append(line)
    if lines:
        yield first, "\n".join(lines)


def readers() -> list[BibtexReader]:
    """The BibTeX reader."""
    return [BibtexReader()]
