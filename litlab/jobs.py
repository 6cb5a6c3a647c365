"""Background jobs for the UI: one worker thread runs them in order, with progress and cancel.

Jobs live in the server process, not in a browser tab, so closing the page does not stop
them. They run one at a time because they all write to the one database; a job submitted
while another runs waits in the queue. Label runs record their progress in DuckDB, so a run
cut short by a restart is resumed from the database (``Corpus.resume``), not from here.
"""
from __future__ import annotations

import itertools
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from litlab.errors import JobRefused, LitlabError

# work(progress, should_stop) -> result; progress(stage, total) -> advance(n)
Work = Callable[[Callable[[str, int], Callable[[int], None]], Callable[[], bool]], Any]
FINISHED = ("done", "failed", "cancelled")


@dataclass
class Job:
    """One background job and how far it has got."""

    job_id: int
    kind: str
    title: str
    key: str | None = None
    status: str = "queued"  # queued | running | done | failed | cancelled
    stage: str = ""
    note: str = ""  # what the stage says of itself (rows read, rows/s, ...)
    done: int = 0
    total: int = 0
    message: str = ""
    result: Any = None
    submitted_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    stop: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def fraction(self) -> float | None:
        return min(self.done / self.total, 1.0) if self.total else None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def describe(self) -> str:
        """One line: what, where it stands, and the outcome."""
        if self.status == "running" and self.total:
            where = f"{self.stage} {self.done:,}/{self.total:,}"
        else:
            where = self.stage if self.status == "running" else ""
        parts = [f"#{self.job_id} {self.title}", self.status, where, self.message]
        return " · ".join(p for p in parts if p)


class JobRunner:
    """A queue of jobs and the one thread that works through it."""

    def __init__(self, name: str = "litlab-jobs"):
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._jobs: dict[int, tuple[Job, Work]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, kind: str, title: str, work: Work, key: str | None = None) -> Job:
        """Queue a job; a job with the same key that is queued or running is refused."""
        with self._lock:
            if key is not None:
                for job, _ in self._jobs.values():
                    if job.key == key and not job.finished:
                        raise JobRefused(f"{title} is already {job.status} as job #{job.job_id}")
            job = Job(next(self._ids), kind, title, key)
            self._jobs[job.job_id] = (job, work)
        self._queue.put(job)
        return job

    def cancel(self, job_id: int) -> Job:
        """Ask a job to stop at its next checkpoint (a queued job never starts)."""
        job = self.get(job_id)
        job.stop.set()
        with self._lock:
            if job.status == "queued":
                job.status, job.finished_at = "cancelled", time.time()
        return job

    def get(self, job_id: int) -> Job:
        with self._lock:
            if job_id not in self._jobs:
                raise LitlabError(f"no job #{job_id}")
            return self._jobs[job_id][0]

    def jobs(self) -> list[Job]:
        """Every job of this process, newest first."""
        with self._lock:
            return sorted((j for j, _ in self._jobs.values()), key=lambda j: -j.job_id)

    def active(self) -> list[Job]:
        """The running job and those waiting, in the order they will run."""
        return [j for j in reversed(self.jobs()) if not j.finished]

    def wait(self, job_id: int, timeout: float | None = None) -> Job:
        """Block until the job has finished (or the timeout has passed)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        job = self.get(job_id)
        while not job.finished and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.05)
        return job

    def shutdown(self) -> None:
        """Stop the running job at its next checkpoint and end the worker thread."""
        for job in self.active():
            job.stop.set()
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while (job := self._queue.get()) is not None:
            if job.status == "cancelled":
                continue
            work = self._jobs[job.job_id][1]
            job.status, job.started_at = "running", time.time()

            def progress(stage: str, total: int, job=job) -> Callable[[int], None]:
                job.stage, job.total, job.done, job.note = stage, int(total or 0), 0, ""

                def advance(n: int = 1) -> None:
                    job.done += n
                advance.status = lambda text: setattr(job, "note", text)
                return advance

            try:
                job.result = work(progress, job.stop.is_set)
                job.status = "cancelled" if job.stop.is_set() else "done"
                job.message = summary(job.result) if job.status == "done" else "stopped"
            except LitlabError as exc:
                job.status, job.message = "failed", str(exc)
            except Exception as exc:  # a bug must not kill the worker: report it on the job
                job.status, job.message = "failed", f"{type(exc).__name__}: {exc}"
            job.finished_at = time.time()


def summary(result: Any) -> str:
    """A job result's own one-line summary where it has one."""
    for name in ("summary", "describe"):
        method = getattr(result, name, None)
        if callable(method):
            text = method()
            if isinstance(text, str):
                return text
    return ""
