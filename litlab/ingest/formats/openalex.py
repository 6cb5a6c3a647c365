"""OpenAlex works as JSON (one work, a list, or an API page) and as JSON Lines.

JSON is decoded item by item with ``raw_decode`` so that each work keeps the line it starts
on and a broken item is reported where it is. The abstract is rebuilt from OpenAlex's
inverted index. (OpenAlex CSV is read by the tabular reader.)
"""
from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any, Iterator, TextIO

from litlab.ingest.base import ParsedRecord, ReadItem, RejectedRow
from litlab.ingest.textio import lf_lines

_MARKERS = re.compile(r"openalex\.org|\"abstract_inverted_index\"|\"publication_year\"")
_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\r\n]*")


def rebuild_abstract(index: dict[str, list[int]] | None) -> str | None:
    """Text from an ``abstract_inverted_index`` (word -> positions), words in position order."""
    if not index:
        return None
    placed = [(pos, word) for word, positions in index.items() for pos in positions or []]
    # Usually every position holds one word: put each in its slot instead of sorting.
    slots: list = [None] * (len(placed) + 1)
    for pos, word in placed:
        if not (type(pos) is int and 0 <= pos < len(slots)) or slots[pos] is not None:
            return " ".join(word for _, word in sorted(placed)) or None
        slots[pos] = word
    return " ".join(w for w in slots if w is not None) or None


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _short_id(value: Any) -> str | None:
    return str(value).rstrip("/").rsplit("/", 1)[-1] if value else None


def _unique(values: list[Any]) -> list[str]:
    return list(dict.fromkeys(str(v) for v in values if v))


def _affiliations(authorships: list[dict]) -> list[str]:
    found: list[Any] = []
    for authorship in authorships:
        names = [_get(i, "display_name") for i in authorship.get("institutions") or []]
        found += [n for n in names if n] or authorship.get("raw_affiliation_strings") or [
            authorship.get("raw_affiliation_string")]
    return _unique(found)


def map_work(work: dict[str, Any]) -> dict[str, Any]:
    """Canonical fields from one OpenAlex work object."""
    authorships = [a for a in work.get("authorships") or [] if isinstance(a, dict)]
    source = _get(work, "primary_location", "source") or _get(work, "host_venue") or {}
    issn = source.get("issn_l") or "; ".join(source.get("issn") or [])
    keywords = [_get(k, "display_name") or _get(k, "keyword") for k in work.get("keywords") or []]
    concepts = [_get(c, "display_name") for c in (work.get("concepts") or [])
                + (work.get("topics") or [])]
    fields = {
        "openalex_id": _short_id(work.get("id")),
        "doi": work.get("doi") or _get(work, "ids", "doi"),
        "title": work.get("display_name") or work.get("title"),
        "abstract": rebuild_abstract(work.get("abstract_inverted_index")),
        "year": work.get("publication_year"),
        "authors": _unique([_get(a, "author", "display_name") for a in authorships]),
        "author_full_names": _unique([a.get("raw_author_name") for a in authorships]),
        "author_ids": _unique([_short_id(_get(a, "author", "id")) for a in authorships]),
        "affiliations": _affiliations(authorships),
        "source_title": source.get("display_name"),
        "publisher": source.get("host_organization_name") or source.get("publisher"),
        "issn": issn,
        "volume": _get(work, "biblio", "volume"),
        "issue": _get(work, "biblio", "issue"),
        "page_start": _get(work, "biblio", "first_page"),
        "page_end": _get(work, "biblio", "last_page"),
        "cited_by": work.get("cited_by_count"),
        "document_type": work.get("type"),
        "language": work.get("language"),
        "author_keywords": _unique(keywords),
        "index_keywords": _unique(concepts),
        "pmid": _short_id(_get(work, "ids", "pmid")),
        "open_access": _get(work, "open_access", "oa_status"),
        "link": _get(work, "primary_location", "landing_page_url") or work.get("doi"),
        "source_db": "OpenAlex",
    }
    return {k: v for k, v in fields.items() if v not in (None, "", [])}


def _work_items(line: int, obj: Any, raw_text: str) -> Iterator[ReadItem]:
    """Records for a decoded value: a work, a list of works, or an API page of results."""
    if isinstance(obj, dict) and isinstance(obj.get("results"), list):
        obj = obj["results"]
    for work in obj if isinstance(obj, list) else [obj]:
        if isinstance(work, dict) and ("id" in work or "display_name" in work or "title" in work):
            yield ParsedRecord(line, map_work(work), work)
        else:
            yield RejectedRow(line, "JSON value is not an OpenAlex work", raw_text[:10000])


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


