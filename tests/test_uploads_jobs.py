"""Uploads (names, types, sizes) and the background job queue the UI runs work on."""
from __future__ import annotations

import threading
import time

import pytest

from litlab.errors import JobRefused, LitlabError, UploadRejected
from litlab.jobs import JobRunner
from litlab.settings import UISettings
from litlab.uploads import check_upload, safe_name, save_uploads


@pytest.mark.parametrize("given, safe", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\win.ini", "win.ini"),
    (".hidden.csv", "hidden.csv"),
    ("scopus export (1).csv", "scopus_export_1_.csv"),
    ("", "upload"),
    ("../", "upload"),
])
def test_safe_names_stay_in_the_folder(given, safe):
    assert safe_name(given) == safe


def test_uploads_refused_with_the_reason_named():
    settings = UISettings(max_upload_mb=1)
    with pytest.raises(UploadRejected, match="not .exe"):
        check_upload("tool.exe", 10, settings)
    with pytest.raises(UploadRejected, match="empty"):
        check_upload("paper.pdf", 0, settings)
    with pytest.raises(UploadRejected, match="limit of 1 MB"):
        check_upload("big.csv", 2 * 1024 * 1024, settings)
    with pytest.raises(UploadRejected, match="without an extension"):
        check_upload("../../etc/passwd", 100, settings)
    check_upload("scopus.csv", 100, settings)


def test_saved_uploads_keep_both_files_of_one_name(tmp_path):
    incoming = tmp_path / "in"
    incoming.mkdir()
    a, b, empty = incoming / "a.csv", incoming / "b.csv", incoming / "e.pdf"
    a.write_text("x\n1\n")
    b.write_text("x\n2\n")
    empty.write_bytes(b"")
    folder = tmp_path / "uploads"
    first = save_uploads([("export.csv", a), ("../../export.csv", b), ("empty.pdf", empty)],
                         folder, UISettings())
    assert [p.name for p in first.saved] == ["export.csv", "export-2.csv"]
    assert first.refused == [("empty.pdf", "the file is empty (0 bytes)")]
    again = save_uploads([("export.csv", a)], folder, UISettings())  # same bytes: no copy
    assert again.saved == [folder / "export.csv"]
    assert sorted(p.name for p in folder.iterdir()) == ["export-2.csv", "export.csv"]


def test_jobs_run_in_order_one_at_a_time():
    runner = JobRunner()
    order, running = [], []

    def work(name):
        def run(progress, should_stop):
            running.append(name)
            assert len(running) == 1, "two jobs ran at once"
            advance = progress("steps", 3)
            for _ in range(3):
                time.sleep(0.02)
                advance(1)
            order.append(name)
            running.remove(name)
            return name
        return run

    jobs = [runner.submit("test", f"job {n}", work(n)) for n in range(3)]
    for job in jobs:
        runner.wait(job.job_id, timeout=10)
    assert order == [0, 1, 2]
    assert all(j.status == "done" and j.done == 3 and j.total == 3 for j in jobs)
    runner.shutdown()


def test_cancel_stops_a_running_job_and_a_queued_one_never_starts():
    runner = JobRunner()
    started = threading.Event()

    def long(progress, should_stop):
        started.set()
        while not should_stop():
            time.sleep(0.01)
        return "stopped early"

    first = runner.submit("test", "long", long)
    second = runner.submit("test", "never", lambda p, s: pytest.fail("must not run"))
    started.wait(5)
    runner.cancel(second.job_id)
    runner.cancel(first.job_id)
    assert runner.wait(first.job_id, timeout=5).status == "cancelled"
    assert second.status == "cancelled" and second.started_at is None
    runner.shutdown()


def test_failures_are_reported_on_the_job_and_the_worker_goes_on():
    runner = JobRunner()

    def fails(progress, should_stop):
        raise LitlabError("no embeddings yet: run `litlab index` first")

    failed = runner.submit("test", "fails", fails)
    after = runner.submit("test", "after", lambda p, s: 42)
    runner.wait(after.job_id, timeout=5)
    assert failed.status == "failed" and "litlab index" in failed.message
    assert after.status == "done" and after.result == 42


def test_the_same_keyed_job_is_refused_while_queued():
    runner = JobRunner()
    gate = threading.Event()
    runner.submit("test", "blocker", lambda p, s: gate.wait(5))
    runner.submit("label", "resume run 3", lambda p, s: None, key="resume:3")
    with pytest.raises(JobRefused, match="already queued"):
        runner.submit("label", "resume run 3", lambda p, s: None, key="resume:3")
    gate.set()
    runner.shutdown()
