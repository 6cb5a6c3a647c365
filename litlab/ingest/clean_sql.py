"""Field cleaning as DuckDB SQL: ``fields.clean_record`` for a whole column at once.

Every expression here mirrors one function of ``litlab.ingest.fields`` (the reference, kept
for single values and for the tests that hold both to the same answers). Two steps whose exact
Python semantics a regular expression in RE2 cannot express run as vectorised Python UDFs on
the few rows that need them: the copyright split (only abstracts with a ``©``, ``(c)`` or
"copyright" near their end), and the title key (Unicode NFKD) and document type (Unicode case
mapping) of values that are not ASCII.

Input columns are named after the canonical fields and hold the values as the reader mapped
them: text (``VARCHAR``) for every field, and for list fields also ``<field>__list``
(``VARCHAR[]``) when the reader gave a list instead of a delimited string.
"""
from __future__ import annotations

import duckdb
import pyarrow as pa

from litlab.ingest.base import LIST_FIELDS, TEXT_FIELDS
from litlab.ingest.fields import _DOC_TYPES, _PLACEHOLDERS, copyright_start, title_key
from litlab.ingest.fields import document_type as fields_document_type

# Python's str.isspace() characters, so strip() and split() mean the same in both languages.
WS = (r"[\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}"
      r"\x{205f}\x{3000}]")
# A list literal, not IN (...): DuckDB plans a long IN list as a join, and a join does not keep
# the order of the rows (their order is their position in the file).
_PLACEHOLDER_LIST = "[" + ", ".join("'" + p.replace("'", "''") + "'"
                                    for p in sorted(_PLACEHOLDERS)) + "]"
_LONGEST = max(map(len, _PLACEHOLDERS)) + 4
COPYRIGHT_WINDOW = 700  # fields._MAX_NOTICE: markers are looked for this far from the end


# Whitespace that " ".join(s.split()) would change: anything but a single space between words.
_UNUSUAL_WS = (r"[\t-\r\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}"
               r"\x{202f}\x{205f}\x{3000}]|  |^ | $")


def strip(x: str) -> str:
    """``str.strip()``; the replace (slow in RE2) only runs when an end is whitespace."""
    return (f"CASE WHEN regexp_matches(left({x}, 1) || right({x}, 1), '{WS}') "
            f"THEN regexp_replace({x}, '^{WS}+|{WS}+$', '', 'g') ELSE {x} END")


def placeholder(x: str) -> str:
    """``fields.blank`` for a non-NULL string: an export placeholder or only whitespace.

    The byte length rules out long values before anything else is computed (a CASE, so the
    rest runs only on the short ones).
    """
    return (f"(CASE WHEN strlen({x}) > {4 * _LONGEST} OR length({x}) > {_LONGEST} THEN false "
            f"ELSE list_contains({_PLACEHOLDER_LIST}, lower({strip(x)})) END)")


def _placeholder_stripped(p: str) -> str:
    return (f"(CASE WHEN strlen({p}) > {4 * _LONGEST} THEN false "
            f"ELSE list_contains({_PLACEHOLDER_LIST}, lower({p})) END)")


def text(x: str) -> str:
    """``fields._text``: whitespace runs collapsed, placeholders and blanks NULL."""
    return (f"CASE WHEN {x} IS NULL OR {placeholder(x)} THEN NULL "
            f"WHEN regexp_matches({x}, '{_UNUSUAL_WS}') "
            f"THEN nullif(trim(regexp_replace({x}, '{WS}+', ' ', 'g')), '') ELSE {x} END")


def to_int(x: str) -> str:
    """``fields.to_int``: ``'12'``, ``' 12 '``, ``'12.0'``; NULL for anything else or too big."""
    return (f"CASE WHEN {x} IS NULL OR {placeholder(x)} THEN NULL ELSE TRY_CAST(regexp_extract("
            f"{x}, '^{WS}*(-?[0-9]+)(?:\\.0*)?{WS}*$', 1) AS INTEGER) END")


