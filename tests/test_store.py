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
