"""Hostile text, paths and corpora at the command line: nothing reaches the terminal raw, no
traceback, one line and exit code 2, nothing lost.

Real inputs throughout: an export whose titles and file name carry terminal escapes, a real
terminal (a pty) for `litlab review`, real unwritable paths (a folder, a path under a file,
/proc, a read-only tmpfs), a corpus written by a newer litlab.
"""
from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time

import pytest

import litlab
from conftest import DEMO, copy_corpus, run_cli
from test_hostile_commands import disk  # noqa: F401  (the fixture)
from test_scopus_csv import scopus_row, write_csv

QUESTION = "Does the article use bibliometric analysis?"
ESC = "\x1b"
# Window title, clipboard write, a hidden hyperlink, clear screen, an 8-bit CSI, a
# right-to-left override, and Rich markup.
HOSTILE = [f"{ESC}]0;pwned{chr(7)}Citation analysis of nudges",
           f"Open access{ESC}]52;c;ZXZpbCBjbGlwYm9hcmQ={chr(7)} and citations",
           f"{ESC}]8;;http://evil.example/{ESC}\\Click here{ESC}]8;;{ESC}\\ for bibliometrics",
           f"Co-authorship networks{ESC}[2J{ESC}[H of physicists",
           "Altmetrics \x9b31m in red \u202eesrever",
           "[bold red]Rich markup[/bold red] in a title [link=http://evil.example]x[/link]"]
RAW = [b"\x1b]", b"\x1b[2J", b"\xc2\x9b", "\u202e".encode(), b"\x07"]


def assert_no_raw_escapes(output) -> None:
    data = output.encode() if isinstance(output, str) else output
    for raw in RAW:
        assert raw not in data, (raw, data[:400])


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("terminal")
    rows = [scopus_row(i + 1, Title=title, Abstract=f"We study {title}. It is about "
                       "bibliometric analysis of publication data.")
            for i, title in enumerate(HOSTILE)]
    export = write_csv(folder / f"scopus{ESC}[2J{ESC}]0;x{chr(7)}.csv", rows)
    db = folder / "hostile.duckdb"
    with litlab.open(db) as corpus:
        corpus.ingest([export])
        corpus.index()
        titles = [t for (t,) in corpus.con.execute("SELECT title FROM records").fetchall()]
    assert any(ESC in t for t in titles)  # the data really holds the escapes
    return db


@pytest.mark.parametrize("command", [
    ["search", "citation analysis", "--k", "6"],
    ["search", "citation analysis", "--k", "6", "--json"],
    ["search", "citation analysis", "--k", "6", "--csv"],
    ["show", "1"], ["show", "5"], ["info"], ["info", "--json"],
])
def test_record_text_and_file_names_are_printed_with_escapes_visible(hostile_db, command):
    out = run_cli(*command, "--db", hostile_db)
    assert out.exit_code == 0, out.output
    assert_no_raw_escapes(out.output)
    if command[-1] == "--json":
        json.loads(out.output)  # still JSON, of the same text
    if command[0] == "show" and command[1] == "1":
        assert "\\u001b]0;pwned\\u0007Citation analysis" in out.output


def test_json_output_keeps_the_exact_text_for_scripts(hostile_db):
    out = run_cli("search", "altmetrics in red", "--k", "6", "--json", "--db", hostile_db)
    titles = {r["title"] for r in json.loads(out.output)}
    assert "Altmetrics \x9b31m in red \u202eesrever" in titles  # escaped for the terminal only


def test_rich_markup_in_a_title_is_text(hostile_db):
    out = run_cli("search", "rich markup in a title", "--k", "6", "--db", hostile_db)
    assert "[bold red]Rich markup[/bold red]" in out.output


