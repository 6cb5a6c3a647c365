"""Scopus CSV exports of every era, and what goes wrong in real ones."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from litlab.errors import InputNotFound

NEW_HEADER = ["Authors", "Author full names", "Author(s) ID", "Title", "Year", "Source title",
              "Volume", "Issue", "Art. No.", "Page start", "Page end", "Page count", "Cited by",
              "DOI", "Link", "Affiliations", "Authors with affiliations", "Abstract",
              "Author Keywords", "Index Keywords", "Document Type", "Publication Stage",
              "Open Access", "Source", "EID", "Funding Details"]


def scopus_row(i: int, **over) -> dict:
    row = {
        "Authors": f"Smith J.; Braun R.A.; Lee K{i}.",
        "Author full names": f"Smith, John (5719000000{i}); Braun, Rita A. (57190000099)",
        "Author(s) ID": f"5719000000{i}; 57190000099",
        "Title": f"Citation dynamics of open access articles in field number {i}",
        "Year": str(2015 + i % 8), "Source title": "Scientometrics", "Volume": "12",
        "Issue": "3", "Art. No.": "", "Page start": "101", "Page end": "120",
        "Page count": "20", "Cited by": str(i * 3), "DOI": f"10.1007/s11192-020-0{i:04d}-x",
        "Link": f"https://www.scopus.com/inward/record.uri?eid=2-s2.0-850000{i:05d}",
        "Affiliations": "University of Bremen, Germany; ETH Zurich, Switzerland",
        "Authors with affiliations": "Smith J., University of Bremen, Germany",
        "Abstract": f"We analyse {i} thousand articles. Open access ones are cited more. "
                    f"© 2021 Elsevier B.V. All rights reserved.",
        "Author Keywords": "open access; citation advantage",
        "Index Keywords": "Bibliometrics; Citation analysis",
        "Document Type": "Article", "Publication Stage": "Final",
        "Open Access": "All Open Access; Green Open Access", "Source": "Scopus",
        "EID": f"2-s2.0-850000{i:05d}", "Funding Details": "DFG grant 123",
    }
    row.update(over)
    return row


def write_csv(path, rows, header=NEW_HEADER, bom=True, quote=csv.QUOTE_ALL, encoding="utf-8"):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, quoting=quote, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def test_new_scopus_export_maps_every_field(tmp_path, ingest, corpus):
    path = write_csv(tmp_path / "scopus.csv", [scopus_row(i) for i in range(1, 6)])
    report = ingest(path)
    assert report.imports[0].format == "scopus_csv"
    assert report.imports[0].stored == 5
    rec = corpus.records().iloc[0]
    assert list(rec.authors) == ["Smith J.", "Braun R.A.", "Lee K1."]
    assert list(rec.author_ids) == ["57190000001", "57190000099"]
    assert list(rec.affiliations) == ["University of Bremen, Germany", "ETH Zurich, Switzerland"]
    assert list(rec.author_keywords) == ["open access", "citation advantage"]
    assert rec.abstract == "We analyse 1 thousand articles. Open access ones are cited more."
    assert rec.copyright == "© 2021 Elsevier B.V. All rights reserved."
    assert rec.doi == "10.1007/s11192-020-00001-x"
    assert rec.eid == "2-s2.0-85000000001" and rec.year == 2016 and rec.cited_by == 3


def test_unmapped_columns_survive_in_the_raw_row(tmp_path, ingest, corpus):
    ingest(write_csv(tmp_path / "s.csv", [scopus_row(1)]))
    raw = corpus.con.execute("SELECT raw->>'Funding Details', raw->>'Authors with affiliations' "
                             "FROM records").fetchone()
    assert raw == ("DFG grant 123", "Smith J., University of Bremen, Germany")


def test_old_export_comma_authors_no_bom_unquoted_missing_columns(tmp_path, ingest, corpus):
    header = [h for h in NEW_HEADER if h not in ("Author(s) ID", "Author full names",
                                                  "Open Access", "Publication Stage")]
    rows = [scopus_row(1, Authors="Phillips J.C., Braun R., Wang W.", Abstract="Short text.",
                       **{"Document Type": "ARTICLE", "Title": "Scalable molecular dynamics with NAMD"}),
            scopus_row(2, **{"Document Type": "Conference Paper"})]
    path = write_csv(tmp_path / "old.csv", rows, header=header, bom=False, quote=csv.QUOTE_MINIMAL)
    report = ingest(path)
    assert report.imports[0].stored == 2
    recs = corpus.records().set_index("title")
    namd = recs.loc["Scalable molecular dynamics with NAMD"]
    assert list(namd.authors) == ["Phillips J.C.", "Braun R.", "Wang W."]
    assert namd.document_type == "Article"  # old capitalisation unified
    assert pd.isna(namd.author_ids)


def test_placeholders_become_null_and_empty_cited_by_is_unknown(tmp_path, ingest, corpus):
    rows = [scopus_row(1, Abstract="[No abstract available]", Authors="[No author name available]",
                       **{"Cited by": ""}),
            scopus_row(2, **{"Cited by": "0"})]
    ingest(write_csv(tmp_path / "s.csv", rows))
    recs = corpus.records().sort_values("record_id")
    assert pd.isna(recs.iloc[0].abstract) and pd.isna(recs.iloc[0].authors)
    assert pd.isna(recs.iloc[0].cited_by)  # unknown, not 0
    assert recs.iloc[1].cited_by == 0


def test_embedded_newlines_keep_rows_and_line_numbers(tmp_path, ingest, corpus):
    rows = [scopus_row(1, Abstract="First line.\nSecond line of the same abstract."),
            scopus_row(2), scopus_row(3)]
    ingest(write_csv(tmp_path / "s.csv", rows))
    lines = corpus.con.execute("SELECT source_line FROM records ORDER BY record_id").fetchall()
    assert [l for (l,) in lines] == [2, 4, 5]
    assert "Second line" in corpus.records().iloc[0].abstract


def test_shifted_rows_are_rejected_with_line_and_raw_text(tmp_path, ingest, corpus):
    path = write_csv(tmp_path / "s.csv", [scopus_row(i) for i in range(1, 4)])
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2] + ',"extra field"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest(path)
    imp = report.imports[0]
    assert (imp.stored, imp.rejected) == (2, 1)
    rejected = corpus.rejects()
    assert rejected.line.tolist() == [3]
    assert "27 fields, header has 26" in rejected.reason[0]
    assert '"extra field"' in rejected.raw[0]


def test_pasted_exports_are_named_as_such(tmp_path, ingest):
    path = write_csv(tmp_path / "a.csv", [scopus_row(i) for i in range(1, 4)])
    short = [h for h in NEW_HEADER if h != "Funding Details"]
    other = write_csv(tmp_path / "b.csv", [scopus_row(i) for i in range(10, 16)], header=short,
                      bom=False)
    path.write_text(path.read_text(encoding="utf-8-sig") + other.read_text(), encoding="utf-8")
    imp = ingest(path).imports[0]
    assert imp.stored == 3 and imp.rejected == 7  # the second header and its six rows
    assert "pasted together" in imp.message


def test_non_utf8_file_is_decoded(tmp_path, ingest, corpus):
    rows = [scopus_row(1, Title="Zur Rezeption der Wissenschaftsförderung in Österreich und "
                                "Zürich: eine Übersicht")]
    path = write_csv(tmp_path / "latin.csv", rows, bom=False, encoding="cp1252")
    report = ingest(path)
    assert report.imports[0].encoding not in ("utf-8", "utf-8-sig")
    assert corpus.records().title[0].startswith("Zur Rezeption der Wissenschaftsförderung")


def test_unknown_header_names_missing_columns_and_format(tmp_path, corpus):
    path = tmp_path / "weird.csv"
    path.write_text("name,colour,size\nx,red,3\n")
    imp = corpus.ingest([path]).imports[0]
    assert imp.status == "failed"
    assert "title column" in imp.message and "csv" in imp.message and "colour" in imp.message


def test_binary_and_empty_files_fail_clearly_and_others_still_load(tmp_path, corpus):
    binary = tmp_path / "image.csv"
    binary.write_bytes(bytes(range(256)) * 20)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    good = write_csv(tmp_path / "good.csv", [scopus_row(1)])
    report = corpus.ingest([binary, empty, good])
    status = {imp.file.split("/")[-1]: (imp.status, imp.message) for imp in report.imports}
    assert status["image.csv"][0] == "failed" and "binary" in status["image.csv"][1]
    assert status["empty.csv"][0] == "failed" and "empty" in status["empty.csv"][1]
    assert status["good.csv"][0] == "done"
    assert len(corpus.records()) == 1


def test_missing_path_is_refused_before_anything_is_read(tmp_path, corpus):
    good = write_csv(tmp_path / "good.csv", [scopus_row(1)])
    with pytest.raises(InputNotFound, match="nope.csv"):
        corpus.ingest([good, tmp_path / "nope.csv"])
    assert len(corpus.records()) == 0


def test_reingesting_the_same_file_changes_nothing(tmp_path, ingest, corpus):
    path = write_csv(tmp_path / "s.csv", [scopus_row(i) for i in range(1, 4)])
    assert ingest(path).changed
    again = ingest(path)
    assert not again.changed and again.imports[0].status == "unchanged"
    assert len(corpus.records()) == 3
