"""The demo corpus's templates (JSON under `corpora/demo_templates/`) and how they are filled.

A template is a `str.format` string over a record's slots; `{name!c}` capitalises the first
letter. A list item may be an object `{"text": ..., "from_year": Y}` or `{..., "before_year": Y}`:
it is kept only for records of those years, in its place, so the list (and the random choices
made from it) stays as it was for the years it does not concern.
"""
from __future__ import annotations

import json
import string
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1] / "demo_templates"


def load(name: str):
    return json.loads((FOLDER / name).read_text(encoding="utf-8"))


SHARED = load("shared.json")
PEOPLE = load("people.json")
VENUES = load("venues.json")
PDF_TEXT = load("pdf_text.json")
THEMES = SHARED["themes"]
THEME = {theme: load(f"themes/{theme}.json") for theme in THEMES}
README = (FOLDER / "demo_readme.md").read_text(encoding="utf-8")


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Formatter(string.Formatter):
    def convert_field(self, value, conversion):
        return cap(value) if conversion == "c" else super().convert_field(value, conversion)


_FORMATTER = _Formatter()


def fill(template: str, slots: dict) -> str:
    return _FORMATTER.format(template, **slots)


def in_year(item, year: int) -> bool:
    if isinstance(item, str):
        return True
    return year >= item.get("from_year", year) and year < item.get("before_year", year + 1)


def for_year(items: list, year: int) -> list:
    """The items that apply to a record of ``year``, as plain templates."""
    return [item if isinstance(item, str) else item["text"]
            for item in items if in_year(item, year)]


def copyright_line(rng, key: str, year: int, first_surname: str) -> str:
    """A publisher's copyright line: the first case of its list that applies to the year."""
    case = next(c for c in VENUES["copyright"][key] if in_year(c, year))
    return rng.choice(case["texts"]).format(y=year, fa=first_surname)
