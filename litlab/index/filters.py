"""Search filters, turned into SQL with bound parameters (never built from user text)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from litlab.errors import LitlabError


@dataclass(frozen=True)
class Filters:
    """Which records a search (or a label run) may return."""

    year_min: int | None = None
    year_max: int | None = None
    types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # substrings of the source title, case-insensitive
    has_pdf: bool | None = None
    languages: tuple[str, ...] = ()
    record_ids: tuple[int, ...] = field(default=())

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "Filters":
        """From the Python API's ``filters={...}``: year (int, "2015-2024" or a pair), type,
        source, language (a string or a list), has_pdf (bool)."""
        data = dict(data or {})
        year = data.pop("year", None)
        year_min, year_max = parse_years(year) if year is not None else (None, None)
        as_tuple = lambda v: tuple(v) if isinstance(v, (list, tuple)) else ((v,) if v else ())  # noqa: E731
        filters = cls(year_min=data.pop("year_min", year_min), year_max=data.pop("year_max", year_max),
                      types=as_tuple(data.pop("type", data.pop("types", ()))),
                      sources=as_tuple(data.pop("source", data.pop("sources", ()))),
                      has_pdf=data.pop("has_pdf", None),
                      languages=as_tuple(data.pop("language", data.pop("languages", ()))),
                      record_ids=as_tuple(data.pop("record_ids", ())))
        if data:
            raise LitlabError(f"unknown filter(s): {', '.join(data)}; known: year, type, source, "
                              "language, has_pdf")
        return filters

    @property
    def empty(self) -> bool:
        return self == Filters()

    def sql(self) -> tuple[str, list]:
        """``SELECT record_id FROM records WHERE ...`` and its parameters."""
        where, params = [], []
        if self.year_min is not None:
            where.append("year >= ?")
            params.append(self.year_min)
        if self.year_max is not None:
            where.append("year <= ?")
            params.append(self.year_max)
        if self.types:
            where.append("lower(document_type) IN (SELECT lower(unnest(?)))")
            params.append(list(self.types))
        if self.sources:
            where.append("(" + " OR ".join("source_title ILIKE ?" for _ in self.sources) + ")")
            params += [f"%{s}%" for s in self.sources]
        if self.languages:
            where.append("lower(language) IN (SELECT lower(unnest(?)))")
            params.append(list(self.languages))
        if self.has_pdf is not None:
            where.append(("" if self.has_pdf else "NOT ") +
                         "EXISTS (SELECT 1 FROM documents d WHERE d.record_id = records.record_id "
                         "AND d.status IN ('ok', 'repaired'))")
        if self.record_ids:
            where.append("list_contains(?, record_id)")
            params.append(list(self.record_ids))
        clause = " AND ".join(where) or "true"
        return f"SELECT record_id FROM records WHERE {clause}", params


def parse_years(value: Any) -> tuple[int | None, int | None]:
    """``2019``, ``"2015-2024"``, ``"2015-"``, ``"-2010"`` or a pair into (min, max)."""
    if isinstance(value, (list, tuple)):
        return (value[0], value[1])
    if isinstance(value, int):
        return value, value
    match = re.fullmatch(r"\s*(\d{4})?\s*(-|\.\.)?\s*(\d{4})?\s*", str(value))
    if not match or not (match.group(1) or match.group(3)):
        raise LitlabError(f"year filter {value!r}: use 2019, 2015-2024, 2015- or -2010")
    low = int(match.group(1)) if match.group(1) else None
    high = int(match.group(3)) if match.group(3) else (None if match.group(2) else low)
    return low, high
