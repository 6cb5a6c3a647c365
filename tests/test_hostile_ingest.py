"""What a hostile tester feeds ingest: huge cells, damaged bytes, pages that are not PDFs,
other tools' databases, odd paths. Each input is made here; each case ends in a clear status
or message, never a crash, a hang or a lost row."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

import litlab
from conftest import assert_accounted
from litlab.errors import LitlabError, NotACorpus
from litlab.ingest.base import READERS, ParsedRecord
from litlab.ingest.formats.bibtex import BibtexReader
from litlab.settings import IngestSettings, Settings
from pdf_factory import text_pdf
from test_scopus_csv import NEW_HEADER, scopus_row, write_csv

BODY = "Bibliometric indicators of scientific knowledge diffusion. " * 20


def litlab_cli(*args, timeout=120, **kwargs):
    """The real command in its own process, with a timeout: a hang fails the test."""
    return subprocess.run([sys.executable, "-m", "litlab", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, **kwargs)


def rows_stored(corpus) -> int:
    return corpus.con.execute("SELECT count(*) FROM records").fetchone()[0]


# --- 5. large fields --------------------------------------------------------------------------

def test_a_250_kb_cell_and_a_1_mb_abstract_are_read_with_the_other_rows(tmp_path, ingest, corpus):
    affiliations = "; ".join(f"Author{i} A., Department of Physics {i}, University of Somewhere, Country"
                             for i in range(2900))
    abstract = "Big collaborations publish long abstracts. " * 24000
    assert len(affiliations) > 200_000 and len(abstract) > 1_000_000
    rows = [scopus_row(1), scopus_row(2, **{"Authors with affiliations": affiliations}),
            scopus_row(3, Abstract=abstract), scopus_row(4)]
    imp = ingest(write_csv(tmp_path / "atlas.csv", rows)).imports[0]
    assert (imp.status, imp.stored, imp.rejected) == ("done", 4, 0)
    stored = dict(corpus.con.execute(
        "SELECT source_line, length(abstract) FROM records").fetchall())
    assert stored[4] == len(abstract.strip())
    kept = corpus.con.execute("SELECT length(raw->>'Authors with affiliations') FROM records "
                              "WHERE source_line = 3").fetchone()[0]
    assert kept == len(affiliations)


class _ExplodingReader:
    """A third-party reader with a bug: it claims a file, then fails while reading it."""

    name = "exploding"

    def sniff(self, head, path):
        return 1.0 if head.startswith("EXPLODE") else 0.0

    def read(self, text, path):
        yield ParsedRecord(1, {"title": "A record from the broken reader, never stored",
                               "doi": scopus_row(2)["DOI"]}, {})
        raise RuntimeError("reader bug at record 2")


def test_one_failing_file_does_not_stop_the_others_and_each_is_reported(tmp_path, corpus,
                                                                         monkeypatch):
    READERS.names()  # built-ins first, then the plugin
    monkeypatch.setitem(READERS._factories, "exploding", _ExplodingReader)
    first = write_csv(tmp_path / "first.csv", [scopus_row(1)])
    bad = tmp_path / "bad.txt"
    bad.write_text("EXPLODE\nwhatever\n")
    last = write_csv(tmp_path / "last.csv", [scopus_row(2)])
    report = corpus.ingest([first, bad, last])
    status = {Path(i.file).name: i for i in report.imports}
    assert status["first.csv"].status == status["last.csv"].status == "done"
    assert status["bad.txt"].status == "failed"
    assert "RuntimeError" in status["bad.txt"].message and "reader bug" in status["bad.txt"].message
    # The broken file's one parsed record was rolled back with it, and does not swallow the
    # later file's row with the same DOI as its "duplicate".
    assert status["last.csv"].stored == 1
    titles = corpus.records().title.tolist()
    assert len(titles) == 2 and not any("broken reader" in t for t in titles)


# --- 6. bytes that are not quite text ---------------------------------------------------------

def test_a_stray_nul_byte_rejects_its_row_not_the_file(tmp_path, ingest, corpus):
    rows = [scopus_row(1), scopus_row(2, Title="Damaged\x00 title of the second record"),
            scopus_row(3)]
    imp = ingest(write_csv(tmp_path / "nul.csv", rows)).imports[0]
    assert (imp.status, imp.stored, imp.rejected) == ("done", 2, 1)
    rejected = corpus.rejects()
    assert rejected.line.tolist() == [3]
    assert "NUL" in rejected.reason[0]
    assert "Damaged" in rejected.raw[0]  # the row's text is kept


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_detected_and_read(tmp_path, ingest, corpus, encoding):
    rows = [scopus_row(1, Title="Wissenschaftsförderung in Österreich: eine Übersicht"),
            scopus_row(2)]
    imp = ingest(write_csv(tmp_path / "u16.csv", rows, bom=False, encoding=encoding)).imports[0]
    assert (imp.status, imp.stored, imp.encoding) == ("done", 2, encoding)
    assert "Wissenschaftsförderung in Österreich" in corpus.records().title.tolist()[0]


def _every_row_shifted(path: Path) -> Path:
    text = write_csv(path, [scopus_row(i) for i in range(1, 5)]).read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    path.write_text("\n".join([lines[0]] + [line + ',"x"' for line in lines[1:]]) + "\n")
    return path


def test_a_file_whose_every_row_is_rejected_fails_plainly_and_keeps_its_rows(tmp_path, corpus):
    path = _every_row_shifted(tmp_path / "shifted.csv")
    imp = corpus.ingest([path]).imports[0]
    assert imp.status == "failed"
    assert "every row was rejected (4 of 4)" in imp.message
    assert "27 fields, header has 26" in imp.message
    assert len(corpus.rejects()) == 4  # nothing lost
    again = corpus.ingest([path]).imports[0]  # tried again, not "unchanged"; no double rejects
    assert again.status == "failed" and len(corpus.rejects()) == 4


def test_the_cli_exits_2_when_every_row_is_rejected(tmp_path):
    path = _every_row_shifted(tmp_path / "shifted.csv")
    result = litlab_cli("ingest", path, "--db", tmp_path / "c.duckdb")
    assert result.returncode == 2
    assert "FAILED" in result.stdout and "every row was rejected" in result.stdout


def test_a_number_too_big_for_its_column_is_unknown_not_a_crash(tmp_path, ingest, corpus):
    rows = [scopus_row(1, **{"Cited by": "99999999999999"}),
            scopus_row(2, **{"Page count": "-4000000000"})]
    imp = ingest(write_csv(tmp_path / "big.csv", rows)).imports[0]
    assert (imp.status, imp.stored) == ("done", 2)
    assert corpus.con.execute("SELECT cited_by, raw->>'Cited by' FROM records "
                              "ORDER BY record_id LIMIT 1").fetchone() == (None, "99999999999999")


def test_formula_looking_cells_are_stored_as_the_text_they_are(tmp_path, ingest, corpus):
    titles = ['=HYPERLINK("http://evil.example/x","click me") and a long enough title',
              "+1+1 shaped title of a record about spreadsheet formulas",
              "@SUM(A1:A9) is what this title looks like to a spreadsheet"]
    rows = [scopus_row(i, Title=t) for i, t in enumerate(titles, 1)]
    ingest(write_csv(tmp_path / "formulas.csv", rows, quote=csv.QUOTE_MINIMAL))
    assert sorted(corpus.records().title) == sorted(titles)


def test_archives_and_web_pages_given_as_exports_are_named_and_the_rest_loads(tmp_path, corpus):
    zipped = tmp_path / "scopus_export.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("scopus.csv", write_csv(tmp_path / "inner.csv", [scopus_row(9)]).read_bytes())
    page = tmp_path / "scopus.csv"
    page.write_text("<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Session "
                    "expired, please sign in</body></html>\n")
    blank = tmp_path / "blank.ris"
    blank.write_text(" \n\n\t\n")
    good = write_csv(tmp_path / "good.csv", [scopus_row(1)])
    report = corpus.ingest([zipped, page, blank, good])
    status = {Path(i.file).name: i for i in report.imports}
    assert status["scopus_export.zip"].status == "failed"
    assert "ZIP archive" in status["scopus_export.zip"].message
    assert status["scopus.csv"].status == "failed" and "web page" in status["scopus.csv"].message
    assert status["blank.ris"].status == "failed" and "empty" in status["blank.ris"].message
    assert status["good.csv"].status == "done" and rows_stored(corpus) == 1


# --- 7. not a PDF -------------------------------------------------------------------------------

def test_an_html_page_saved_as_pdf_is_refused_and_never_linked(tmp_path, ingest, corpus):
    doi = "10.1007/s11192-021-04069-9"
    records = write_csv(tmp_path / "r.csv", [scopus_row(1, DOI=doi)])
    page = tmp_path / "paper_10.1007_s11192-021-04069-9.pdf"  # its name even carries the DOI
    page.write_text(f"<!DOCTYPE html><html><head><title>Access denied</title></head><body>"
                    f"<p>Log in to read https://doi.org/{doi}</p>{BODY}</body></html>")
    real = text_pdf(tmp_path / "real.pdf", [f"https://doi.org/{doi}\n" + BODY])
    docs = {Path(d.file).name: d for d in ingest(records, page, real).documents}
    refused = docs[page.name]
    assert refused.status == "not_pdf" and "web page" in refused.error
    assert refused.record_id is None and refused.pages == 0 and refused.chunks == 0
    assert docs["real.pdf"].status == "ok" and docs["real.pdf"].record_id is not None
    stored = corpus.con.execute(
        "SELECT d.status, count(p.page), count(DISTINCT c.chunk_id) FROM documents d "
        "LEFT JOIN pages p USING (document_id) LEFT JOIN chunks c USING (document_id) "
        "WHERE d.status = 'not_pdf' GROUP BY 1").fetchall()
    assert stored == [("not_pdf", 0, 0)]


def test_a_pdf_with_too_many_pages_is_read_up_to_the_limit(tmp_path):
    import pymupdf

    path = tmp_path / "bomb.pdf"
    doc = pymupdf.open()
    for n in range(400):
        doc.new_page(width=200, height=200).insert_text((20, 40), f"page {n} of a bomb")
    doc.save(path)
    doc.close()
    settings = Settings(ingest=IngestSettings(pdf_max_pages=50))
    with litlab.open(tmp_path / "c.duckdb", settings=settings) as corpus:
        (doc_summary,) = corpus.ingest([path]).documents
        assert doc_summary.status == "ok" and doc_summary.pages == 50
        assert "first 50 of 400 pages" in doc_summary.error
        assert corpus.con.execute("SELECT max(page) FROM pages").fetchone()[0] == 50


# --- 8. other tools' databases ------------------------------------------------------------------

def test_a_duckdb_file_of_another_tool_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "analytics.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE events (id INTEGER, name VARCHAR)")
    con.execute("INSERT INTO events VALUES (1, 'signup')")
    con.close()
    with pytest.raises(NotACorpus, match="not a litlab corpus.*events"):
        litlab.open(path)
    with pytest.raises(NotACorpus):
        litlab.open(path, read_only=True)
    result = litlab_cli("ingest", write_csv(tmp_path / "s.csv", [scopus_row(1)]), "--db", path)
    assert result.returncode == 2 and "not a litlab corpus" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    con = duckdb.connect(str(path), read_only=True)
    tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    assert tables == ["events"]
    con.close()


def test_a_new_path_and_an_empty_placeholder_file_become_corpora(tmp_path):
    placeholder = tmp_path / "made_by_touch.duckdb"
    placeholder.touch()
    for path in (tmp_path / "new" / "corpus.duckdb", placeholder):
        with litlab.open(path) as corpus:
            corpus.ingest([write_csv(tmp_path / "s.csv", [scopus_row(1)])])
            assert rows_stored(corpus) == 1


# --- 9. Scopus BibTeX with repeated fields ------------------------------------------------------

SCOPUS_BIB_FUNDERS = r"""@ARTICLE{Lee2024,
author={Lee, K. and M{\"u}ller, A.},
title={Funding concentration and the diversity of research topics},
journal={Research Policy},
year={2024},
volume={53},
doi={10.1016/j.respol.2024.104999},
funding_details={National Science Foundation, NSF: 2022451},
funding_details={Deutsche Forschungsgemeinschaft, DFG: 4410},
funding_details={European Research Council, ERC: 101001},
abstract={We study how funding concentration shapes topics.},
document_type={Article},
source={Scopus},
}

@ARTICLE{Park2023,
author={Park, S.},
title={A second entry without repeated fields},
year={2023},
source={Scopus},
}
"""


def test_scopus_bibtex_with_repeated_funding_fields_is_read(tmp_path, ingest, corpus):
    path = tmp_path / "scopus.bib"
    path.write_text(SCOPUS_BIB_FUNDERS)
    imp = ingest(path).imports[0]
    assert (imp.status, imp.stored, imp.rejected) == ("done", 2, 0)
    funding, authors = corpus.con.execute(
        "SELECT raw->>'funding_details', authors FROM records WHERE doi = "
        "'10.1016/j.respol.2024.104999'").fetchone()
    assert funding == ("National Science Foundation, NSF: 2022451; Deutsche Forschungsgemeinschaft, "
                       "DFG: 4410; European Research Council, ERC: 101001")
    assert authors == ["Lee, K.", "Müller, A."]


# --- 10. BibTeX export ----------------------------------------------------------------------------

NASTY_TITLE = r"Braces {like these}, 50% of R&D costs $5 #1 under_score ~tilde ^caret \backslash: Zürich αβγ 中文"
NASTY_ABSTRACT = (r"An unbalanced } brace, another { one; C:\path\to\file; 100% & more; "
                  r"$x^2$ is math; #hashtag; snake_case; a~b; pages 10--20 or 5---6; "
                  r"``quoted'' text; café, naïve, Ø.")


def test_bibtex_export_escapes_specials_and_reads_back_as_the_same_text(tmp_path, ingest, corpus):
    rows = [scopus_row(1, Title=NASTY_TITLE, Abstract=NASTY_ABSTRACT,
                       Authors="O'Brien J.; Bill and Melinda Gates Foundation; Smith_J."),
            scopus_row(2)]
    ingest(write_csv(tmp_path / "s.csv", rows))
    out = tmp_path / "export.bib"
    corpus.export(out)
    items = list(BibtexReader().read(out.read_text(encoding="utf-8"), out))
    assert all(isinstance(i, ParsedRecord) for i in items) and len(items) == 2
    back = next(i.fields for i in items if i.fields["title"].startswith("Braces"))
    assert back["title"] == NASTY_TITLE
    assert back["abstract"] == NASTY_ABSTRACT
    assert back["authors"] == ["O'Brien J.", "Bill and Melinda Gates Foundation", "Smith_J."]
    with litlab.open(tmp_path / "again.duckdb") as again:  # and through a whole ingest
        again.ingest([out])
        stored = again.con.execute("SELECT title, abstract FROM records WHERE title LIKE 'Braces%'"
                                   ).fetchone()
    assert stored == (NASTY_TITLE, NASTY_ABSTRACT)


# --- 12. odd paths: every one ends with a clear message, none hangs -----------------------------

def test_a_fifo_named_pdf_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "paper.pdf"
    os.mkfifo(fifo)
    result = litlab_cli("ingest", fifo, "--db", tmp_path / "c.duckdb", timeout=60)
    assert result.returncode == 2
    assert "pipe" in result.stdout and "Nothing changed" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_device_behind_a_pdf_name_is_refused(tmp_path):
    link = tmp_path / "endless.pdf"
    link.symlink_to("/dev/zero")
    result = litlab_cli("ingest", link, "--db", tmp_path / "c.duckdb", timeout=60)
    assert result.returncode == 2 and "a device, not a file" in result.stdout


def test_odd_entries_inside_a_folder_are_skipped_with_reasons_and_the_rest_is_read(tmp_path):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    text_pdf(folder / "good.pdf", ["A real paper\n" + BODY])
    os.mkfifo(folder / "fifo.pdf")
    (folder / "zero.pdf").symlink_to("/dev/zero")
    (folder / "dangling.pdf").symlink_to(tmp_path / "gone.pdf")
    (folder / "loop.pdf").symlink_to(folder / "loop.pdf")
    result = litlab_cli("ingest", folder, "--db", tmp_path / "c.duckdb", timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "good.pdf: ok" in out
    assert "fifo.pdf: a pipe" in out and "zero.pdf: a device" in out
    assert "dangling.pdf: a broken symbolic link" in out and "loop.pdf: a symbolic link loop" in out


@pytest.mark.parametrize("make, expected", [
    (lambda p: p.mkdir(), "is an empty folder"),
    (lambda p: p.symlink_to(p.parent / "missing.csv"), "a broken symbolic link"),
    (lambda p: p.symlink_to(p), "a symbolic link loop"),
])
def test_empty_folders_and_broken_links_get_one_clear_line(tmp_path, make, expected):
    target = tmp_path / "input"
    make(target)
    result = litlab_cli("ingest", target, "--db", tmp_path / "c.duckdb", timeout=60)
    assert result.returncode == 2
    assert expected in result.stdout + result.stderr
    assert "Nothing changed" not in result.stdout and "Traceback" not in result.stderr


def test_an_empty_folder_beside_a_file_is_reported_not_called_unchanged(tmp_path, corpus):
    (tmp_path / "empty").mkdir()
    report = corpus.ingest([tmp_path / "empty", write_csv(tmp_path / "s.csv", [scopus_row(1)])])
    assert report.skipped == [(str(tmp_path / "empty"), "an empty folder: no files in it")]
    assert report.imports[0].status == "done"


def test_data_piped_in_by_process_substitution_or_stdin_is_refused_clearly(tmp_path):
    csv_path = write_csv(tmp_path / "s.csv", [scopus_row(1)])
    db = tmp_path / "c.duckdb"
    command = f"{sys.executable} -m litlab ingest <(cat {csv_path}) --db {db}"
    substituted = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                                 timeout=60)
    assert substituted.returncode == 2
    assert "/dev/fd/" in substituted.stdout and "a pipe" in substituted.stdout
    piped = litlab_cli("ingest", "/dev/stdin", "--db", db, timeout=60,
                       input=csv_path.read_text())
    assert piped.returncode == 2 and "a pipe" in piped.stdout


def test_nothing_readable_at_all_raises_one_litlab_error(tmp_path, corpus):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "reading.txt").write_text("notes")
    with pytest.raises(LitlabError, match="nothing to ingest.*reading.txt: not a PDF"):
        corpus.ingest([folder])


def test_accounting_holds_for_a_mixed_hostile_batch(tmp_path, corpus):
    rows = [scopus_row(1), scopus_row(2, Title="Bad\x00row"), scopus_row(1)]
    report = corpus.ingest([write_csv(tmp_path / "m.csv", rows)])
    assert_accounted(report)
    imp = report.imports[0]
    assert (imp.stored, imp.duplicates, imp.rejected) == (1, 1, 1)


def test_write_csv_helper_makes_what_the_tests_claim(tmp_path):
    """The generated files really carry the damage the tests above rely on."""
    path = write_csv(tmp_path / "u16.csv", [scopus_row(1)], bom=False, encoding="utf-16-le")
    assert not path.read_bytes().startswith(b"\xff\xfe") and path.read_bytes()[1] == 0
    path = write_csv(tmp_path / "nul.csv", [scopus_row(1, Title="a\x00b")])
    assert b"\x00" in path.read_bytes()
    assert list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))[0] == NEW_HEADER
