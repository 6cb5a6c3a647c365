"""Which rows duplicate a stored record or an earlier row, decided in file order.

Order of evidence: normalised DOI, then a database id (Scopus EID, WoS UT, OpenAlex id,
PubMed id), then normalised title + year, then a near-identical title (rapidfuzz ratio) in
the same year. Two records with different DOIs, or different first authors, are never merged
on their titles: editorials and errata share titles but are different records.

``blocking`` finds, in SQL, the few rows that share a key or a similar title with another row
or a stored record; only those come here, with the pairs of similar titles already scored.
A row that shares nothing with anyone is new whatever the order, so leaving it out changes
no decision.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

ID_FIELDS = ("doi", "eid", "wos_ut", "openalex_id", "pmid")
# Shorter titles ("Editorial", "Reply") are too generic to identify a record.
MIN_TITLE_KEY = 20
# A stored record is ("e", record_id); a row of the file being read is ("s", its position).
Ref = tuple[str, int]


@dataclass(frozen=True)
class Match:
    target: Ref
    reason: str
    similarity: float


def name_tokens(name: str | None) -> frozenset[str]:
    """The words of an author name that can identify a person (initials dropped), lower ASCII.

    ``Smith J.`` (Scopus), ``Smith, John`` (RIS) and ``John Smith`` (OpenAlex) share "smith".
    """
    if not name:
        return frozenset()
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return frozenset(t for t in re.split(r"[^a-z]+", text) if len(t) > 1)


def numbers(title: str | None) -> list[str]:
    """The numbers in a title: "Part 1" and "Part 2" of a series are near-identical titles
    by the same author in the same year, and different articles."""
    return re.findall(r"\d+", title or "")


def same_first_author(a: str | None, b: str | None) -> bool:
    """False only when both first authors are known and share no name word."""
    ta, tb = name_tokens(a), name_tokens(b)
    return not (ta and tb and not ta & tb)


@dataclass
class KeyRow:
    """The keys of one row or stored record, as ``blocking`` selected them."""

    ref: Ref
    doi: str | None = None
    eid: str | None = None
    wos_ut: str | None = None
    openalex_id: str | None = None
    pmid: str | None = None
    title_key: str | None = None  # only keys of MIN_TITLE_KEY characters or more
    year: int | None = None
    first_author: str | None = None
    similar: list[tuple[Ref, float]] = field(default_factory=list)  # earlier, above threshold


class Resolver:
    """The keys of stored records and of the rows kept so far, updated row by row."""

    def __init__(self, stored: Iterable[KeyRow]):
        self._ids: dict[str, dict[str, Ref]] = {f: {} for f in ID_FIELDS}
        self._titles: dict[tuple[str, int | None], Ref] = {}
        self._info: dict[Ref, tuple[str | None, str | None, str | None]] = {}
        for row in stored:
            self.add(row)

    def add(self, row: KeyRow) -> None:
        """Index a kept row's keys (the first holder of a key keeps it)."""
        for f in ID_FIELDS:
            value = getattr(row, f)
            if value:
                self._ids[f].setdefault(value, row.ref)
        if row.title_key:
            self._titles.setdefault((row.title_key, row.year), row.ref)
        self._info[row.ref] = (row.doi, row.first_author, row.title_key)

    def _compatible(self, ref: Ref, row: KeyRow) -> bool:
        doi, author, _ = self._info[ref]
        if doi and row.doi and doi != row.doi:
            return False
        return same_first_author(author, row.first_author)

    def find(self, row: KeyRow) -> Match | None:
        """The kept record this row duplicates, with the reason, or None."""
        for f in ID_FIELDS:
            value = getattr(row, f)
            if value and (hit := self._ids[f].get(value)) is not None:
                return Match(hit, f, 100.0)
        if not row.title_key:
            return None
        hit = self._titles.get((row.title_key, row.year))
        if hit is not None and self._compatible(hit, row):
            return Match(hit, "title_year", 100.0)
        # The best-scoring kept title (stored records first, then file order), as
        # rapidfuzz's extractOne over the year's titles would pick it.
        kept = [(score, ref) for ref, score in row.similar if ref in self._info]
        if not kept:
            return None
        score, ref = min(kept, key=lambda s: (-s[0], s[1][0] != "e", s[1][1]))
        if self._compatible(ref, row) and numbers(self._info[ref][2]) == numbers(row.title_key):
            return Match(ref, "fuzzy_title", round(score, 2))
        return None

    def resolve(self, rows: Iterable[KeyRow]) -> list[tuple[int, Match]]:
        """(row position, match) for every duplicate among ``rows`` (given in file order)."""
        found = []
        for row in rows:
            match = self.find(row)
            if match:
                found.append((row.ref[1], match))
            else:
                self.add(row)
        return found