def year_number(x: str) -> str:
    """``fields.to_year`` before its range check: an integer, else a year found in a date."""
    found = (f"TRY_CAST(regexp_extract({x}, '\\b(1[5-9][0-9][0-9]|20[0-9][0-9])\\b', 1) "
             f"AS INTEGER)")
    return (f"CASE WHEN {x} IS NULL OR {placeholder(x)} THEN NULL "
            f"ELSE coalesce({to_int(x)}, {found}) END")


def doi(cleaned: str) -> str:
    """``fields.normalise_doi`` of the cleaned text."""
    bare = strip(f"regexp_replace({strip(cleaned)}, '^(?:https?://)?(?:dx\\.)?(?:www\\.)?"
                 f"doi\\.org/|^doi:{WS}*', '', 'i')")
    found = f"regexp_extract({bare}, '10\\.[0-9]{{4,9}}/[^\\t-\\r\\x{{1c}}-\\x{{20}}" \
            f"\\x{{85}}\\x{{a0}}\\x{{1680}}\\x{{2000}}-\\x{{200a}}\\x{{2028}}\\x{{2029}}" \
            f"\\x{{202f}}\\x{{205f}}\\x{{3000}}\"''<>]+', 0)"
    return f"nullif(lower(rtrim({found}, '.,;)]}}')), '')"


def document_type(cleaned: str) -> str:
    """``fields.document_type``: one capitalisation per known type, else capitalised words
    (non-ASCII ones by Python, whose case mapping differs: ``ß`` capitalises to ``Ss``)."""
    cases = " ".join(f"WHEN '{low}' THEN '{name}'" for low, name in sorted(_DOC_TYPES.items()))
    capwords = (f"array_to_string(list_transform(string_split({cleaned}, ' '), "
                f"w -> upper(left(w, 1)) || lower(substr(w, 2))), ' ')")
    return (f"CASE WHEN regexp_matches({cleaned}, '[^\\x01-\\x7f]') "
            f"THEN litlab_document_type({cleaned}) ELSE CASE lower({cleaned}) {cases} "
            f"ELSE {capwords} END END")


def _not_blank_item(p: str) -> str:
    return f"{p} IS NOT NULL AND NOT {placeholder(p)}"


def list_from_text(x: str, authors: bool = False) -> str:
    """``fields.split_list`` (``split_authors`` for authors: ``;`` if present, else ``,``).

    The cell is stripped once and split on the separator with the whitespace around it, which
    leaves every item stripped: far cheaper than stripping item by item.
    """
    def split(separator: str) -> str:
        return (f"[p for p in string_split_regex({strip(x)}, '{WS}*{separator}{WS}*') "
                f"if p <> '' AND NOT {_placeholder_stripped('p')}]")

    items = (f"CASE WHEN contains({x}, ';') THEN {split(';')} ELSE {split(',')} END"
             if authors else split(";"))
    return f"CASE WHEN {x} IS NULL OR {x} = '' THEN NULL ELSE nullif({items}, []) END"


def list_from_list(x: str) -> str:
    """``fields.split_list`` of a list: blank items dropped, the rest stripped."""
    items = f"list_transform(list_filter({x}, p -> {_not_blank_item('p')}), p -> {strip('p')})"
    return f"CASE WHEN {x} IS NULL THEN NULL ELSE nullif({items}, []) END"


def title_key_sql(title: str) -> str:
    """``fields.title_key``: ASCII titles in SQL, the others through Python's NFKD."""
    return (f"CASE WHEN {title} IS NULL THEN NULL "
            f"WHEN regexp_matches({title}, '[^\\x01-\\x7f]') THEN litlab_title_key({title}) "
            f"ELSE nullif(trim(regexp_replace(lower({title}), '[^a-z0-9]+', ' ', 'g')), '') END")