class _BrokenItem(ValueError):
    """A JSON syntax error inside the array element that starts at ``start``."""

    def __init__(self, start: int, error: json.JSONDecodeError):
        super().__init__(error.msg)
        self.start, self.error = start, error


def _array_items(text: str, pos: int) -> Iterator[tuple[int, Any]]:
    """(offset, value) for each element of the JSON array opening at ``text[pos]``."""
    pos = _WS.match(text, pos + 1).end()
    while pos < len(text) and text[pos] != "]":
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise _BrokenItem(pos, exc) from exc
        yield pos, value
        pos = _WS.match(text, end).end()
        if text.startswith(",", pos):
            pos = _WS.match(text, pos + 1).end()
        elif not text.startswith("]", pos):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)


def _results_offset(text: str, pos: int) -> int | None:
    """Offset of the ``results`` array of the object opening at ``text[pos]``, if any."""
    pos = _WS.match(text, pos + 1).end()
    while pos < len(text) and text[pos] == '"':
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _WS.match(text, pos).end()
        if not text.startswith(":", pos):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
        pos = _WS.match(text, pos + 1).end()
        if key == "results" and text.startswith("[", pos):
            return pos
        _, pos = _DECODER.raw_decode(text, pos)
        pos = _WS.match(text, pos).end()
        pos = _WS.match(text, pos + 1).end() if text.startswith(",", pos) else pos
    return None


class OpenAlexJsonReader:
    """A JSON file of OpenAlex works: one work, a list of works, or an API response page."""

    name = "openalex_json"

    def sniff(self, head: str, path: Path) -> float:
        """0.9 when the text opens a JSON object or array and mentions OpenAlex fields."""
        start = head.lstrip("\ufeff \t\r\n")[:1]
        return 0.9 if start in ("[", "{") and _MARKERS.search(head) else 0.0

    def read(self, text: str, path: Path) -> Iterator[ReadItem]:
        """Yield each work with the line it starts on; stop at the first broken item."""
        text = text.lstrip("\ufeff")
        pos = _WS.match(text).end()
        try:
            array = pos if text.startswith("[", pos) else _results_offset(text, pos)
            if array is None:
                value, _ = _DECODER.raw_decode(text, pos)
                yield from _work_items(_line_at(text, pos), value, text)
                return
            for offset, value in _array_items(text, array):
                yield from _work_items(_line_at(text, offset), value, text[offset:offset + 10000])
        # After a syntax error nothing can be trusted to be where it seems: stop there.
        except _BrokenItem as exc:
            reason = (f"invalid JSON (line {exc.error.lineno}): {exc.error.msg}; "
                      "the rest of the file was not read")
            yield RejectedRow(_line_at(text, exc.start), reason, text[exc.start:exc.start + 10000])
        except json.JSONDecodeError as exc:
            yield RejectedRow(_line_at(text, exc.pos), f"invalid JSON: {exc.msg}",
                              text[pos:pos + 10000])


class OpenAlexJsonlReader:
    """JSON Lines of OpenAlex works (or of API pages), one JSON value per line."""

    name = "openalex_jsonl"

    def sniff(self, head: str, path: Path) -> float:
        """0.95 when the first line alone is a JSON object with OpenAlex fields."""
        first = next((line for line in head.lstrip("\ufeff").split("\n") if line.strip()), "")
        try:
            value = json.loads(first)
        except ValueError:
            return 0.0
        return 0.95 if isinstance(value, dict) and _MARKERS.search(first) else 0.0

    def stage(self, con, scan, max_line: int | None = None) -> bool:
        """Stage a UTF-8 file with DuckDB's JSON parser; False when ``read`` must do it
        (also for a line over ``max_line`` bytes)."""
        from litlab.ingest.formats.openalex_duckdb import MAX_LINE, stage_jsonl

        return stage_jsonl(con, scan, max_line or MAX_LINE)

    def read(self, text: str, path: Path) -> Iterator[ReadItem]:
        """Yield the works of every line; a line that is not valid JSON is rejected alone."""
        return self.stream(io.StringIO(text, newline=""), path)

    def stream(self, fh: TextIO, path: Path) -> Iterator[ReadItem]:
        """``read`` of a text stream, one line at a time."""
        for number, line in enumerate(lf_lines(fh), 1):
            line = line.lstrip("\ufeff") if number == 1 else line
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as exc:
                yield RejectedRow(number, f"invalid JSON: {exc}", line)
                continue
            yield from _work_items(number, value, line)


def readers() -> list[Any]:
    """The OpenAlex JSON and JSON Lines readers."""
    return [OpenAlexJsonReader(), OpenAlexJsonlReader()]
