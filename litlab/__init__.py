"""litlab: a literature search turned into a labeled, searchable, explainable corpus."""
from __future__ import annotations

from typing import TYPE_CHECKING

from litlab._version import __version__

__all__ = ["__version__", "open"]

if TYPE_CHECKING:
    from litlab.corpus import Corpus
    from litlab.settings import Settings


def open(path, settings: "Settings | None" = None, read_only: bool = False,  # noqa: A001
         create: bool = True) -> "Corpus":
    """Open the corpus stored in the DuckDB file at ``path`` (creating it unless ``create``
    is False or ``read_only``)."""
    from litlab.corpus import Corpus

    return Corpus(path, settings, read_only=read_only, create=create)
