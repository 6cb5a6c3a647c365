"""Shared fixtures: real DuckDB files, real shared corpora read in place."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

import litlab

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
SCISCI = SHARED / "scisci"
DEMO = ROOT / "corpora" / "demo"


def free_port() -> int:
    """A free TCP port on loopback, for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_accounted(report) -> None:
    """The ingest invariant: every row read is stored, merged as a duplicate, or rejected."""
    for imp in report.imports:
        if imp.status == "done":
            assert imp.rows_read == imp.stored + imp.duplicates + imp.rejected, imp


@pytest.fixture
def corpus(tmp_path):
    with litlab.open(tmp_path / "corpus.duckdb") as c:
        yield c


@pytest.fixture
def ingest(corpus):
    """Ingest paths into the test corpus, checking the accounting invariant every time."""
    def run(*paths):
        report = corpus.ingest(paths)
        assert_accounted(report)
        return report
    return run


@pytest.fixture(scope="session")
def scisci():
    if not (SCISCI / "science_of_science.csv").exists():
        pytest.skip("the shared scisci corpus is not beside this checkout")
    return SCISCI
