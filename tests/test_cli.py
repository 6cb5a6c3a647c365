"""The command line as a user runs it: real processes, real files, exit codes."""
from __future__ import annotations

import json
import subprocess
import sys

from test_scopus_csv import scopus_row, write_csv


def litlab(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "litlab", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def test_ingest_then_info_json(tmp_path):
    csv_path = write_csv(tmp_path / "scopus.csv", [scopus_row(i) for i in range(1, 4)])
    db = tmp_path / "review.duckdb"
    first = litlab("ingest", csv_path, "--db", db)
    assert first.returncode == 0, first.stderr
    assert "3 rows read -> 3 stored, 0 duplicates, 0 rejected" in first.stdout
    second = litlab("ingest", csv_path, "--db", db)
    assert "Nothing changed" in second.stdout
    info = json.loads(litlab("info", "--db", db, "--json").stdout)
    assert info["records"] == 3
    assert info["imports"][0]["file"].endswith("scopus.csv")
    assert {k: info["imports"][0][k] for k in ("format", "rows_read", "stored", "duplicates",
                                               "rejected")} == {
        "format": "scopus_csv", "rows_read": 3, "stored": 3, "duplicates": 0, "rejected": 0}
    assert info["documents"] == {"total": 0, "linked": 0, "failed": 0, "pages": 0, "chunks": 0}


def test_bad_input_is_one_line_and_exit_code_2(tmp_path):
    missing = litlab("ingest", tmp_path / "nope.csv", "--db", tmp_path / "x.duckdb")
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"error: no such file or folder: {tmp_path / 'nope.csv'}"
    assert "Traceback" not in missing.stderr
    unknown = tmp_path / "table.csv"
    unknown.write_text("a,b\n1,2\n")
    failed = litlab("ingest", unknown, "--db", tmp_path / "x.duckdb")
    assert failed.returncode == 2 and "FAILED" in failed.stdout and "title column" in failed.stdout
    unknown = litlab("search", "x", "--no-such-option", "--db", tmp_path / "x.duckdb")
    assert unknown.returncode == 2 and "No such option" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    no_db = litlab("info", "--db", tmp_path / "none.duckdb")
    assert no_db.returncode == 2 and "litlab ingest" in no_db.stderr


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from litlab.cli import app; "
            "heavy = [m for m in ('torch', 'faiss', 'pymupdf', 'llama_index', 'pandas', 'duckdb') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]"
    assert "ingest" in litlab("--help").stdout


def test_show_a_record_with_its_pdf_page_highlighted(tmp_path):
    from conftest import DEMO

    db = tmp_path / "demo.duckdb"
    assert litlab("ingest", DEMO / "scopus_demo.csv", DEMO / "pdfs", "--db", db).returncode == 0
    import litlab as api

    with api.open(db, read_only=True) as corpus:
        record_id = corpus.con.execute("SELECT record_id FROM records WHERE doi = "
                                       "'10.9999/demo.2019.0095'").fetchone()[0]
    png = tmp_path / "page.png"
    shown = litlab("show", record_id, "--page", 1, "--png", png, "--json", "--highlight",
                   "Author names, institutions and keywords were harmonised before analysis.",
                   "--db", db)
    assert shown.returncode == 0, shown.stderr
    detail = json.loads(shown.stdout)
    assert detail["title"].startswith("Intellectual structure and emerging trends")
    assert detail["documents"][0]["path"].endswith("paper_10.9999_demo.2019.0095.pdf")
    assert detail["page_image"]["highlighted_pieces"] >= 1
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    missing = litlab("show", 99999, "--db", db)
    assert missing.returncode == 2 and "no record 99999" in missing.stderr
