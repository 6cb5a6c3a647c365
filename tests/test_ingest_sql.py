"""Vectorised ingest: the SQL cleaning, DuckDB's CSV parse and the blocked deduplication give
what the per-record Python reference gives, on generated input full of edge cases."""
from __future__ import annotations

import csv
import io
import json
import math
import random
import re
from pathlib import Path

import duckdb
import pytest

from litlab.ingest.base import CANONICAL_FIELDS, INT_FIELDS, LIST_FIELDS, ParsedRecord
from litlab.ingest.blocking import SMALL_YEAR
from litlab.ingest.fields import clean_record
from litlab.ingest.formats.tabular import TableReader
from litlab.ingest.scan import scan_file
from litlab.ingest.staging import STAGED, create_staged, stage_items
from test_scopus_csv import NEW_HEADER, scopus_row, write_csv

TRICKY = [
    "", " ", "  x  y ", "[No abstract available]", " n/a ", "NaN", "None", "null", "\t\n",
    "Article", "ARTICLE", "conference paper", "short survey", "weird   TYPE here", "ß", "ﬁne",
    "éclair ÉCOLE", "10.1234/ABC.def.", "https://doi.org/10.1000/XYZ)", "doi: 10.5555/abc;",
    "dx.doi.org/10.1/x", "http://dx.doi.org/10.12345/a b", "2019", " 2019 ", "2019.0", "2019.5",
    "Jan 2020", "1399", "2101", "99999999999", "-5", "12abc", "x2017y", "Smith J.; Braun R.",
    "Phillips J.C., Braun R., Wang W.", "a;;b; ;n/a;c", "Zürich – “quoted” title",
    "Title with\u00a0nbsp and\u2003em space", "Results. © 2024 Elsevier B.V. All rights reserved.",
    "We did x. Copyright 2019 IEEE.", "Text (c) 2018 Foo", "Text (c), 2018 bar",
    "Double  spaces\tand tab. © The Author(s) 2024.", "copyright copyright © 2020", "Only ©",
    "Multi\nline\nabstract.\n\n© 2022 The Authors", "A" * 800 + " © 2020 X", "© 2020 X " + "B" * 800,
    "ＦＵＬＬ width title of a paper", "日本語のタイトル", "x" * 30, "\u3000padded\u2028",
]
LISTS = [None, [], ["a", " b ", "n/a", ""], ["Smith J.", None, "  "], ["x", "x"]]


def _value(rng: random.Random, name: str):
    if name in LIST_FIELDS and rng.random() < 0.4:
        return rng.choice(LISTS)
    if name in INT_FIELDS and rng.random() < 0.3:
        return rng.choice([2019, 5, -3, 10**12])
    return rng.choice(TRICKY)


