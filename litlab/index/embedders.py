"""The embedder seam and its built-in: sentence-transformers, loaded offline."""
from __future__ import annotations

import os
from typing import Callable, Protocol

import numpy as np

from litlab.errors import ModelNotAvailable
from litlab.models import embedding_model_path
from litlab.registry import Registry


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str

    def encode(self, texts: list[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """One row per text, in input order."""


def resolve_device(device: str) -> str:
    """``auto`` becomes ``cuda`` when torch sees a GPU, else ``cpu``."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local folder, never downloaded at run time."""

    def __init__(self, model: str, device: str = "auto", batch_size: int = 64):
        self.name = model
        self.batch_size = batch_size
        path = embedding_model_path(model)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a missing model must fail, not download
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # our own bar reports the work that takes time
        try:
            self.model = SentenceTransformer(path, device=resolve_device(device))
        except Exception as exc:
            raise ModelNotAvailable(
                f"cannot load the embedding model {model!r} offline ({type(exc).__name__}); "
                f"give a local folder with --model /path/to/model, or install its package"
            ) from None
        dimension = getattr(self.model, "get_embedding_dimension", None)
        self.dimension = int(dimension() if dimension else
                             self.model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        dim = self.dimension
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        # Length-sorted batches pad less; results go back to input order.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = order[start:start + self.batch_size]
            out[batch] = self.model.encode([texts[i] for i in batch], batch_size=self.batch_size,
                                           normalize_embeddings=True, convert_to_numpy=True,
                                           show_progress_bar=False)
            if progress:
                progress(len(batch))
        return out


def register_builtins(registry: Registry) -> None:
    registry.register("sentence-transformers", SentenceTransformerEmbedder)


EMBEDDERS: Registry[Embedder] = Registry("embedders", __name__)
_LOADED: dict[tuple[str, str], Embedder] = {}


def load_embedder(model: str, device: str = "auto", batch_size: int = 64,
                  backend: str = "sentence-transformers") -> Embedder:
    """The embedder for ``model``, loaded once per process (model loads take seconds)."""
    key = (backend, model, device)
    if key not in _LOADED:
        _LOADED[key] = EMBEDDERS.create(backend, model=model, device=device, batch_size=batch_size)
    return _LOADED[key]
