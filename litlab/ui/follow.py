"""Following a background job from a page: gr.Progress while it runs, the result at the end.

The job runs in the server's worker thread; this only watches it. If the page is closed the
watching stops and the job goes on.
"""
from __future__ import annotations

import time
from typing import Callable, Iterator

POLL_S = 0.5


def follow(ctx, job_id: int, progress, render: Callable[[], tuple], every_s: float = 2.0
           ) -> Iterator[tuple]:
    """Yield ``render()`` every few seconds while the job runs, and once more when it ends;
    a failed job raises its message as a page error."""
    import gradio as gr

    last = 0.0
    while True:
        job = ctx.jobs.get(job_id)
        if job.status == "queued":
            ahead = [j.job_id for j in ctx.jobs.active() if j.job_id < job_id]
            progress(0, desc=f"queued behind job #{ahead[0]}" if ahead else "queued")
        elif job.total:
            note = f" ({job.note})" if job.note else ""
            unit = "bytes" if job.stage.startswith("reading ") else "records"
            progress((job.done, job.total), desc=f"{job.title}: {job.stage}{note}", unit=unit)
        else:
            progress(None, desc=f"{job.title}: {job.stage or 'starting'}")
        if job.finished:
            break
        if time.monotonic() - last >= every_s:
            last = time.monotonic()
            yield render()
        time.sleep(POLL_S)
    if job.status == "failed":
        gr.Warning(f"job #{job.job_id} failed: {job.message}", duration=None)
    yield render()


def jobs_banner(ctx) -> str:
    """One line per job that is running or waiting, and the last finished one."""
    jobs = ctx.jobs.jobs()
    active = [j for j in jobs if not j.finished]
    recent = [j for j in jobs if j.finished][:1]
    if not active and not recent:
        return ""
    # Words, not emoji: a machine without an emoji font shows boxes.
    lines = [("<b>Running</b> " if j.status == "running" else "<b>Waiting</b> ") + j.describe()
             for j in active]
    lines += [("<b>Finished</b> " if j.status == "done" else "<b>Stopped</b> ") + j.describe()
              for j in recent]
    return "<div class='ll-jobs'>" + "<br>".join(lines) + "</div>"