def _plain(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return list(value) if isinstance(value, (list, tuple)) else value


def test_sql_cleaning_gives_what_clean_record_gives(tmp_path):
    rng = random.Random(7)
    items = [ParsedRecord(i + 1, {n: _value(rng, n) for n in CANONICAL_FIELDS
                                  if rng.random() < 0.7}, {"i": i}) for i in range(3000)]
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    create_staged(con)
    stage_items(con, iter(items))
    names = list(CANONICAL_FIELDS) + ["copyright", "title_key", "reject"]
    rows = con.execute(f"SELECT {', '.join(names)} FROM {STAGED} ORDER BY rowid").fetchall()
    mismatches = []
    for item, row in zip(items, rows):
        expected = clean_record(item.fields)
        expected["reject"] = None if expected["title"] or expected["doi"] else "no title and no DOI"
        got = dict(zip(names, map(_plain, row)))
        mismatches += [(k, item.fields.get(k), expected[k], got[k]) for k in names
                       if expected[k] != got[k]]
    assert len(rows) == len(items)
    assert mismatches == []


def _staged(con) -> list[tuple]:
    """Staged rows by line; raw JSON parsed (the two paths space it differently)."""
    rows = con.execute(f"SELECT * EXCLUDE (nl) FROM {STAGED} ORDER BY line").fetchall()
    return [(r[0], _json_or_text(r[1])) + r[2:] for r in rows]


def _json_or_text(raw: str):
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return raw


def _both_ways(path: Path, tmp_path: Path) -> tuple[bool, list, list]:
    """The file staged by DuckDB's parser and by the Python reader, in two databases."""
    reader = TableReader("scopus_csv", frozenset({"EID", "Source title"}))
    fast = duckdb.connect(str(tmp_path / "fast.duckdb"))
    create_staged(fast)
    used_duckdb = reader.stage(fast, scan_file(path))
    slow = duckdb.connect(str(tmp_path / "slow.duckdb"))
    create_staged(slow)
    stage_items(slow, reader.read(path.read_bytes().decode("utf-8-sig"), path))
    return used_duckdb, _staged(fast), _staged(slow)


def _hostile_rows() -> list[dict]:
    return [
        scopus_row(1, Abstract="Two\nlines, and a \"quote\".\nThird line. © 2020 Elsevier B.V."),
        scopus_row(2, Title="Ünïcödé title with “curly quotes”, commas, and ; semicolons"),
        scopus_row(3, Title="[No title available]", DOI=""),
        scopus_row(4, Authors="[No author name available]", **{"Cited by": "", "Year": "2019.0"}),
        scopus_row(5, Abstract="", **{"Author Keywords": " ; n/a ;  kw ;"}),
        scopus_row(6, Title="x\x00y damaged row"),
        scopus_row(7),
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_duckdb_parse_stages_what_the_python_reader_stages(tmp_path, newline):
    path = write_csv(tmp_path / "s.csv", _hostile_rows())
    lines = path.read_bytes().decode("utf-8-sig").split("\n")
    lines[4] += ',"an extra field"'  # row 2 (row 1 spans lines 2-4): shifted, rejected
    path.write_bytes(("\ufeff" + newline.join(lines)).encode())
    used_duckdb, fast, slow = _both_ways(path, tmp_path)
    assert used_duckdb
    assert fast == slow
    rejects = {r[0]: r[2] for r in fast if r[2]}
    assert sorted(rejects) == [5, 6, 9]
    assert rejects[5] == "row has 27 fields, header has 26"
    assert rejects[6] == "no title and no DOI" and "NUL" in rejects[9]
    assert [r[0] for r in fast if not r[2]] == [2, 7, 8, 10]


def test_a_blank_line_between_rows_keeps_true_line_numbers(tmp_path, ingest, corpus):
    path = write_csv(tmp_path / "s.csv", [scopus_row(1), scopus_row(2), scopus_row(3)])
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    path.write_text("\n".join(lines[:2] + [""] + lines[2:]), encoding="utf-8")
    ingest(path)
    stored = corpus.con.execute("SELECT source_line FROM records ORDER BY record_id").fetchall()
    assert [line for (line,) in stored] == [2, 4, 5]


def test_big_cells_are_parsed_by_duckdb_too(tmp_path):
    rows = [scopus_row(1), scopus_row(2, Abstract="Long abstract sentence. " * 60000),
            scopus_row(3)]
    used_duckdb, fast, slow = _both_ways(write_csv(tmp_path / "big.csv", rows), tmp_path)
    assert used_duckdb and fast == slow and len(fast) == 3


def test_a_near_duplicate_title_is_found_in_a_crowded_year(tmp_path, ingest, corpus):
    """Past SMALL_YEAR titles a year is blocked by title prefix and suffix: a typo at either
    end of the title still meets its original."""
    rng = random.Random(3)
    words = ["citation", "network", "science", "policy", "funding", "impact", "open", "data",
             "gender", "career", "novelty", "team", "review", "metrics", "journal", "patent"]
    titles = sorted({" ".join(rng.choice(words) for _ in range(9)) for _ in range(SMALL_YEAR * 2)})
    rows = [scopus_row(i, Title=t, Year="2020", DOI="", EID="", Link="")
            for i, t in enumerate(titles)]
    first, last = titles[10], titles[20]
    rows += [scopus_row(9001, Title="X" + first[1:], Year="2020", DOI="", EID="", Link=""),
             scopus_row(9002, Title=last[:-1] + "X", Year="2020", DOI="", EID="", Link="")]
    imp = ingest(write_csv(tmp_path / "crowded.csv", rows)).imports[0]
    assert imp.duplicates == 2 and imp.duplicate_reasons == {"fuzzy_title": 2}
    merged = corpus.con.execute("SELECT r.title FROM duplicates d JOIN records r "
                                "ON r.record_id = d.duplicate_of ORDER BY d.line").fetchall()
    assert [t for (t,) in merged] == [first, last]


def test_the_same_work_from_scopus_and_openalex_merges_on_its_title(tmp_path, ingest, corpus):
    """Scopus writes "Smith J.", OpenAlex "John Smith": the same first author."""
    import json

    title = "Measuring the diffusion of scientific knowledge across fields"
    ingest(write_csv(tmp_path / "s.csv", [scopus_row(1, Title=title, DOI="", Year="2021",
                                                     Authors="Smith J.; Braun R.")]))
    work = {"id": "https://openalex.org/W1", "display_name": title.upper() + ".",
            "publication_year": 2021, "abstract_inverted_index": {"Found": [0], "again.": [1]},
            "authorships": [{"author": {"display_name": "John Smith"}}]}
    other = dict(work, id="https://openalex.org/W2",
                 authorships=[{"author": {"display_name": "Maria Garcia"}}])
    jsonl = tmp_path / "w.jsonl"
    jsonl.write_text(json.dumps(work) + "\n" + json.dumps(other) + "\n")
    imp = ingest(jsonl).imports[0]
    assert (imp.duplicates, imp.stored) == (1, 1)
    assert imp.duplicate_reasons == {"title_year": 1}


def test_the_generated_csv_layout_round_trips(tmp_path):
    """The header the tests write is the one the reader maps (a guard on the fixtures)."""
    path = write_csv(tmp_path / "s.csv", [scopus_row(1)])
    assert next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))) == NEW_HEADER


