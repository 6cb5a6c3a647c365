"""`litlab index` killed with SIGKILL mid-embedding keeps what it committed; the next run embeds
only the rest and ends with the index a clean run builds."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import litlab
from conftest import DEMO
from litlab.settings import IndexSettings
from test_label_resume import wait_for

BATCH = IndexSettings().batch_size


def vectors(corpus) -> dict[int, np.ndarray]:
    rows = corpus.con.execute("SELECT object_id, vector FROM embeddings "
                              "WHERE granularity = 'record'").fetchall()
    return {i: np.asarray(v, dtype=np.float32) for i, v in rows}


@pytest.mark.slow
def test_kill_9_mid_embedding_then_index_embeds_only_the_rest(tmp_path, indexed_demo_file):
    db = tmp_path / "kill.duckdb"
    with litlab.open(db) as corpus:  # the inputs of the clean run, in the same order
        corpus.ingest([DEMO / "scopus_demo.csv", DEMO / "extra.ris"])
        n = len(corpus.records())
    # On the CPU every model batch takes seconds, so each is committed before the next starts.
    proc = subprocess.Popen([sys.executable, "-m", "litlab", "index", "--db", str(db),
                             "--device", "cpu"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(proc, f"{2 * BATCH}/{n}".encode(), timeout=600)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    with litlab.open(db) as corpus:
        kept = vectors(corpus)
        assert BATCH <= len(kept) < n  # at least the first batch survived the kill
        report = corpus.index()
        records = report.granularities["record"]
        assert records["embedded"] == n - len(kept) and records["objects"] == n
        resumed = vectors(corpus)
        assert corpus.searcher.vector_index("record").ntotal == n
        title = corpus.records().set_index("record_id").title
        probe = title.iloc[123]
        hits = corpus.search(probe, k=5)
        assert hits.record_id.iloc[0] == title.index[123]

    with litlab.open(indexed_demo_file, read_only=True) as clean:
        expected = vectors(clean)
        assert clean.search(probe, k=5).record_id.tolist() == hits.record_id.tolist()
    assert resumed.keys() == expected.keys()
    assert all(np.allclose(resumed[i], expected[i], atol=1e-4) for i in expected)
    assert all(np.array_equal(resumed[i], kept[i]) for i in kept)  # nothing kept was redone
