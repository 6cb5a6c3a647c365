"""What every tab shares: the corpus, the background jobs, the project folder, error handling."""
from __future__ import annotations

import functools
import inspect
import threading
from dataclasses import dataclass, field
from pathlib import Path

from litlab.corpus import Corpus
from litlab.errors import LitlabError
from litlab.jobs import JobRunner
from litlab.settings import UISettings
from litlab.uploads import project_folder


@dataclass
class UIContext:
    """One served corpus: the UI process owns its database for as long as it runs."""

    corpus: Corpus
    settings: UISettings
    jobs: JobRunner = field(default_factory=JobRunner)
    # Review sessions by question: each keeps its classifier features in memory.
    reviews: dict = field(default_factory=dict)
    review_lock: threading.Lock = field(default_factory=threading.Lock)
    # The models the Label tab's last "Find models" listed, by dropdown key.
    models: dict = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return project_folder(self.corpus.path)


def api_errors(fn):
    """For an endpoint scripts call: a library error (or a value of the wrong kind) comes back
    to the client as litlab's own one-line message."""
    import gradio as gr

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except LitlabError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    return wrapper


def user_errors(fn):
    """Show a library error as one line in the page, never a traceback."""
    import gradio as gr

    # A warning toast and gr.skip(): the page keeps what it showed (gr.Error would blank every
    # output of the event) and the server log gets no traceback for a user's mistake.
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def generator(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except LitlabError as exc:
                gr.Warning(str(exc), duration=15)
                yield gr.skip()
        return generator

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except LitlabError as exc:
            gr.Warning(str(exc), duration=15)
            return gr.skip()

    return wrapper