def _hostile_jsonl(tmp_path: Path, page: bool = False) -> Path:
    from test_formats import work

    lines = ["\ufeff" + json.dumps(work(1)), "", "   ",
             json.dumps(work(2, doi=None, ids={"pmid": "https://pubmed.ncbi.nlm.nih.gov/123/"})),
             '{"id": "https://openalex.org/W999", "display_name": "cut off', "null", '"a string"',
             '{"foo": "bar"}', json.dumps(work(3, display_name="Has a \u0000 NUL")),
             json.dumps(work(4, authorships="oops", primary_location={"source": {}},
                             host_venue={"display_name": "Old venue", "publisher": "Pub"})),
             json.dumps(work(5, abstract_inverted_index={"b": [1, 0], "a": [0], "ü\"q": [2]},
                             keywords=[{"keyword": "kw only"}, "str", {"display_name": ""}])),
             json.dumps(work(6, display_name="", title="Fallback title",
                             biblio={"volume": 6.0, "issue": None}, cited_by_count=3.0)),
             json.dumps(work(7, authorships=[
                 {"author": {"display_name": "A"}, "raw_affiliation_strings": []},
                 {"author": {"display_name": "A"}, "raw_affiliation_string": "Solo"}, 5])),
             json.dumps(work(8, primary_location={"source": {"issn": ["1", "2"]}}))]
    if page:
        lines.append(json.dumps({"meta": {"count": 1}, "results": [work(9)]}))
    path = tmp_path / ("page.jsonl" if page else "works.jsonl")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _jsonl_both_ways(path: Path, tmp_path: Path) -> tuple[bool, list, list]:
    from litlab.ingest.formats.openalex import OpenAlexJsonlReader

    reader = OpenAlexJsonlReader()
    fast = duckdb.connect(str(tmp_path / "fast.duckdb"))
    create_staged(fast)
    used_duckdb = reader.stage(fast, scan_file(path))
    slow = duckdb.connect(str(tmp_path / "slow.duckdb"))
    create_staged(slow)
    stage_items(slow, reader.read(path.read_bytes().decode("utf-8"), path))
    return used_duckdb, _staged(fast), _staged(slow)