def clean_select(source: str, list_columns: bool) -> str:
    """SELECT of every staged column from ``source`` (a subquery with the raw columns).

    ``source`` also carries ``line``, ``nl``, ``reject`` and ``raw``, passed through; rows
    without a title and without a DOI are rejected here, as ``exports`` always did.
    """
    keep = ["line", "nl", "raw"]
    plain = [n for n in TEXT_FIELDS if n not in ("abstract", "doi", "document_type")]
    lists = list(LIST_FIELDS)
    step1 = keep + ["reject AS _reject"] + [f"{text(n)} AS {n}" for n in plain] + [
        f"{text('doi')} AS _doi", f"{text('document_type')} AS _type",
        f"{year_number('year')} AS _year", f"{to_int('page_count')} AS page_count",
        f"{to_int('cited_by')} AS cited_by",
        f"CASE WHEN abstract IS NULL OR {placeholder('abstract')} THEN NULL "
        f"ELSE nullif({strip('abstract')}, '') END AS _a"]
    for n in lists:
        from_text = list_from_text(n, authors=n == "authors")
        step1.append(f"coalesce({list_from_list(n + '__list')}, {from_text}) AS {n}"
                     if list_columns else f"{from_text} AS {n}")
    carried = keep + ["_reject"] + plain + lists + ["page_count", "cited_by"]
    step2 = carried + [
        f"{doi('_doi')} AS doi", f"{document_type('_type')} AS document_type",
        "CASE WHEN _year BETWEEN 1400 AND 2100 THEN _year END AS year", "_a",
        f"CASE WHEN regexp_matches(right(_a, {COPYRIGHT_WINDOW}), '©|\\(c\\)|copyright', 'i') "
        f"THEN litlab_copyright_at(_a) END AS _at"]
    carried += ["doi", "document_type", "year"]
    step3 = carried + [
        f"CASE WHEN _at IS NULL THEN _a "
        f"ELSE nullif(regexp_replace(left(_a, _at), '{WS}+$', ''), '') END AS _ab",
        f"CASE WHEN _at IS NOT NULL THEN {strip('substr(_a, _at + 1)')} END AS copyright"]
    carried += ["copyright"]
    step4 = [c for c in carried if c != "_reject"] + [
        "CASE WHEN contains(_ab, '  ') OR contains(_ab, chr(9)) "
        "THEN regexp_replace(_ab, '[ \\t]+', ' ', 'g') ELSE _ab END AS abstract",
        f"{title_key_sql('title')} AS title_key",
        "CASE WHEN _reject IS NULL AND title IS NULL AND doi IS NULL "
        "THEN 'no title and no DOI' ELSE _reject END AS reject"]
    query = f"SELECT {', '.join(step1)} FROM ({source})"
    for step in (step2, step3, step4):
        query = f"SELECT {', '.join(step)} FROM ({query})"
    return query


def _copyright_at(abstracts: pa.Array) -> pa.Array:
    """Where the copyright notice of each abstract starts (a Python index), or NULL."""
    return pa.array([None if a is None else copyright_start(a) for a in abstracts.to_pylist()],
                    pa.int64())


def _title_keys(titles: pa.Array) -> pa.Array:
    return pa.array([title_key(t) for t in titles.to_pylist()], pa.string())


def _document_types(values: pa.Array) -> pa.Array:
    return pa.array([fields_document_type(v) for v in values.to_pylist()], pa.string())


_UDFS = (("litlab_copyright_at", _copyright_at, "BIGINT"),
         ("litlab_title_key", _title_keys, "VARCHAR"),
         ("litlab_document_type", _document_types, "VARCHAR"))


def register_udfs(con: duckdb.DuckDBPyConnection) -> None:
    """The Python UDFs the cleaning SQL calls, on this cursor until ``remove_udfs``.

    The catalog is shared by all cursors of a database, and a UDF left behind by a cursor
    that was closed crashes the process when called: each ingest registers and removes its
    own (the UI ingests from a job thread's cursor, the CLI from the main one)."""
    for name, function, result in _UDFS:
        try:
            con.create_function(name, function, ["VARCHAR"], result, type="arrow",
                                null_handling="special", side_effects=False)
        except duckdb.NotImplementedException:  # already registered on this cursor
            pass


def remove_udfs(con: duckdb.DuckDBPyConnection) -> None:
    """Remove what ``register_udfs`` registered on this cursor."""
    for name, *_ in _UDFS:
        try:
            con.remove_function(name)
        except (duckdb.InvalidInputException, duckdb.CatalogException):
            pass
