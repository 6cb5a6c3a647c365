"""Duplicate detection across files and formats.

Order of evidence: normalised DOI, then a database id (Scopus EID, WoS UT, OpenAlex id,
PubMed id), then normalised title + year, then a near-identical title (rapidfuzz) in the
same year. Two records with different DOIs, or different first authors, are never merged
on their titles: editorials and errata share titles but are different records.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from rapidfuzz import fuzz, process

from litlab.ingest.base import CANONICAL_FIELDS

ID_FIELDS = ("doi", "eid", "wos_ut", "openalex_id", "pmid")
# Shorter titles ("Editorial", "Reply") are too generic to identify a record.
MIN_TITLE_KEY = 20


@dataclass(frozen=True)
class Match:
    record_id: int
    reason: str
    similarity: float


def _first_author(record: dict[str, Any]) -> str | None:
    authors = record.get("authors")
    if not authors:
        return None
    surname = authors[0].replace(",", " ").split()
    return surname[0].lower() if surname else None


class DuplicateIndex:
    """The keys of every record in the corpus, updated as records are added."""

    def __init__(self, fuzzy_threshold: float):
        self.fuzzy_threshold = fuzzy_threshold
        self._ids: dict[str, dict[str, int]] = {f: {} for f in ID_FIELDS}
        self._titles: dict[tuple[str, int | None], int] = {}
        self._by_year: dict[int | None, dict[int, str]] = defaultdict(dict)
        self._info: dict[int, tuple[str | None, str | None]] = {}  # id -> (doi, first author)

    def add(self, record_id: int, record: dict[str, Any]) -> None:
        """Index a stored record's keys."""
        for f in ID_FIELDS:
            value = record.get(f)
            if value:
                self._ids[f].setdefault(str(value).lower(), record_id)
        key = record.get("title_key")
        if key and len(key) >= MIN_TITLE_KEY:
            self._titles.setdefault((key, record.get("year")), record_id)
            self._by_year[record.get("year")][record_id] = key
        self._info[record_id] = (record.get("doi"), _first_author(record))

    def add_many(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> None:
        for record_id, record in rows:
            self.add(record_id, record)

    def _compatible(self, record_id: int, record: dict[str, Any]) -> bool:
        doi, author = self._info[record_id]
        if doi and record.get("doi") and doi != record["doi"]:
            return False
        other = _first_author(record)
        return not (author and other and author != other)

    def find(self, record: dict[str, Any]) -> Match | None:
        """The stored record this one duplicates, with the reason, or None."""
        for f in ID_FIELDS:
            value = record.get(f)
            if value and (hit := self._ids[f].get(str(value).lower())) is not None:
                return Match(hit, f, 100.0)
        key = record.get("title_key")
        if not key or len(key) < MIN_TITLE_KEY:
            return None
        year = record.get("year")
        hit = self._titles.get((key, year))
        if hit is not None and self._compatible(hit, record):
            return Match(hit, "title_year", 100.0)
        candidates = self._by_year.get(year)
        if not candidates:
            return None
        best = process.extractOne(
            key, candidates, scorer=fuzz.ratio, score_cutoff=self.fuzzy_threshold
        )
        if best and self._compatible(best[2], record):
            return Match(best[2], "fuzzy_title", round(best[1], 2))
        return None


def enrich(kept: dict[str, Any], duplicate: dict[str, Any]) -> list[str]:
    """Fill the kept record's empty fields from its duplicate; return the fields filled."""
    filled = []
    for name in CANONICAL_FIELDS + ("copyright",):
        if kept.get(name) in (None, [], "") and duplicate.get(name) not in (None, [], ""):
            kept[name] = duplicate[name]
            filled.append(name)
    if "title" in filled:
        kept["title_key"] = duplicate.get("title_key")
    return filled
