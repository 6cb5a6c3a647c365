"""Shared fixtures: real DuckDB files, real shared corpora read in place."""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

import litlab

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
SCISCI = SHARED / "scisci"
DEMO = ROOT / "corpora" / "demo"


# The default labeling model is the best one `litlab models pull` installed. Tests that do
# not name a model get the bundled SmolLM2-135M (fast) whatever this machine has pulled;
# tests of the pulled models take ``installed_models`` (the folder as configured).
INSTALLED_MODELS = Path(os.environ["LITLAB_MODELS"]) if os.environ.get("LITLAB_MODELS") else None


@pytest.fixture(scope="session", autouse=True)
def _no_installed_models(tmp_path_factory):
    from litlab.settings import default_models_dir

    global INSTALLED_MODELS
    INSTALLED_MODELS = INSTALLED_MODELS or default_models_dir()
    patch = pytest.MonkeyPatch()
    patch.setenv("LITLAB_MODELS", str(tmp_path_factory.mktemp("no-installed-models")))
    yield
    patch.undo()


@pytest.fixture
def installed_models() -> Path:
    """The models folder `litlab models pull` installed into (``make test`` pulls)."""
    return INSTALLED_MODELS


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


@pytest.fixture
def demo_db(tmp_path):
    """A fresh corpus of the demo's Scopus export (not indexed), for tests that label it."""
    db = tmp_path / "demo.duckdb"
    with litlab.open(db) as corpus:
        corpus.ingest([DEMO / "scopus_demo.csv"])
    return db


@pytest.fixture(scope="session")
def scisci():
    if not (SCISCI / "science_of_science.csv").exists():
        pytest.skip("the shared scisci corpus is not beside this checkout")
    return SCISCI


@pytest.fixture(scope="session")
def indexed_demo_file(tmp_path_factory):
    """The demo corpus ingested and indexed once per session; copy it with ``demo_copy``."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.duckdb"
    with litlab.open(path) as corpus:
        corpus.ingest([DEMO / "scopus_demo.csv", DEMO / "extra.ris"])
        corpus.index()
    return path


def copy_corpus(source: Path, target_dir: Path) -> Path:
    """A private copy of a corpus file and its FAISS folder, for a test that writes to it."""
    import shutil

    target = target_dir / source.name
    shutil.copy(source, target)
    index = source.with_suffix(".litlab-index")
    if index.exists():
        shutil.copytree(index, target.with_suffix(".litlab-index"))
    return target


def demo_truth(corpus) -> dict:
    """record_id -> the demo record's true answer to the bibliometrics question (matched by
    DOI, else title, as litlab matches a gold file)."""
    import pandas as pd

    from litlab.labeling.gold import match_records

    gold = pd.read_csv(DEMO / "demo_truth.csv", dtype=str, keep_default_na=False)
    return {int(r): label == "TRUE" for r, label in
            zip(match_records(corpus.con, gold), gold.uses_bibliometrics) if r is not None}


class CliResult:
    def __init__(self, exit_code: int, output: str):
        self.exit_code, self.output = exit_code, output


def run_cli(*args) -> CliResult:
    """`litlab ARGS` in this process, through the real entry point (exit codes, one-line
    errors), for tests that hold the same corpus open."""
    import contextlib
    import io
    import sys

    from litlab.cli import main

    out, argv, code = io.StringIO(), sys.argv, 0
    sys.argv = ["litlab", *map(str, args)]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
    return CliResult(code, out.getvalue())


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    """One llama.cpp server (bundled GGUF, model name ``smollm2``) for the whole session."""
    pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is installed by "
                        "`make install`")
    from servers import LlamaServer

    server = LlamaServer(tmp_path_factory.mktemp("llama-server"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def second_llama_server(llama_server, tmp_path_factory):
    """A second one, for runs across several servers."""
    from servers import LlamaServer

    server = LlamaServer(tmp_path_factory.mktemp("llama-server-2"))
    yield server
    server.stop()
