"""What the `litlab` command and its sub-apps share: opening the corpus with the options given.

Its own module so that sub-apps (`litlab topics`) need not import the main CLI, which imports
them (an import cycle).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path


def open_corpus(db: Path, read_only: bool = False, model: str | None = None,
                device: str = "auto", label: dict | None = None, create: bool = False):
    """The corpus at ``db`` with the embedding model, device and label settings given on the
    command line (None keeps a default). ``create`` makes a new file; without it a missing
    file is an error (a mistyped --db must not leave an empty database behind)."""
    import dataclasses

    import litlab
    from litlab.settings import Settings

    settings = Settings()
    settings = dataclasses.replace(
        settings,
        index=dataclasses.replace(settings.index, model=model or settings.index.model,
                                  device=device),
        label=dataclasses.replace(settings.label, **{k: v for k, v in (label or {}).items()
                                                     if v is not None}))
    return litlab.open(db, settings, read_only=read_only, create=create)


def read_only_unless_writable(db: Path) -> bool:
    """Whether a reading command must open ``db`` read-only: when the file or its folder
    (DuckDB writes a WAL beside it) cannot be written. Where they can, the command opens it
    writable so that a stale full-text index is rebuilt on the way."""
    import os

    return not (os.access(db, os.W_OK) and os.access(db.parent, os.W_OK))


@contextmanager
def reported_interrupt():
    """Ctrl+C: the library's reason (a label run says how to resume it) on one line, and
    exit code 130, as typer gives a bare interrupt."""
    import typer

    from litlab.terminal import echo

    try:
        yield
    except KeyboardInterrupt as exc:
        echo(f"interrupted: {exc}" if str(exc) else "interrupted", err=True)
        raise typer.Exit(130) from None
