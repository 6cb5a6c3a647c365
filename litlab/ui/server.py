"""Serving the UI: loopback by default, optional password, uploads limited in size."""
from __future__ import annotations

import dataclasses
from typing import Callable

from litlab.corpus import Corpus
from litlab.errors import LitlabError
from litlab.ui.context import UIContext


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """``user:password`` into the pair gradio's login takes."""
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not (sep and user and password):
        raise LitlabError("--auth takes user:password")
    return user, password


def launch(corpus: Corpus, host: str | None = None, port: int | None = None,
           auth: str | None = None, share: bool = False, max_upload_mb: int | None = None,
           block: bool = True, quiet: bool = False):
    """Start the UI over an open corpus; returns (context, gradio app, local address)."""
    from litlab.ui.app import CSS, KEYS_JS, build_app

    settings = corpus.settings.ui
    settings = dataclasses.replace(settings, **{k: v for k, v in {
        "host": host, "port": port, "max_upload_mb": max_upload_mb}.items() if v is not None})
    ctx = UIContext(corpus, settings)
    ctx.folder.mkdir(parents=True, exist_ok=True)
    app = build_app(ctx)
    app.queue(default_concurrency_limit=2)
    _, local_url, _ = app.launch(
        server_name=settings.host, server_port=settings.port, auth=parse_auth(auth),
        share=share, max_file_size=f"{settings.max_upload_mb}mb", inbrowser=False,
        allowed_paths=[str(ctx.folder)], prevent_thread_lock=True, quiet=quiet,
        show_error=True, css=CSS, head=KEYS_JS, footer_links=[])
    return ctx, app, local_url


def serve(corpus: Corpus, announce: Callable[[str], None] = print, **options) -> None:
    """Run the UI until interrupted; unfinished label runs are named so they can be resumed."""
    ctx, app, url = launch(corpus, quiet=True, **options)
    announce(f"litlab UI serving {corpus.path} at {url}  (Ctrl+C stops it)")
    runs = corpus.runs()
    unfinished = runs[runs.status.isin(["running", "interrupted", "paused"])]
    for run in unfinished.itertuples():
        announce(f"run {run.run_id} stopped at {run.labeled}/{run.records}: resume it in the "
                 "Label tab")
    try:
        app.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        ctx.jobs.shutdown()
        app.close()
        corpus.close()
