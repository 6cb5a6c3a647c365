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

    @property
    def folder(self) -> Path:
        return project_folder(self.corpus.path)


def user_errors(fn):
    """Show a library error as one line in the page (gr.Error), never a traceback."""
    import gradio as gr

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def generator(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except LitlabError as exc:
                raise gr.Error(str(exc), duration=None) from None
        return generator

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except LitlabError as exc:
            raise gr.Error(str(exc), duration=None) from None

    return wrapper
