"""Extractive evidence: the context sentence most similar to the question.

Measured against the slower leave-one-out method (the sentence whose removal most lowers the
chosen option's probability) in benchmarks/bench_label.py. Evidence is always one of the
context's own sentences, so it is verbatim by construction, and it is checked again before
it is stored.
"""
from __future__ import annotations

import numpy as np

from litlab.labeling.context import Context, Sentence
from litlab.labeling.injection import is_instruction

METHOD = "similarity to the question (all-MiniLM-L6-v2 cosine), verbatim context sentence"


def choose_evidence(contexts: list[Context], questions: list[str], embedder
                    ) -> list[list[Sentence | None]]:
    """For each context, for each question, the best evidence sentence (None without text)."""
    sentences = [s for c in contexts for s in c.sentences]
    if not sentences:
        return [[None] * len(questions) for _ in contexts]
    vectors = embedder.encode([s.text for s in sentences])
    query = embedder.encode(questions)
    out, at = [], 0
    for context in contexts:
        n = len(context.sentences)
        if n == 0:
            out.append([None] * len(questions))
            continue
        scores = vectors[at:at + n] @ query.T  # sentences x questions
        # A sentence that speaks to a model is never evidence, whether or not it was taken
        # out of the text (--keep-instructions keeps it for the model, not for quoting).
        flagged = np.array([is_instruction(s.text) for s in context.sentences])
        scores[flagged] = -np.inf
        picks = []
        for qi in range(len(questions)):
            best = int(np.argmax(scores[:, qi]))
            sentence = context.sentences[best]
            picks.append(sentence if not flagged[best] and sentence.text in context.text
                         else None)
        out.append(picks)
        at += n
    return out
