"""Serving the UI: loopback by default; beyond it only with a login (or an explicit
``--no-auth``); login attempts throttled; no analytics or version checks, so that nothing
leaves the machine (tests/test_hostile_security.py watches the process and the page)."""
from __future__ import annotations

import dataclasses
import ipaddress
import os
from typing import Callable

from litlab.corpus import Corpus
from litlab.errors import LitlabError
from litlab.ui.context import UIContext

# Gradio and the Hugging Face libraries phone home unless told not to.
OFFLINE_ENV = {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
               "HF_HUB_DISABLE_TELEMETRY": "1", "TRANSFORMERS_OFFLINE": "1",
               "DO_NOT_TRACK": "1"}


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """``user:password`` into the pair gradio's login takes."""
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not (sep and user and password):
        raise LitlabError("--auth takes user:password")
    return user, password


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: whatever it resolves to is another machine's business


def check_exposure(host: str, auth: str | None, no_auth: bool, share: bool = False) -> None:
    """Refuse to serve beyond loopback without a login, unless the user said so; a public
    share link (reachable from the whole internet) is never served without one."""
    if share and not auth:
        raise LitlabError("--share publishes the corpus on a public link: give --auth "
                          "user:password (a login); --no-auth does not apply to --share")
    if is_loopback(host) or auth:
        return
    if not no_auth:
        raise LitlabError(
            f"--host {host} serves the corpus to your network: give --auth user:password "
            "(a login), or --no-auth to serve it to anyone who can reach this machine")


def check_port(port: int | None) -> None:
    if port is not None and not 0 <= port <= 65535:
        raise LitlabError(f"--port {port} is not a TCP port (0-65535)")


def throttled_login(user: str, password: str, max_delay: float = 60.0):
    """Gradio's login check: the password compared in constant time, and after each failed
    attempt the next one waits twice as long (1 s, 2 s, 4 s ... up to a minute), whoever
    makes it. A coroutine, so that a waiting attempt does not hold up the server."""
    import asyncio
    import hmac

    failures = 0

    async def check(given_user: str, given_password: str) -> bool:
        nonlocal failures
        if failures:
            await asyncio.sleep(min(max_delay, 2.0 ** (failures - 1)))
        ok = (hmac.compare_digest(given_user.encode(), user.encode())
              & hmac.compare_digest(given_password.encode(), password.encode()))
        failures = 0 if ok else failures + 1
        return bool(ok)

    return check


def launch(corpus: Corpus, host: str | None = None, port: int | None = None,
           auth: str | None = None, share: bool = False, max_upload_mb: int | None = None,
           block: bool = True, quiet: bool = False, no_auth: bool = False):
    """Start the UI over an open corpus; returns (context, gradio app, address bound)."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    settings = corpus.settings.ui
    settings = dataclasses.replace(settings, **{k: v for k, v in {
        "host": host, "port": port, "max_upload_mb": max_upload_mb}.items() if v is not None})
    check_port(settings.port)
    check_exposure(settings.host, auth, no_auth, share)
    credentials = parse_auth(auth)
    from litlab.ui.app import CSS, KEYS_JS, build_app

    ctx = UIContext(corpus, settings)
    ctx.folder.mkdir(parents=True, exist_ok=True)
    app = build_app(ctx)
    app.queue(default_concurrency_limit=2)
    try:
        app.launch(
            server_name=settings.host, server_port=settings.port,
            auth=throttled_login(*credentials) if credentials else None,
            share=share, max_file_size=f"{settings.max_upload_mb}mb", inbrowser=False,
            allowed_paths=[str(ctx.folder)], prevent_thread_lock=True, quiet=quiet,
            show_error=True, css=CSS, head=KEYS_JS, footer_links=[])
    except OSError as exc:
        raise LitlabError(f"cannot serve on {settings.host}:{settings.port}: {exc}") from None
    bound = f"http://{settings.host}:{app.server_port}/"
    return ctx, app, bound


def serve(corpus: Corpus, announce: Callable[[str], None] = print, **options) -> None:
    """Run the UI until interrupted; unfinished label runs are named so they can be resumed."""
    ctx, app, url = launch(corpus, quiet=True, **options)
    where = ("this machine only" if is_loopback(ctx.settings.host) else
             "every machine that can reach this one" if ctx.settings.host in ("0.0.0.0", "::")
             else "the network of that address")
    announce(f"litlab UI serving {corpus.path} at {url} ({where}; Ctrl+C stops it)")
    if options.get("no_auth") and not is_loopback(ctx.settings.host):
        announce("warning: no login (--no-auth): anyone who reaches this address can read, "
                 "label and change the corpus")
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
