"""The DuckDB file: versioned schema, refusal of newer files, and lock messages."""
from __future__ import annotations

import subprocess
import sys

import pytest

import litlab
from litlab.errors import DatabaseLocked, SchemaTooNew
from litlab.schema import MIGRATIONS
from litlab.store import connect, schema_version


def test_new_database_is_at_the_latest_schema(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    assert schema_version(con) == len(MIGRATIONS)
    tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"records", "imports", "rejects", "duplicates", "documents", "pages", "chunks"} <= tables
    con.close()


def test_database_from_a_newer_litlab_is_refused(tmp_path):
    path = tmp_path / "a.duckdb"
    con = connect(path)
    con.execute("INSERT INTO schema_version VALUES (?, now())", [len(MIGRATIONS) + 1])
    con.close()
    with pytest.raises(SchemaTooNew, match="upgrade litlab"):
        litlab.open(path)


def test_second_process_gets_a_clear_lock_message(tmp_path):
    path = tmp_path / "a.duckdb"
    with litlab.open(path):
        code = (f"import litlab\ntry:\n    litlab.open({str(path)!r})\n"
                f"except Exception as e:\n    print(type(e).__name__, e)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.startswith(DatabaseLocked.__name__)
    assert "in use by" in out.stdout and "PID" in out.stdout


def test_a_corpus_upgraded_by_a_process_killed_right_after_still_opens(tmp_path):
    import signal

    import duckdb

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))  # a corpus of schema 7 (before reviews had stages)
    con.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
    for version, migration in enumerate(MIGRATIONS[:7], 1):
        con.execute(migration)
        con.execute("INSERT INTO schema_version VALUES (?, now())", [version])
    con.close()
    upgrade_then_die = ("import litlab, os, signal; litlab.open(%r); "
                        "os.kill(os.getpid(), signal.SIGKILL)" % str(db))
    died = subprocess.run([sys.executable, "-c", upgrade_then_die])
    assert died.returncode == -signal.SIGKILL
    with litlab.open(db, read_only=True) as corpus:
        assert corpus.stats()["records"] == 0
    with litlab.open(db) as corpus:
        assert corpus.con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == \
            len(MIGRATIONS)
