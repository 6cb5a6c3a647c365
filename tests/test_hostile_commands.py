"""Hostile and unlucky command lines: bad numbers, a full disk, a read-only corpus, a
mistyped path, the runs listing after a crash. One clear line and exit code 2 each."""
from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

import litlab
from conftest import DEMO, copy_corpus, run_cli


@pytest.fixture(scope="module")
def demo(indexed_demo_file, tmp_path_factory):
    return copy_corpus(indexed_demo_file, tmp_path_factory.mktemp("commands"))


def one_error_line(result, text: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and text in lines[0], lines
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args, text", [
    (["search", "x", "--k", "0"], "k must be between 1 and 10,000 (got 0)"),
    (["search", "x", "--k", "-3"], "k must be between 1 and 10,000 (got -3)"),
    (["similar", "5", "--k", "0"], "k must be between 1 and 10,000"),
    (["search", "x", "--year", "2020-2010"], "year filter '2020-2010' runs backwards: write "
                                             "2010-2020"),
    (["search", "x", "--mode", "semantic"], "unknown search mode 'semantic'"),
    (["ask", "why?", "--k", "0"], "k must be between 1 and 10,000"),
    (["ui", "--port", "99999"], "--port 99999 is not a TCP port (0-65535)"),
])
def test_bad_numbers_are_one_line(demo, args, text):
    one_error_line(run_cli(*args, "--db", demo), text)


@pytest.mark.parametrize("command", [["search", "x"], ["show", "3"], ["index"], ["info"],
                                     ["runs", "list"], ["export", "out.csv"],
                                     ["label", "Why?"], ["topics"],
                                     ["review", "Why?", "--stopping"]])
def test_a_mistyped_db_creates_nothing(tmp_path, command):
    typo = tmp_path / "reveiw.duckdb"
    one_error_line(run_cli(*command, "--db", typo), f"no corpus at {typo}")
    assert not typo.exists() and not list(tmp_path.iterdir())


def test_runs_list_json_is_json(demo):
    with litlab.open(demo) as corpus:
        corpus.con.execute("DELETE FROM reviews")
        for i, record_id in enumerate(range(1, 11)):
            corpus.con.execute("INSERT INTO reviews (question, record_id, label, reviewer, "
                               "source, created_at) VALUES ('Why?', ?, ?, 'ana', 'api', now())",
                               [record_id, "TRUE" if i % 2 else "FALSE"])
        corpus.label_from_reviews("Why?")
    listed = run_cli("runs", "list", "--json", "--db", demo)
    assert listed.exit_code == 0, listed.output
    runs = json.loads(listed.output)
    assert runs[-1]["options"] == ["TRUE", "FALSE", "UNCLEAR"] and runs[-1]["status"] == "done"


@pytest.fixture
def disk(tmp_path):
    """``disk(size)``: a fresh tmpfs of that size, when this machine lets the test mount one
    (root on Linux); unmounted afterwards."""
    mounts = []

    def make(size: str) -> Path:
        mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
        mount.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                               str(mount)], capture_output=True, text=True)
        if done.returncode:
            pytest.skip(f"cannot mount a file system here ({done.stderr.strip()})")
        mounts.append(mount)
        return mount

    yield make
    for mount in mounts:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_one_line_and_loses_nothing_committed(disk):
    # 2 MB: room for the new corpus and the small RIS export, not for the 302-row CSV.
    db = disk("2m") / "full.duckdb"
    first = run_cli("ingest", DEMO / "extra.ris", "--db", db)
    assert first.exit_code == 0, first.output
    full = run_cli("ingest", DEMO / "scopus_demo.csv", "--db", db)
    assert full.exit_code == 2
    errors = [line for line in full.output.splitlines() if line.startswith("error: ")]
    assert errors and errors[0].startswith("error: the disk is full") and \
        "Traceback" not in full.output
    info = run_cli("info", "--json", "--db", db)
    assert info.exit_code == 0, info.output
    stats = json.loads(info.output)
    assert stats["records"] == 25 and [i["rows_read"] for i in stats["imports"]] == [25]


def test_a_read_only_corpus_still_answers_searches(disk, demo):
    folder = disk("64m")
    db = folder / "ro.duckdb"
    shutil.copy(demo, db)  # without its FAISS folder: search builds the index in memory
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    found = run_cli("search", "co-citation analysis", "--k", "2", "--db", db)
    assert found.exit_code == 0 and "1. [" in found.output, found.output
    assert run_cli("show", "5", "--db", db).exit_code == 0
    assert run_cli("info", "--db", db).exit_code == 0
    one_error_line(run_cli("ingest", DEMO / "extra.ris", "--db", db),
                   "cannot be written (read-only file system or no permission)")
