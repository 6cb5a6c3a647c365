"""Citations for sentences the model left uncited: the retrieved passage most similar to the
sentence (cosine of the index's embedding model), kept only above a threshold.

Small local models often answer from the sources without writing the [n] markers. Rather than
leave such an answer unsupported, each uncited sentence is matched against the passages the
model was given; a match is stored as a citation ``by: "similarity"`` with its score, so a
reader (and the methods section) can tell it from one the model wrote (``by: "model"``).
"""
from __future__ import annotations

import numpy as np


def attribute(sentences: list[str], passages: list[str], embed, threshold: float
              ) -> list[tuple[str, int, float]]:
    """(sentence, 1-based passage number, cosine) for each sentence whose most similar
    passage reaches ``threshold``."""
    if not sentences or not passages:
        return []
    vectors = np.asarray(embed(sentences + passages), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True).clip(min=1e-12)
    similarity = vectors[:len(sentences)] @ vectors[len(sentences):].T
    found = []
    for sentence, row in zip(sentences, similarity):
        best = int(row.argmax())
        if row[best] >= threshold:
            found.append((sentence, best + 1, round(float(row[best]), 3)))
    return found