def test_questions_run_names_and_server_errors_are_shown_not_obeyed(hostile_db, tmp_path):
    from servers import ScriptedServer

    db = copy_corpus(hostile_db, tmp_path)
    server = ScriptedServer(lambda body: (500, f"{ESC}]0;owned{chr(7)}{ESC}[2Jdown".encode()))
    try:
        out = run_cli("label", f"Uses{ESC}[2J bibliometrics?", "--db", db, "--backend",
                      "openai", "--llm", "smollm2", "--base-url", server.url, "--limit", 1,
                      "--timeout", 2, "--scope", "abstract")
    finally:
        server.close()
    assert out.exit_code == 2 and "HTTP 500" in out.output
    assert_no_raw_escapes(out.output)
    listed = run_cli("runs", "list", "--db", db)
    assert listed.exit_code == 0 and "\\u001b[2J" in listed.output
    assert_no_raw_escapes(listed.output)
    prisma = run_cli("prisma", f"Uses{ESC}[2J bibliometrics?", "--db", db)
    assert_no_raw_escapes(prisma.output)


def test_review_in_a_real_terminal_shows_escapes_instead_of_obeying_them(hostile_db, tmp_path):
    db = copy_corpus(hostile_db, tmp_path)
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "litlab", "review", QUESTION, "--db", str(db),
                             "--reviewer", "ana"], stdin=slave, stdout=slave, stderr=slave,
                            env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"})
    os.close(slave)
    seen, sent, deadline = b"", 0, time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
            # Decide each record shown (three of them), then quit. A key typed before the
            # program has put the terminal in raw mode would wait for a newline: let the
            # prompt settle first, as a person would.
            if seen.count(b"[s]kip") > sent:
                time.sleep(1.5)
                os.write(master, b"f" if sent < 3 else b"q")
                sent += 1
        proc.wait(timeout=30)
        while True:  # what is left in the terminal
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert proc.returncode == 0, seen[-2000:]
    assert b"stored this session: " in seen, seen[-2000:]
    assert_no_raw_escapes(seen)
    assert b"\\u001b" in seen  # shown, not obeyed
    with litlab.open(db, read_only=True) as corpus:
        assert corpus.con.execute("SELECT count(*) FROM reviews").fetchone()[0] == 3


def test_share_without_a_login_is_refused(tmp_path):
    db = tmp_path / "c.duckdb"
    for extra in ([], ["--no-auth"]):
        out = run_cli("ui", "--share", *extra, "--db", db)
        assert out.exit_code == 2 and out.output.startswith("error: --share publishes the "
                                                            "corpus on a public link")
        assert len(out.output.strip().splitlines()) == 1
    assert not db.exists()


def test_criteria_longer_than_a_file_name_are_taken_as_text(tmp_path):
    db = tmp_path / "c.duckdb"
    with litlab.open(db) as corpus:
        corpus.ingest([DEMO / "extra.ris"])
    criteria = ("Include: empirical studies that analyse publication or citation data of a "
                "field (bibliometric indicators, co-citation, co-authorship or keyword "
                "networks, science mapping). Exclude: editorials, opinion pieces and reviews "
                "without their own analysis of publication data; studies of a single journal's "
                "editorial policy; conference abstracts without methods.")
    assert len(criteria) > 300
    out = run_cli("review", QUESTION, "--criteria", criteria, "--db", db)
    assert out.exit_code == 0, out.output
    with litlab.open(db, read_only=True) as corpus:
        stored = corpus.con.execute("SELECT criteria FROM question_settings").fetchone()[0]
    assert stored == criteria


@pytest.fixture(scope="module")
def labeled_db(tmp_path_factory):
    """A demo corpus with reviews, so that every exporter has something to write."""
    folder = tmp_path_factory.mktemp("outputs")
    db = folder / "out.duckdb"
    with litlab.open(db) as corpus:
        corpus.ingest([DEMO / "scopus_demo.csv"])
    imported = run_cli("review", QUESTION, "--import", DEMO / "demo_truth.csv",
                       "--label-column", "uses_bibliometrics", "--db", db)
    assert imported.exit_code == 0, imported.output
    return db


def unwritable(tmp_path, kind: str, name: str, disk=None):
    if kind == "folder":
        folder = tmp_path / "a-folder"
        folder.mkdir(exist_ok=True)
        return folder
    if kind == "under-a-file":
        (tmp_path / "plain.txt").write_text("x")
        return tmp_path / "plain.txt" / name
    if kind == "proc":
        return f"/proc/{name}"
    folder = disk("1m")
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    return folder / name


