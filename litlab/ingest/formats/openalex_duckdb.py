"""OpenAlex JSON Lines parsed by DuckDB, each line once, straight into the staging table.

DuckDB reads the file as one text column (a blank line is a row, so a row's position is its
line number) and turns each line into a typed struct of the fields litlab maps
(``json_transform``; a field of another JSON type becomes NULL, as ``map_work`` skips it).
The mapping below is ``openalex.map_work`` in SQL; the abstract is rebuilt from its inverted
index by ``openalex.rebuild_abstract`` itself (a vectorised UDF). Lines the SQL cannot judge exactly (JSON
that DuckDB refuses, an object with none of ``id``/``display_name``/``title``) ask the Python
reader line by line; a file holding API pages or arrays on a line goes to the Python reader.
"""
from __future__ import annotations

import json

import duckdb
import pyarrow as pa

from litlab.ingest.base import INT_FIELDS, LIST_FIELDS, TEXT_FIELDS
from litlab.ingest.clean_sql import WS
from litlab.ingest.formats.openalex import _work_items, rebuild_abstract
from litlab.ingest.scan import FileScan
from litlab.ingest.staging import NUL_REASON, STAGED, stage_sql

REJECTS = "litlab_jsonl_rejects"
MAX_LINE = 16 << 20  # a longer line goes to the Python reader
_BLANK = "__blank__"
_PYTHON = "__python__"  # a line only the Python reader can read: the whole file goes there
_NOT_A_WORK = "JSON value is not an OpenAlex work"  # openalex._work_items' reason
_SOURCE = ('{"display_name": "VARCHAR", "issn_l": "VARCHAR", "issn": ["VARCHAR"], '
           '"host_organization_name": "VARCHAR", "publisher": "VARCHAR"}')
_SPEC = json.dumps({
    "id": "VARCHAR", "doi": "VARCHAR", "display_name": "VARCHAR", "title": "VARCHAR",
    "publication_year": "VARCHAR", "cited_by_count": "VARCHAR", "type": "VARCHAR",
    "language": "VARCHAR", "ids": {"doi": "VARCHAR", "pmid": "VARCHAR"},
    "primary_location": {"landing_page_url": "VARCHAR", "source": "JSON"},
    "host_venue": json.loads(_SOURCE),
    "biblio": {"volume": "VARCHAR", "issue": "VARCHAR", "first_page": "VARCHAR",
               "last_page": "VARCHAR"},
    "open_access": {"oa_status": "VARCHAR"},
    "authorships": [{"author": {"id": "VARCHAR", "display_name": "VARCHAR"},
                     "raw_author_name": "VARCHAR",
                     "institutions": [{"display_name": "VARCHAR"}],
                     "raw_affiliation_strings": ["VARCHAR"],
                     "raw_affiliation_string": "VARCHAR"}],
    "keywords": [{"display_name": "VARCHAR", "keyword": "VARCHAR"}],
    "concepts": [{"display_name": "VARCHAR"}], "topics": [{"display_name": "VARCHAR"}],
    "results": "JSON",
    # As JSON text: DuckDB building a MAP of ~200 words per work cost 5x the rest of the line.
    "abstract_inverted_index": "JSON",
})


def _or(*values: str) -> str:
    """Python's ``a or b``: the first value that is not NULL or empty."""
    return "coalesce(" + ", ".join(f"nullif({v}, '')" for v in values) + ")"


def _unique(column: str) -> str:
    """``openalex._unique`` of a list column: non-empty values, first occurrence kept, in
    order. (A column, not an expression: a subquery here would plan a join, and a join does
    not keep the file's row order.)"""
    return (f"list_filter({column}, (x, i) -> x IS NOT NULL AND x <> '' "
            f"AND list_position({column}, x) = i)")


def _short_id(value: str) -> str:
    return f"regexp_extract(rtrim({value}, '/'), '[^/]*$')"


def _abstract(index: str) -> str:
    """``openalex.rebuild_abstract``, by Python, of the inverted index as JSON text."""
    return f"litlab_openalex_abstract({index})"


def _fields() -> tuple[list[str], list[str]]:
    """Canonical raw columns from the struct ``j`` (``openalex.map_work``): the final
    expressions, and the list items they read (``<field>__items``, one level down)."""
    auth = "list_filter(coalesce(j.authorships, []), a -> a IS NOT NULL)"
    names = ("list_filter(list_transform(coalesce(a.institutions, []), i -> i.display_name), "
             "n -> n IS NOT NULL AND n <> '')")
    affiliations = (f"flatten(list_transform({auth}, a -> CASE WHEN len({names}) > 0 THEN "
                    f"{names} WHEN len(coalesce(a.raw_affiliation_strings, [])) > 0 THEN "
                    f"a.raw_affiliation_strings ELSE [a.raw_affiliation_string] END))")
    keywords = f"list_transform(coalesce(j.keywords, []), k -> {_or('k.display_name', 'k.keyword')})"
    concepts = ("list_transform(list_concat(coalesce(j.concepts, []), coalesce(j.topics, [])), "
                "c -> c.display_name)")
    text = {
        "openalex_id": f"CASE WHEN j.id <> '' THEN {_short_id('j.id')} END",
        "doi": _or("j.doi", "j.ids.doi"), "title": _or("j.display_name", "j.title"),
        "abstract": _abstract("j.abstract_inverted_index"), "year": "j.publication_year",
        "source_title": "src.display_name",
        "publisher": _or("src.host_organization_name", "src.publisher"),
        "issn": _or("src.issn_l", "array_to_string(src.issn, '; ')"),
        "volume": "j.biblio.volume", "issue": "j.biblio.issue",
        "page_start": "j.biblio.first_page", "page_end": "j.biblio.last_page",
        "cited_by": "j.cited_by_count", "document_type": "j.type", "language": "j.language",
        "pmid": f"CASE WHEN j.ids.pmid <> '' THEN {_short_id('j.ids.pmid')} END",
        "open_access": "j.open_access.oa_status",
        "link": _or("j.primary_location.landing_page_url", "j.doi"),
        "source_db": f"CASE WHEN verdict IS NULL OR verdict = '{NUL_REASON}' THEN 'OpenAlex' END",
    }
    lists = {
        "authors": f"list_transform({auth}, a -> a.author.display_name)",
        "author_full_names": f"list_transform({auth}, a -> a.raw_author_name)",
        "author_ids": f"list_transform({auth}, a -> CASE WHEN a.author.id <> '' THEN "
                      f"{_short_id('a.author.id')} END)",
        "affiliations": affiliations, "author_keywords": keywords, "index_keywords": concepts,
    }
    final = [f"{text.get(f, 'NULL')}::VARCHAR AS {f}" for f in TEXT_FIELDS + INT_FIELDS]
    for f in LIST_FIELDS:
        final += [f"NULL::VARCHAR AS {f}", f"{_unique(f + '__items')} AS {f}__list"]
    return final, [f"{lists[f]} AS {f}__items" for f in LIST_FIELDS]


