"""The DuckDB file: opening it, migrating it forward, and turning lock errors into words."""
from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from litlab.errors import DatabaseLocked, LitlabError, NotACorpus, SchemaTooNew
from litlab.schema import MIGRATIONS


def connect(path: Path | str, read_only: bool = False,
            create: bool = True) -> duckdb.DuckDBPyConnection:
    """Open and migrate the corpus database at ``path``; a missing file is created only with
    ``create`` (so that a mistyped path is an error, not a new empty corpus)."""
    path = Path(path)
    if (read_only or not create) and not path.exists():
        raise LitlabError(f"no corpus at {path}: check the path, or run `litlab ingest FILES "
                          f"--db {path}` to make one")
    if path.exists() and path.is_dir():
        raise LitlabError(f"{path} is a folder, not a corpus file")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not read_only and path.is_file() and path.stat().st_size == 0:
        path.unlink()  # an empty placeholder (touch, mkstemp): nothing to keep, start a corpus
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.ConnectionException as exc:
        if not (read_only and "different configuration" in str(exc)):
            raise LitlabError(f"cannot open {path}: {exc}") from None
        # This process has the file open for writing already (a notebook, the UI, a test):
        # DuckDB shares one configuration per file and process, so join it.
        con = duckdb.connect(str(path))
    except duckdb.IOException as exc:
        message = str(exc)
        if "lock" in message.lower():
            holder = re.search(r"held in (.+?)(?:\.\s|$)", message)
            who = holder.group(1) if holder else "another process"
            raise DatabaseLocked(f"{path} is in use by {who}; close it and try again") from None
        if "Read-only file system" in message or "Permission denied" in message:
            raise LitlabError(f"{path} cannot be written (read-only file system or no "
                              "permission): commands that only read it (search, show, info, "
                              "runs, evaluate, export) work; this one needs to write") from None
        raise LitlabError(f"cannot open {path}: {message}") from None
    except duckdb.Error as exc:
        raise LitlabError(f"{path} is not a litlab database: {exc}") from None
    try:
        refuse_foreign(con, path)
        if not read_only:
            migrate(con)
        else:
            check_not_newer(con)
    except BaseException:
        con.close()
        raise
    return con


def refuse_foreign(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Raise NotACorpus when the database holds another tool's tables, and no litlab schema.

    litlab must never add its tables to someone else's database: a new corpus is an empty
    file, an existing one has ``schema_version`` and ``records``.
    """
    names = {(schema, name) for schema, name in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND NOT temporary "
        "UNION ALL SELECT schema_name, view_name FROM duckdb_views() "
        "WHERE database_name = current_database() AND NOT internal AND NOT temporary"
    ).fetchall()}
    if not names or {("main", "schema_version"), ("main", "records")} <= names:
        return
    shown = ", ".join(sorted(n if s == "main" else f"{s}.{n}" for s, n in names)[:8])
    raise NotACorpus(f"{path} is not a litlab corpus: it holds tables of another tool "
                     f"({shown}{', ...' if len(names) > 8 else ''}) and litlab leaves it untouched; "
                     f"give --db a new file name")


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the corpus has this table (an older corpus opened read-only may not)."""
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND "
                            "database_name = current_database()", [name]).fetchone()[0])


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of an open database (0 for a new one)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def check_not_newer(con: duckdb.DuckDBPyConnection) -> int:
    """The database's schema version; SchemaTooNew when a newer litlab wrote it (its tables
    may mean what this version cannot read, even for a command that only reads)."""
    current = schema_version(con)
    if current > len(MIGRATIONS):
        raise SchemaTooNew(
            f"this database has schema version {current}, newer than this litlab "
            f"({len(MIGRATIONS)}): upgrade litlab"
        )
    return current


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration newer than the database's version; return the new version."""
    current = check_not_newer(con)
    if current == len(MIGRATIONS):
        return current
    with transaction(con):
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)"
        )
        for version in range(current + 1, len(MIGRATIONS) + 1):
            con.execute(MIGRATIONS[version - 1])
            con.execute("INSERT INTO schema_version VALUES (?, now())", [version])
    # Written to the file at once: DuckDB 1.5 cannot replay an ALTER TABLE ... DEFAULT from
    # the write-ahead log ("Failure while replaying WAL"), so a process killed after an
    # upgrade would otherwise leave a corpus that no longer opens.
    con.execute("CHECKPOINT")
    return len(MIGRATIONS)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit when the block ends, roll back if it raises."""
    con.execute("BEGIN")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame) -> None:
    """Insert a pandas DataFrame or Arrow table into ``table`` by column name."""
    if len(frame):
        con.register("incoming_rows", frame)
        try:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_rows")
        finally:
            con.unregister("incoming_rows")
