"""What describes a topic besides its keywords: centroid, representative records, KeyBERT words."""
from __future__ import annotations

import numpy as np


def centroids(vectors: np.ndarray, topics: np.ndarray) -> dict[int, np.ndarray]:
    """The unit-length mean vector of each topic's records (outliers included as -1)."""
    out = {}
    for topic in np.unique(topics):
        mean = vectors[topics == topic].mean(axis=0)
        out[int(topic)] = mean / max(float(np.linalg.norm(mean)), 1e-12)
    return out


def representatives(vectors: np.ndarray, topics: np.ndarray, ids: np.ndarray,
                    centres: dict[int, np.ndarray], k: int = 10) -> dict[int, list[int]]:
    """Per topic, the ``k`` record ids nearest its centroid, nearest first (ties by id)."""
    out = {}
    for topic, centre in centres.items():
        members = np.flatnonzero(topics == topic)
        similarity = vectors[members] @ centre
        order = np.lexsort((ids[members], -similarity))[:k]
        out[topic] = [int(ids[members[i]]) for i in order]
    return out


def similarity_to_centroid(vectors: np.ndarray, topics: np.ndarray,
                           centres: dict[int, np.ndarray]) -> np.ndarray:
    """Cosine of each record to its own topic's centroid (vectors are L2-normalised)."""
    out = np.zeros(len(topics))
    for topic, centre in centres.items():
        members = topics == topic
        out[members] = vectors[members] @ centre
    return out


def keybert_words(word_model, candidates: list[str], centre: np.ndarray, top_n: int) -> list[str]:
    """The candidate words whose embeddings are nearest a topic's centroid (KeyBERT-inspired)."""
    if not candidates:
        return []
    embedded = np.asarray(word_model.encode(candidates, normalize_embeddings=True,
                                            show_progress_bar=False))
    order = np.argsort(-(embedded @ centre), kind="stable")[:top_n]
    return [candidates[i] for i in order]
