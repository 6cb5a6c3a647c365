"""litlab: a literature search turned into a labeled, searchable, explainable corpus."""
from __future__ import annotations

from typing import TYPE_CHECKING

from litlab._version import __version__

__all__ = ["__version__", "open"]

if TYPE_CHECKING:
    from litlab.corpus import Corpus
    from litlab.settings import Settings


def open(path, settings: "Settings | None" = None, read_only: bool = False) -> "Corpus":  # noqa: A001
    """Open (or create) the corpus stored in the DuckDB file at ``path``."""
    from litlab.corpus import Corpus

    return Corpus(path, settings, read_only=read_only)