def test_duckdb_jsonl_parse_stages_what_the_python_reader_stages(tmp_path):
    used_duckdb, fast, slow = _jsonl_both_ways(_hostile_jsonl(tmp_path), tmp_path)
    assert used_duckdb and fast == slow
    rejects = {r[0]: r[2] for r in fast if r[2]}
    assert sorted(rejects) == [5, 6, 7, 8, 9]
    assert rejects[5].startswith("invalid JSON: Unterminated string")
    assert rejects[6] == rejects[7] == rejects[8] == "JSON value is not an OpenAlex work"
    assert "NUL" in rejects[9]


def test_a_jsonl_line_holding_an_api_page_is_read_by_the_python_reader(tmp_path, ingest):
    path = _hostile_jsonl(tmp_path, page=True)
    used_duckdb, fast, slow = _jsonl_both_ways(path, tmp_path)
    assert not used_duckdb
    imp = ingest(path).imports[0]
    assert imp.rows_read == len(slow) and imp.stored == 8  # the page's work included


def test_the_fast_staging_queries_keep_the_file_order(tmp_path):
    """Row positions are line numbers: the staging plans must be scans and projections only
    (a join or an aggregate would not keep the order of the rows)."""
    from litlab.ingest.clean_sql import clean_select
    from litlab.ingest.formats import openalex_duckdb, tabular_duckdb
    from litlab.ingest.formats.tabular import map_header

    csv_path = write_csv(tmp_path / "s.csv", [scopus_row(1)])
    header = NEW_HEADER
    queries = {
        "csv": clean_select(tabular_duckdb.source_sql(scan_file(csv_path), header, ",",
                                                      map_header(header), None, set()), False),
        "jsonl": clean_select(openalex_duckdb.source_sql(
            scan_file(_hostile_jsonl(tmp_path))), True)}
    con = duckdb.connect()
    create_staged(con)
    openalex_duckdb._register(con)
    for name, sql in queries.items():
        plan = con.execute("EXPLAIN " + sql).fetchall()[0][1]
        operators = set(re.findall(r"\b(?:[A-Z]+_)*(?:JOIN|GROUP_BY|AGGREGATE|ORDER_BY|WINDOW)\b",
                                   plan))
        assert operators == set(), (name, operators)


def test_a_stored_record_is_completed_by_a_later_file(tmp_path, ingest, corpus):
    """A record with only a DOI takes the title (and its key), keywords and abstract of the
    same DOI in a later export; nothing it had is overwritten."""
    ingest(write_csv(tmp_path / "a.csv", [scopus_row(1, Title="", Abstract="", **{
        "Author Keywords": "", "Document Type": "Article"})]))
    ris = tmp_path / "b.ris"
    ris.write_text("TY  - JOUR\nTI  - The Title Arrived Later, With Its Key\n"
                   "DO  - 10.1007/s11192-020-00001-x\nKW  - late keyword\nAB  - Late abstract.\n"
                   "M3  - Review\nER  - \n")
    imp = ingest(ris).imports[0]
    assert (imp.duplicates, imp.enriched) == (1, 1)
    title, key, keywords, abstract, kind, updated = corpus.con.execute(
        "SELECT title, title_key, author_keywords, abstract, document_type, updated_at "
        "FROM records").fetchone()
    assert (title, key) == ("The Title Arrived Later, With Its Key",
                            "the title arrived later with its key")
    assert keywords == ["late keyword"] and abstract == "Late abstract."
    assert kind == "Article" and updated is not None
    (enriched,) = corpus.con.execute("SELECT enriched FROM duplicates").fetchone()
    assert {"title", "abstract", "author_keywords"} <= set(enriched)
    assert "document_type" not in enriched
