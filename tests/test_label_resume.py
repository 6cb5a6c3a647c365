"""A label run killed with SIGKILL mid-way resumes with every record labeled exactly once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

import litlab
from conftest import DEMO
from litlab.labeling.runs import COMMIT_EVERY

N = 40


def wait_for(proc, marker: bytes, timeout: float) -> bytes:
    """Read the child's stderr until ``marker`` appears (tqdm writes its progress there)."""
    seen, deadline = b"", time.time() + timeout
    os.set_blocking(proc.stderr.fileno(), False)
    while time.time() < deadline and proc.poll() is None:
        chunk = proc.stderr.read() or b""
        seen += chunk
        if marker in seen:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"never saw {marker!r}; stderr: {seen[-500:]!r}")


def start_labeling(db) -> subprocess.Popen:
    """`litlab label` of the first N demo records in a fresh corpus at ``db``, in a child
    process that a test kills or interrupts. SIGINT is restored for it: a job started in the
    background by a shell (CI) ignores Ctrl+C, and its children inherit that."""
    with litlab.open(db) as corpus:
        corpus.ingest([DEMO / "scopus_demo.csv"])
    return subprocess.Popen(
        [sys.executable, "-m", "litlab", "label", "Does the article use bibliometric analysis?",
         "--db", str(db), "--limit", str(N), "--scope", "abstract"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@pytest.mark.slow
def test_kill_9_then_resume_labels_every_record_exactly_once(tmp_path):
    db = tmp_path / "kill.duckdb"
    proc = start_labeling(db)
    try:
        wait_for(proc, f"{COMMIT_EVERY}/{N}".encode(), timeout=600)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    # The killed process had no chance to say so; the next reader sees no process holds the
    # corpus, so the run is interrupted, not running forever.
    import json

    listed = subprocess.run([sys.executable, "-m", "litlab", "runs", "list", "--json", "--db",
                             str(db)], capture_output=True, text=True, timeout=300)
    assert listed.returncode == 0, listed.stderr
    shown = json.loads(listed.stdout)[0]
    assert shown["status"] == "interrupted" and shown["options"] == ["TRUE", "FALSE", "UNCLEAR"]
    # Opened for another model (as a UI started with --llm would be): the run's own resumes.
    import dataclasses

    from litlab.settings import LabelSettings, Settings

    other = dataclasses.replace(Settings(), label=LabelSettings(model="no-such/model"))
    with litlab.open(db, other) as corpus:
        run = corpus.runs().iloc[0]
        assert run.status == "interrupted"
        assert "resume it with `litlab label --resume RUN`" in corpus.con.execute(
            "SELECT message FROM label_runs").fetchone()[0]
        committed = int(run.labeled)
        assert COMMIT_EVERY <= committed < N
        first_labels = corpus.con.execute(
            "SELECT record_id, created_at FROM labels ORDER BY record_id").fetchall()
        result = corpus.resume(int(run.run_id))
        assert result.labeled == N - committed and result.status == "done"
        rows = corpus.con.execute("SELECT record_id, count(*) FROM labels GROUP BY 1").fetchall()
        assert len(rows) == N and all(n == 1 for _, n in rows)
        expected = corpus.con.execute("SELECT record_ids FROM label_runs").fetchone()[0]
        assert sorted(r for r, _ in rows) == sorted(expected)
        kept = dict(corpus.con.execute("SELECT record_id, created_at FROM labels").fetchall())
        assert all(kept[r] == t for r, t in first_labels)  # nothing committed was redone
        assert corpus.runs().iloc[0].status == "done"


@pytest.mark.slow
def test_ctrl_c_keeps_the_labels_and_prints_how_to_resume(tmp_path):
    db = tmp_path / "ctrl-c.duckdb"
    proc = start_labeling(db)
    try:
        seen = wait_for(proc, f"{COMMIT_EVERY}/{N}".encode(), timeout=600)
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=120)
    finally:
        proc.kill()
    err = (seen + rest).decode(errors="replace")
    assert proc.returncode == 130 and "Traceback" not in err
    assert f"run 1 interrupted, its labels kept; resume with `litlab label --resume 1 --db {db}`" \
        in err
    with litlab.open(db, read_only=True) as corpus:
        run = corpus.runs().iloc[0]
        assert run.status == "interrupted" and COMMIT_EVERY <= run.labeled < N