@pytest.mark.parametrize("kind", ["folder", "under-a-file", "proc", "read-only"])
@pytest.mark.parametrize("command, name", [
    (["export"], "labels.csv"),
    (["export"], "labels.xlsx"),
    (["asreview", "export", QUESTION], "asreview.csv"),
    (["prisma", QUESTION, "--out"], "flow.png"),
])
def test_unwritable_output_paths_are_one_line(labeled_db, tmp_path, disk, kind, command, name):  # noqa: F811
    target = unwritable(tmp_path, kind, name, disk)
    out = run_cli(*command, target, "--db", labeled_db)
    assert out.exit_code == 2, out.output
    lines = out.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in out.output


def test_an_existing_export_is_left_whole_when_a_new_one_cannot_be_written(labeled_db,
                                                                           tmp_path):
    target = tmp_path / "labels.csv"
    assert run_cli("export", target, "--db", labeled_db).exit_code == 0
    before = target.read_bytes()
    bad = run_cli("export", target, "--runs", 999, "--db", labeled_db)
    assert bad.exit_code == 2 and target.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]


def test_a_review_matched_by_a_shared_title_is_not_attached_at_random(tmp_path):
    rows = [scopus_row(1, Title="Bibliometrics of nudging", DOI="", Year="2019"),
            scopus_row(2, Title="Bibliometrics of nudging", DOI="", Year="2021"),
            scopus_row(3, Title="A unique title about citations", DOI="")]
    db = tmp_path / "titles.duckdb"
    with litlab.open(db) as corpus:
        report = corpus.ingest([write_csv(tmp_path / "titles.csv", rows)])
        assert report.imports[0].stored == 3
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("title,year,label\nBibliometrics of nudging,,TRUE\n"
                       "Bibliometrics of nudging,2021,FALSE\n"
                       "A unique title about citations,,TRUE\n", encoding="utf-8")
    out = run_cli("review", QUESTION, "--import", reviews, "--label-column", "label",
                  "--reviewer", "ana", "--db", db)
    assert out.exit_code == 0, out.output
    with litlab.open(db, read_only=True) as corpus:
        stored = corpus.con.execute("SELECT record_id, label FROM reviews ORDER BY 1").fetchall()
        rejects = corpus.con.execute("SELECT line, reason FROM review_rejects").fetchall()
    assert stored == [(2, "FALSE"), (3, "TRUE")]  # the year decided; the bare title did not
    assert rejects == [(2, "title matches records 1, 2: give its doi or record_id")]


@pytest.fixture
def newer_db(tmp_path, indexed_demo_file):
    db = copy_corpus(indexed_demo_file, tmp_path)
    with litlab.open(db) as corpus:
        corpus.con.execute("INSERT INTO schema_version VALUES (999, now())")
    return db


@pytest.mark.parametrize("command", [["info"], ["runs", "list"], ["export", "x.csv"],
                                     ["review", QUESTION, "--stopping"], ["search", "x"],
                                     ["show", "1"]])
def test_read_only_commands_refuse_a_corpus_from_a_newer_litlab(newer_db, command):
    out = run_cli(*command, "--db", newer_db)
    assert out.exit_code == 2, out.output
    lines = out.output.strip().splitlines()
    assert len(lines) == 1 and "schema version 999, newer than this litlab" in lines[0]


def test_a_one_megabyte_query_is_cut_and_says_so(indexed_demo_file, tmp_path):
    db = copy_corpus(indexed_demo_file, tmp_path)
    query = "co-citation analysis of Web of Science publications " * 20_000
    began = time.monotonic()
    out = run_cli("search", query, "--k", "3", "--db", db)
    assert out.exit_code == 0 and time.monotonic() - began < 20, out.output[-300:]
    assert "1. [" in out.output
    assert f"note: the query was cut to its first 2,000 of {len(query.strip()):,} characters" \
        in out.output
