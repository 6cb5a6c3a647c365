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
    # (run name, label): records whose label in the latest run of that name is that label.
    labels: tuple[tuple[str, str], ...] = ()
    # Topic ids or names in the latest topic run (`litlab topics`).
    topics: tuple[int | str, ...] = ()

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
                      record_ids=as_tuple(data.pop("record_ids", ())),
                      labels=tuple(tuple(p) for p in data.pop("labels", ())),
                      topics=topic_tuple(data.pop("topic", data.pop("topics", None))))
        if data:
            raise LitlabError(f"unknown filter(s): {', '.join(data)}; known: year, type, source, "
                              "language, has_pdf, topic")
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
        for name, label in self.labels:
            where.append("record_id IN (SELECT l.record_id FROM labels l WHERE l.run_id = "
                         "(SELECT max(run_id) FROM label_runs WHERE name = ? OR starts_with(name, ? || '_')) "
                         "AND l.label = ?)")
            params += [name, name, label]
        if self.topics:
            where.append("record_id IN (SELECT a.record_id FROM topic_assignments a "
                         "JOIN topics t USING (topic_run_id, topic_id) WHERE a.topic_run_id = "
                         "(SELECT max(topic_run_id) FROM topic_runs) AND (list_contains(?, "
                         "a.topic_id) OR list_contains(?, lower(t.name))))")
            params += [[t for t in self.topics if isinstance(t, int)],
                       [t.lower() for t in self.topics if isinstance(t, str)]]
        clause = " AND ".join(where) or "true"
        return f"SELECT record_id FROM records WHERE {clause}", params


def topic_tuple(value: Any) -> tuple[int | str, ...]:
    """Topic ids (0 included: a valid id) or names; numeric strings become ids."""
    if value is None:
        return ()
    values = value if isinstance(value, (list, tuple, set)) else [value]
    return tuple(int(v) if str(v).strip().lstrip("-").isdigit() else str(v).strip() for v in values)


def parse_years(value: Any) -> tuple[int | None, int | None]:
    """``2019``, ``"2015-2024"``, ``"2015-"``, ``"-2010"`` or a pair into (min, max)."""
    if isinstance(value, (list, tuple)):
        low, high = value[0], value[1]
    elif isinstance(value, int):
        low, high = value, value
    else:
        match = re.fullmatch(r"\s*(\d{4})?\s*(-|\.\.)?\s*(\d{4})?\s*", str(value))
        if not match or not (match.group(1) or match.group(3)):
            raise LitlabError(f"year filter {value!r}: use 2019, 2015-2024, 2015- or -2010")
        low = int(match.group(1)) if match.group(1) else None
        high = int(match.group(3)) if match.group(3) else (None if match.group(2) else low)
    if low is not None and high is not None and low > high:
        raise LitlabError(f"year filter {value!r} runs backwards: write {high}-{low}")
    return low, high


def parse_where(expressions: list[str] | str | None) -> dict:
    """``--where`` expressions into a filters dict: ``label:NAME=VALUE``, ``year:2015-2020``,
    ``type:Article``, ``source:Nature``, ``language:English``, ``topic:3``, ``has_pdf:true``."""
    if isinstance(expressions, str):
        expressions = [expressions]
    out: dict = {}
    for expression in expressions or []:
        key, _, value = expression.partition(":")
        key, value = key.strip().lower(), value.strip()
        if not value:
            raise LitlabError(f"--where {expression!r}: write KEY:VALUE, e.g. label:bibliometric=TRUE")
        if key == "label":
            name, _, label = value.partition("=")
            if not label:
                raise LitlabError(f"--where {expression!r}: write label:RUN_NAME=LABEL")
            out.setdefault("labels", []).append((name.strip(), label.strip()))
        elif key == "has_pdf":
            out["has_pdf"] = value.lower() in ("1", "true", "yes")
        elif key == "topic":
            out["topic"] = int(value) if value.lstrip("-").isdigit() else value
        elif key in ("year", "type", "source", "language"):
            out.setdefault(key, []).append(value) if key != "year" else out.__setitem__(key, value)
        else:
            raise LitlabError(f"--where {expression!r}: unknown key {key!r}; known: label, year, "
                              "type, source, language, topic, has_pdf")
    return out


def filter_choices(con) -> dict:
    """What a filter can take in this corpus: document types, ``run=label`` pairs of the label
    runs, and topics of the latest topic run (``id: name``)."""
    types = [t for (t,) in con.execute(
        "SELECT DISTINCT document_type FROM records WHERE document_type IS NOT NULL ORDER BY 1"
    ).fetchall()]
    labels = [f"{n}={o}" for n, o in con.execute(
        "SELECT DISTINCT name, unnest(options) FROM label_runs ORDER BY 1, 2").fetchall()]
    topics = [f"{i}: {n}" for i, n in con.execute(
        "SELECT topic_id, name FROM topics WHERE topic_run_id = (SELECT max(topic_run_id) "
        "FROM topic_runs) AND topic_id >= 0 ORDER BY topic_id").fetchall()]
    return {"types": types, "labels": labels, "topics": topics}