def source_sql(scan: FileScan, max_line: int = MAX_LINE) -> str:
    """One staged row per line of the file, from DuckDB's parse."""
    path = "'" + str(scan.path).replace("'", "''") + "'"
    read = (f"read_csv({path}, columns={{'text': 'VARCHAR'}}, delim='\x1f', quote='', "
            f"escape='', header=false, auto_detect=false, strict_mode=true, "
            f"store_rejects=true, rejects_table='{REJECTS}', rejects_scan='{REJECTS}_scans', "
            f"max_line_size={max_line}, buffer_size={2 * max_line}, encoding='utf-8')")
    lines = (f"SELECT CASE WHEN starts_with(text, chr(65279)) THEN substr(text, 2) ELSE text END "
             f"AS text FROM {read}")
    nul = ("contains(text, '\\u0000') AND "  # the cheap test first: the regex reads 9 kB
           "regexp_matches(text, '(?:^|[^\\\\])(?:\\\\\\\\)*\\\\u0000')")
    verdict = (f"CASE WHEN text IS NULL OR regexp_full_match(text, '{WS}*') THEN '{_BLANK}' "
               f"WHEN j IS NULL OR j.results IS NOT NULL OR NOT starts_with(text, '{{') "
               f"OR (j.id IS NULL AND j.display_name IS NULL AND j.title IS NULL) "
               f"THEN litlab_openalex_line(text) "
               f"WHEN {nul} THEN '{NUL_REASON}' END")
    source = (f"CASE WHEN j.primary_location.source IS NOT NULL AND "
              f"j.primary_location.source <> '{{}}' THEN json_transform("
              f"j.primary_location.source, '{_SOURCE}') ELSE j.host_venue END")
    final, items = _fields()
    return (f"SELECT NULL::BIGINT AS line, NULL::INTEGER AS nl, "
            f"CASE WHEN verdict = '{_NOT_A_WORK}' THEN left(text, 10000) ELSE text END AS raw, "
            f"verdict AS reject, {', '.join(final)} FROM (SELECT *, {', '.join(items)} "
            f"FROM (SELECT text, j, {source} AS src, {verdict} AS verdict FROM (SELECT text, "
            f"TRY(json_transform(text, '{_SPEC}')) AS j FROM ({lines}))))")


def _line_verdict(lines: pa.Array) -> pa.Array:
    """Per line, the Python reader's verdict: its reject reason, or ``__python__`` when it
    would read records from the line that SQL did not."""
    out = []
    for text in lines.to_pylist():
        try:
            value = json.loads(text)
        except ValueError as exc:
            out.append(f"invalid JSON: {exc}")
            continue
        items = list(_work_items(0, value, text))
        if len(items) == 1 and not hasattr(items[0], "fields"):
            out.append(items[0].reason)
        else:
            out.append(_PYTHON)
    return pa.array(out, pa.string())


def _abstracts(indexes: pa.Array) -> pa.Array:
    return pa.array([None if i is None else rebuild_abstract(json.loads(i))
                     for i in indexes.to_pylist()], pa.string())


def _register(con: duckdb.DuckDBPyConnection) -> None:
    for name, function in (("litlab_openalex_line", _line_verdict),
                           ("litlab_openalex_abstract", _abstracts)):
        try:
            con.create_function(name, function, ["VARCHAR"], "VARCHAR", type="arrow",
                                null_handling="special", side_effects=False)
        except duckdb.NotImplementedException:
            pass


def stage_jsonl(con: duckdb.DuckDBPyConnection, scan: FileScan, max_line: int = MAX_LINE) -> bool:
    """Stage the file with DuckDB; False (rows left for the caller to drop) when the Python
    reader must read it."""
    if not scan.utf8 or scan.lone_cr:
        return False
    _register(con)
    for table in (REJECTS, f"{REJECTS}_scans"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    try:
        stage_sql(con, source_sql(scan, max_line), list_columns=True)
        refused = con.execute(f"SELECT count(*) FROM {REJECTS}").fetchone()[0]
    except duckdb.Error:
        return False
    finally:
        for table in (REJECTS, f"{REJECTS}_scans"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    if refused or con.execute(f"SELECT count(*) FROM {STAGED} WHERE reject = '{_PYTHON}'"
                              ).fetchone()[0]:
        return False
    con.execute(f"UPDATE {STAGED} SET line = rowid + 1")
    con.execute(f"DELETE FROM {STAGED} WHERE reject = '{_BLANK}'")
    return True
